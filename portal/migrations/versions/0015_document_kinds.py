"""stable document kinds: uploads keyed by a code, not by a hash of their Chinese name

A document"s kind used to be "doc-" + the first 12 hex digits of the sha256 of the document"s
Chinese name in its programme file, so rewording a name (even a typo fix) left the uploads under
the old name behind. Programme files now give every document a stable code (`kind:` in
portal/eligibility/programmes/*.yaml); this maps the stored kinds of the uploads of drafts and
applications to those codes, programme by programme, and back on downgrade.

The hashes below are those of the names as they were when the codes were introduced; they are
written out (not computed from today"s files) so that the migration means the same whatever the
files say later. Kinds that are not programme documents ("supplement", "authorisation") and
hashes of names that had already changed before are left as they are. Audit rows keep the kind
they were written with: they are hash-chained, and say what the kind was called at the time.

Revision ID: 0015_document_kinds
Revises: 0014_kept_answers
"""
import sqlalchemy as sa
from alembic import op

revision = "0015_document_kinds"
down_revision = "0014_kept_answers"
branch_labels = None
depends_on = None

# programme -> {hashed kind: stable kind}
KINDS = {
    "assessment_subsidy": {"doc-1893d222aa80": "id_card_and_hukou",
                           "doc-37185faa036c": "hardship_certificate",
                           "doc-c6a52b4f4adf": "application_form",
                           "doc-d6d7581f8c21": "disability_certificate"},
    "assistive_devices": {"doc-063209408242": "application_form",
                          "doc-945aa573644b": "disability_certificate",
                          "doc-a430dd8910ae": "id_card_or_hukou",
                          "doc-d08f64a3af4f": "medical_diagnosis"},
    "blind_massage": {"doc-15613afd55b6": "id_card_and_disability_certificate",
                      "doc-7f0e9f17e3f3": "massage_certificate"},
    "child_rehab": {"doc-4423a63c0878": "diagnosis_or_disability_certificate",
                    "doc-799d94974640": "application_form",
                    "doc-82847643681f": "id_card_or_hukou",
                    "doc-e0ae19a4c760": "guardian_id_card"},
    "culture_at_home": {"doc-15613afd55b6": "id_card_and_disability_certificate",
                        "doc-ad7fd60dfc2e": "application_form"},
    "dibao_single": {"doc-04d33b09f93d": "dibao_application",
                     "doc-1893d222aa80": "id_card_and_hukou",
                     "doc-5146234179ed": "income_statement",
                     "doc-8a9196c1e101": "disability_certificate"},
    "education_aid": {"doc-12186a52b84d": "bank_card",
                      "doc-1724c368fe57": "disability_certificate",
                      "doc-1abac6d69f9b": "proof_of_study",
                      "doc-385a7b2ce5d9": "hardship_certificate",
                      "doc-9847e7c9eb9d": "application_form",
                      "doc-fd3446b90eeb": "id_card_or_hukou"},
    "fuel_subsidy": {"doc-15613afd55b6": "id_card_and_disability_certificate",
                     "doc-bf8a047ad602": "wheelchair_vehicle_proof",
                     "doc-e0820154d4cb": "application_form",
                     "doc-e7bb241e49cb": "bank_card"},
    "graduate_subsidy": {"doc-15613afd55b6": "id_card_and_disability_certificate",
                         "doc-7eacb65ccad5": "application_form",
                         "doc-c1ba86c5f1ea": "proof_of_graduating",
                         "doc-e7bb241e49cb": "bank_card"},
    "green_action": {"doc-1893d222aa80": "id_card_and_hukou",
                     "doc-1c27b108e16a": "project_description",
                     "doc-8a9196c1e101": "disability_certificate",
                     "doc-a41012aec068": "application_form"},
    "home_care": {"doc-1893d222aa80": "id_card_and_hukou",
                  "doc-36783880a270": "guardian_id_card",
                  "doc-8a9196c1e101": "disability_certificate",
                  "doc-bb72e56fb1f9": "application_form"},
    "home_modification": {"doc-1893d222aa80": "id_card_and_hukou",
                          "doc-2c2406ac0a51": "housing_consent",
                          "doc-385a7b2ce5d9": "hardship_certificate",
                          "doc-8a9196c1e101": "disability_certificate",
                          "doc-ed6a7e5128bb": "application_form"},
    "internship_subsidy": {"doc-15613afd55b6": "id_card_and_disability_certificate",
                           "doc-1a33f66acde9": "graduation_certificate",
                           "doc-292a3ed24973": "internship_agreement",
                           "doc-da8e48775d22": "application_form"},
    "legal_aid": {"doc-15613afd55b6": "id_card_and_disability_certificate",
                  "doc-759dc1cee9bc": "hardship_certificate",
                  "doc-8b7b144e907e": "case_papers"},
    "living_allowance": {"doc-195ab6e661f0": "id_card",
                         "doc-769fdb0221c6": "hardship_certificate",
                         "doc-8a9196c1e101": "disability_certificate",
                         "doc-8c8418fa9ad2": "application_form",
                         "doc-bff5d33e5902": "hukou",
                         "doc-e7bb241e49cb": "bank_card"},
    "mental_health_rehab": {"doc-15613afd55b6": "id_card_and_disability_certificate",
                            "doc-5df5c748bf90": "guardian_id_card",
                            "doc-ef123b5627b6": "medical_diagnosis"},
    "nursing_allowance": {"doc-195ab6e661f0": "id_card",
                          "doc-8a9196c1e101": "disability_certificate",
                          "doc-8c8418fa9ad2": "application_form",
                          "doc-bff5d33e5902": "hukou",
                          "doc-e7bb241e49cb": "bank_card"},
    "public_welfare_jobs": {"doc-15613afd55b6": "id_card_and_disability_certificate",
                            "doc-dc2f840ddafc": "employment_registration"},
    "rehab_services": {"doc-15613afd55b6": "id_card_and_disability_certificate",
                       "doc-5fa67076aed7": "medical_diagnosis",
                       "doc-c8fa67c7e452": "application_form"},
    "severe_care": {"doc-1893d222aa80": "id_card_and_hukou",
                    "doc-385a7b2ce5d9": "hardship_certificate",
                    "doc-8a9196c1e101": "disability_certificate",
                    "doc-9b7975532cc6": "application_form"},
    "startup_subsidy": {"doc-03fb4ca7fb7a": "equipment_receipts",
                        "doc-15613afd55b6": "id_card_and_disability_certificate",
                        "doc-ac692b921b70": "social_insurance_receipts",
                        "doc-ce49ae3f2c85": "business_licence",
                        "doc-e7bb241e49cb": "bank_card",
                        "doc-ebf7d8bf7468": "application_form"},
    "supported_employment": {"doc-15613afd55b6": "id_card_and_disability_certificate",
                             "doc-5df5c748bf90": "guardian_id_card"},
    "transit_concession": {"doc-15613afd55b6": "id_card_and_disability_certificate",
                           "doc-85888d5d5aec": "photo"},
    "utility_discounts": {"doc-15613afd55b6": "id_card_and_disability_certificate",
                          "doc-385a7b2ce5d9": "hardship_certificate",
                          "doc-74d55ccf5d1c": "utility_account_numbers"},
    "vocational_training": {"doc-15613afd55b6": "id_card_and_disability_certificate",
                            "doc-f28238a978c5": "application_form"},
}


def _remap(pairs_by_programme: dict[str, dict[str, str]]) -> None:
    """Set document.kind from each pair"s first to its second, for the uploads of drafts and
    applications of that programme."""
    document = sa.table("document", sa.column("kind", sa.String), sa.column("draft_id", sa.Integer),
                        sa.column("application_id", sa.Integer))
    draft = sa.table("draft", sa.column("id", sa.Integer), sa.column("programme", sa.String))
    application = sa.table("application", sa.column("id", sa.Integer),
                           sa.column("programme", sa.String))
    connection = op.get_bind()
    for programme, pairs in pairs_by_programme.items():
        of_programme = sa.or_(
            document.c.draft_id.in_(sa.select(draft.c.id).where(draft.c.programme == programme)),
            document.c.application_id.in_(
                sa.select(application.c.id).where(application.c.programme == programme)))
        for old, new in pairs.items():
            connection.execute(document.update()
                               .where(document.c.kind == old, of_programme)
                               .values(kind=new))


def upgrade():
    _remap(KINDS)


def downgrade():
    _remap({programme: {new: old for old, new in pairs.items()}
            for programme, pairs in KINDS.items()})
