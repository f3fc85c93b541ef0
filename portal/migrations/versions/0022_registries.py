"""registries: imports, their rows and persons; discovery leads, contacts; checks at submission

Revision ID: 0022_registries
Revises: 0023_line_card
"""
import sqlalchemy as sa
from alembic import op

revision = "0022_registries"
down_revision = "0023_line_card"
branch_labels = None
depends_on = None


def _created():
    return sa.Column("created_at", sa.DateTime(timezone=True), nullable=False)


def upgrade():
    op.create_table(
        "registry_import",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("as_of", sa.Date, nullable=False),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("row_count", sa.Integer, nullable=False),
        sa.Column("actor_account_id", sa.Integer, sa.ForeignKey("account.id")),
        _created(),
    )
    op.create_table(
        "registry_record",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("import_id", sa.Integer, sa.ForeignKey("registry_import.id"), nullable=False),
        sa.Column("line", sa.Integer, nullable=False),
        sa.Column("id_number_hash", sa.String(64), nullable=False),
        sa.Column("id_number_encrypted", sa.String(255), nullable=False),
        sa.Column("name_encrypted", sa.String(255), nullable=False),
        sa.Column("phone_encrypted", sa.String(255)),
        sa.Column("address_encrypted", sa.String(600)),
        sa.Column("street", sa.String(40)),
        sa.Column("disability_category", sa.String(12)),
        sa.Column("disability_grade", sa.Integer),
        sa.Column("valid_until", sa.Date),
        sa.Column("household", sa.String(12)),
    )
    op.create_index("ix_registry_record_import", "registry_record", ["import_id", "id"])
    op.create_index("ix_registry_record_id_number_hash", "registry_record", ["id_number_hash"])
    op.create_table(
        "registry_person",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("id_number_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("id_number_last4_hash", sa.String(64), nullable=False),
        sa.Column("id_number_encrypted", sa.String(255), nullable=False),
        sa.Column("name_encrypted", sa.String(255), nullable=False),
        sa.Column("phone_encrypted", sa.String(255)),
        sa.Column("street", sa.String(40)),
        sa.Column("certificate_record_id", sa.Integer, sa.ForeignKey("registry_record.id")),
        sa.Column("certificate_as_of", sa.Date),
        sa.Column("disability_category", sa.String(12)),
        sa.Column("disability_grade", sa.Integer),
        sa.Column("certificate_valid_until", sa.Date),
        sa.Column("household_record_id", sa.Integer, sa.ForeignKey("registry_record.id")),
        sa.Column("household_as_of", sa.Date),
        sa.Column("household", sa.String(12)),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_registry_person_id_number_last4_hash", "registry_person",
                    ["id_number_last4_hash"])
    op.create_index("ix_registry_person_street", "registry_person", ["street"])
    op.create_table(
        "discovery_lead",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("registry_person_id", sa.Integer, sa.ForeignKey("registry_person.id"),
                  nullable=False, unique=True),
        sa.Column("street", sa.String(40)),
        sa.Column("programmes", sa.JSON, nullable=False),
        sa.Column("eligible_count", sa.Integer, nullable=False),
        sa.Column("found_on", sa.Date, nullable=False),
        _created(),
    )
    op.create_index("ix_discovery_lead_street", "discovery_lead", ["street", "id"])
    op.create_table(
        "discovery_contact",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("registry_person_id", sa.Integer, sa.ForeignKey("registry_person.id"),
                  nullable=False),
        sa.Column("actor_account_id", sa.Integer, sa.ForeignKey("account.id")),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("note", sa.String(500)),
        _created(),
    )
    op.create_index("ix_discovery_contact_registry_person_id", "discovery_contact",
                    ["registry_person_id"])
    op.create_table(
        "registry_check",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("application_id", sa.Integer, sa.ForeignKey("application.id"),
                  nullable=False, unique=True),
        sa.Column("results", sa.JSON, nullable=False),
        _created(),
    )


def downgrade():
    op.drop_table("registry_check")
    op.drop_index("ix_discovery_contact_registry_person_id", "discovery_contact")
    op.drop_table("discovery_contact")
    op.drop_index("ix_discovery_lead_street", "discovery_lead")
    op.drop_table("discovery_lead")
    op.drop_index("ix_registry_person_street", "registry_person")
    op.drop_index("ix_registry_person_id_number_last4_hash", "registry_person")
    op.drop_table("registry_person")
    op.drop_index("ix_registry_record_id_number_hash", "registry_record")
    op.drop_index("ix_registry_record_import", "registry_record")
    op.drop_table("registry_record")
    op.drop_table("registry_import")
