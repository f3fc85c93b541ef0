"""Programme files: each one passes the schema check, and a malformed one fails it naming file and field."""

import copy
from pathlib import Path

import pytest
import yaml

from portal.eligibility import GROUPS, ProgrammeFileError, programmes, validate_programme_file
from portal.eligibility.catalogue import PROGRAMMES_DIR
from portal.eligibility.loader import read_yaml

# The catalogue of docs/product.md, in its order, with the plan clauses it names and whether the
# programme can be applied for online.
PRODUCT = [
    ("living_allowance", ["（二）5", "专栏3-4"], True),
    ("nursing_allowance", ["（二）5", "专栏3-4"], True),
    ("assessment_subsidy", ["专栏3-2"], True),
    ("dibao_single", ["（二）2", "专栏3-3"], False),
    ("assistive_devices", ["（二）5", "专栏3-6", "专栏5-4"], True),
    ("home_modification", ["专栏8-6"], True),
    ("home_care", ["（二）3", "专栏3-9"], True),
    ("severe_care", ["专栏3-8"], True),
    ("green_action", ["专栏3-5"], True),
    ("startup_subsidy", ["（三）2", "专栏4-1"], True),
    ("graduate_subsidy", ["专栏4-1"], True),
    ("internship_subsidy", ["专栏4-5"], True),
    ("vocational_training", ["（三）3", "专栏4-14"], True),
    ("blind_massage", ["专栏4-10"], False),
    ("supported_employment", ["（三）2", "专栏4-12"], False),
    ("public_welfare_jobs", ["专栏4-13"], False),
    ("rehab_services", ["（四）2", "专栏5-1"], True),
    ("child_rehab", ["（四）2", "专栏5-2"], True),
    ("mental_health_rehab", ["（四）2", "专栏5-3"], False),
    ("education_aid", ["5", "专栏6-1", "专栏6-5"], True),
    ("fuel_subsidy", ["（二）5"], True),
    ("transit_concession", ["（二）5"], False),
    ("utility_discounts", ["（二）5"], False),
    ("legal_aid", ["（五）2", "专栏8-2"], False),
    ("culture_at_home", ["专栏7-1"], True),
]
FILES = sorted(PROGRAMMES_DIR.glob("*.yaml"))


@pytest.mark.parametrize("path", FILES, ids=[path.stem for path in FILES])
def test_programme_file_passes_the_schema(path):
    validate_programme_file(path)


def test_catalogue_is_the_products_in_its_order():
    assert [p.code for p in programmes()] == [code for code, _, _ in PRODUCT]


@pytest.mark.parametrize("code, clauses, online", PRODUCT, ids=[row[0] for row in PRODUCT])
def test_programme_matches_the_product_catalogue(code, clauses, online):
    p = next(p for p in programmes() if p.code == code)
    cited = " ".join(p.plan_clauses)
    assert all(clause in cited for clause in clauses), cited
    assert p.online is online
    assert p.group in GROUPS


def test_groups_are_the_six_of_the_brief():
    assert list(GROUPS) == ["living", "devices", "employment", "rehab", "education", "other"]
    assert str(GROUPS["living"].name) == "生活补贴与救助"
    assert GROUPS["devices"].name.en


def test_unknown_amounts_say_where_the_figure_will_come_from():
    for p in programmes():
        for amount in p.amounts:
            for entry in amount.values:
                if entry.value is None:
                    assert "以区民政局/区残联最新公布为准" in entry.note, (p.code, amount.id)


def test_referral_programmes_say_so_and_offices_without_address_say_who_confirms():
    for p in programmes():
        if not p.online:
            assert "暂不能在本平台" in p.office.note, p.code
        if p.office.address is None:
            assert "确认" in p.office.note, p.code


# ---- malformed files ---------------------------------------------------------------------------

VALID = read_yaml(PROGRAMMES_DIR / "nursing_allowance.yaml")


def write(tmp_path: Path, data, name="nursing_allowance.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def broken(change):
    data = copy.deepcopy(VALID)
    change(data)
    return data


MALFORMED = {
    "unknown fact in a rule": (
        lambda d: d["conditions"][0].update(rule={"fact": "huko", "is": "huyi"}),
        "conditions[0] (hukou).rule.fact",
    ),
    "value a fact cannot take": (
        lambda d: d["conditions"][0].update(rule={"fact": "hukou", "is": "beijing"}),
        "conditions[0] (hukou).rule.is",
    ),
    "number test on a yes/no fact": (
        lambda d: d["conditions"][1].update(rule={"fact": "has_certificate", "min": 1}),
        "conditions[1] (certificate).rule.min",
    ),
    "parameter the programme does not have": (
        lambda d: d["conditions"][3]["rule"]["any"][1]["all"][2].update(param="extension"),
        "conditions[3] (severity).rule.any[1].all[2].param",
    ),
    "reads does not match the rule": (
        lambda d: d["conditions"][0].update(reads=["hukou", "age"]),
        "conditions[0] (hukou).reads",
    ),
    "condition that can fail has no fail text": (
        lambda d: d["conditions"][0].pop("fail"),
        "conditions[0] (hukou).fail",
    ),
    "condition id used twice": (
        lambda d: d["conditions"][1].update(id="hukou"),
        "conditions[1] (hukou).id",
    ),
    "missing required field": (lambda d: d.pop("office"), "office"),
    "code does not match the file name": (lambda d: d.update(code="nursing"), "code"),
    "unknown group": (lambda d: d.update(group="money"), "group"),
    "text without English": (lambda d: d.update(name={"zh": "重度残疾人护理补贴"}), "name"),
    "null amount without the note": (
        lambda d: d["amounts"][0]["values"][1].pop("note"),
        "amounts[0].values[1].note",
    ),
    "dated values out of order": (
        lambda d: d["amounts"][0]["values"][1].update({"from": d["amounts"][0]["values"][0]["from"]}),
        "amounts[0].values[1].from",
    ),
    "parameter value that is not yes/no": (
        lambda d: d["parameters"]["extension_grade_3_4"]["values"][1].update(value="soon"),
        "parameters.extension_grade_3_4.values[1].value",
    ),
    "phone written as a number": (lambda d: d["office"].update(phone=12385), "office.phone"),
    "unpublished time limit without a note": (
        lambda d: d["time_limit"].pop("note"),
        "time_limit.note",
    ),
}


@pytest.mark.parametrize("change, field", MALFORMED.values(), ids=list(MALFORMED))
def test_a_malformed_programme_file_fails_naming_file_and_field(tmp_path, change, field):
    path = write(tmp_path, broken(change))
    with pytest.raises(ProgrammeFileError) as error:
        validate_programme_file(path)
    assert error.value.field == field
    assert str(error.value).startswith(f"nursing_allowance.yaml: {field}: ")


def test_an_unknown_top_level_field_is_named(tmp_path):
    path = write(tmp_path, broken(lambda d: d.update(colour="blue")))
    with pytest.raises(ProgrammeFileError, match=r"nursing_allowance\.yaml: unknown field\(s\) \['colour'\]"):
        validate_programme_file(path)


def test_a_duplicate_key_is_refused(tmp_path):
    path = tmp_path / "nursing_allowance.yaml"
    path.write_text("code: nursing_allowance\ncode: living_allowance\n", encoding="utf-8")
    with pytest.raises(ProgrammeFileError, match="duplicate key 'code'"):
        validate_programme_file(path)


def test_an_unquoted_comma_in_one_line_text_gets_a_hint(tmp_path):
    path = tmp_path / "nursing_allowance.yaml"
    text = (PROGRAMMES_DIR / "nursing_allowance.yaml").read_text(encoding="utf-8")
    text = text.replace('en: "District plan, section (2) 5"}', "en: District plan, section (2) 5}", 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ProgrammeFileError, match="put text with commas in quotes"):
        validate_programme_file(path)


def test_yes_no_and_on_are_not_booleans_in_data_files(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text("on: 2026-01-01\nanswer: yes\nother: no\nflag: true\n", encoding="utf-8")
    data = read_yaml(path)
    assert set(data) == {"on", "answer", "other", "flag"}
    assert data["answer"] == "yes" and data["other"] == "no" and data["flag"] is True


# ---- documents: stable kind codes and flags, never prose --------------------------------------

def _document(i, **change):
    return lambda d: d["documents"][i].update(change)


MALFORMED_DOCUMENTS = {
    "a document without a kind code": (
        lambda d: d["documents"][1].pop("kind"), "documents[1].kind", "is required"),
    "the old shape, a bare {zh, en} label": (
        lambda d: d["documents"].__setitem__(1, {"zh": "户口簿", "en": "Household register"}),
        "documents[1]", "unknown field(s)"),
    "an unknown key": (_document(4, pays=True), "documents[4]", "unknown field(s) ['pays']"),
    "a kind used twice": (_document(2, kind="id_card"), "documents[2].kind", "used twice"),
    "a kind that is not a code": (_document(1, kind="身份证"), "documents[1].kind", "identifier"),
    "neither upload nor online form": (
        lambda d: d["documents"][1].pop("upload"), "documents[1]", "exactly one"),
    "both upload and online form": (
        _document(0, upload=True), "documents[0]", "exactly one"),
    "a flag that is not true": (
        _document(1, upload="yes"), "documents[1].upload", "must be true"),
    "an online form in a programme not applied for online": (
        lambda d: d.update(online=False), "documents[0].online_form", "applied for online"),
    "pays_into_account that is not true or false": (
        lambda d: d.update(pays_into_account="银行卡"), "pays_into_account", "true or false"),
}


@pytest.mark.parametrize("change, field, message", MALFORMED_DOCUMENTS.values(),
                         ids=list(MALFORMED_DOCUMENTS))
def test_a_document_entry_is_a_kind_code_with_a_flag(tmp_path, change, field, message):
    path = write(tmp_path, broken(change))
    with pytest.raises(ProgrammeFileError) as error:
        validate_programme_file(path)
    assert error.value.field == field
    assert message in str(error.value)


def test_a_documents_kind_and_flags_are_read_from_the_file_not_its_words(tmp_path):
    """The online form and the payment come from flags: a label that says neither still gives
    them, and a label that says 可在本平台填写 or 银行卡 without the flag gives neither."""
    def relabel(data):
        data["documents"][0]["label"] = {"zh": "申请表", "en": "Form"}
        data["documents"][1]["label"] = {"zh": "银行卡（可在本平台填写）", "en": "Card"}
        data["pays_into_account"] = False
        data.pop("rates", None)   # monthly rates only where money is paid into an account
    found = validate_programme_file(write(tmp_path, broken(relabel)))
    assert [(d.kind, d.online_form) for d in found.documents[:2]] == [
        ("application_form", True), ("id_card", False)]
    assert found.pays_into_account is False
    assert found.document("id_card").label == "银行卡（可在本平台填写）"
    assert found.document("no_such_kind") is None


def test_the_same_document_has_the_same_kind_in_every_programme():
    """Programmes that pay into an account ask for the bank card, under one code; every online
    programme has exactly one online form, under one code."""
    for p in programmes():
        kinds = [d.kind for d in p.documents]
        assert ("bank_card" in kinds) is p.pays_into_account, p.code
        forms = [d.kind for d in p.documents if d.online_form]
        assert forms == (["application_form"] if p.online else []), p.code
