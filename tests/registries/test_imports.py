"""Registry imports: checked row by row, accepted whole or not at all, kept and dated; a
person's facts as of the newest import naming them; the file, API and command ways in."""
from __future__ import annotations

import json
import threading
from datetime import date

import pytest
from sqlalchemy import func, select
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from portal.extensions import db as _db
from portal.languages import DEFAULT_LOCALE
from portal.people import crypto, identity
from portal.registries import imports
from portal.registries.models import RegistryImport, RegistryPerson, RegistryRecord
from portal.registries.sources import ApiSource, FileSource
from tests.registries.helpers import (
    CERTIFICATE_HEADINGS,
    HOUSEHOLD_HEADINGS,
    certificate_row,
    id_number,
    write_csv,
    write_xlsx,
)


def count(model) -> int:
    return _db.session.scalar(select(func.count()).select_from(model))


def test_mixed_good_and_bad_rows_are_refused_whole_with_the_report(db, tmp_path):
    good, other = id_number(sequence=11), id_number(sequence=13)
    bad_check = good[:-1] + ("0" if good[-1] != "0" else "1")
    path = write_csv(tmp_path / "certs.csv", CERTIFICATE_HEADINGS, [
        certificate_row(good),                                  # 2: good
        certificate_row(bad_check),                             # 3: check character
        certificate_row(other, street="长安区某街道"),           # 4: unknown street
        certificate_row(good, name="张建国"),                    # 5: duplicate of row 2
        certificate_row(id_number(sequence=15), grade="五级"),    # 6: impossible grade
        certificate_row(id_number(sequence=17), valid="2030-13-45"),  # 7: bad date
        certificate_row(id_number(sequence=19), category="心脏"),     # 8: unknown category
    ])
    source = FileSource("certificates", path)
    report = imports.preview(source)
    assert not report.ok and report.rows == 7 and report.good == 1
    problems = {(p.line, p.problem) for p in report.problems}
    assert problems == {(3, "id_number.check_character"), (4, "street.unknown"),
                        (5, "id_number.duplicate"), (6, "grade.impossible"),
                        (7, "valid_until.date"), (8, "category.unknown")}
    texts = [p.text(DEFAULT_LOCALE) for p in report.problems]
    assert "第5行：与第2行是同一个身份证号码（重复的行）" in texts
    assert "第3行：身份证号码的校验位不对，可能抄错了一位" in texts
    with pytest.raises(imports.Refused) as refused:
        imports.run(source, None, date(2026, 11, 1))
    assert refused.value.report.problem_count == 6
    assert count(RegistryImport) == count(RegistryRecord) == count(RegistryPerson) == 0


def test_a_good_xlsx_import_is_kept_dated_and_encrypted(db, tmp_path):
    number = id_number(sequence=21)
    path = write_xlsx(tmp_path / "certs.xlsx", CERTIFICATE_HEADINGS, [
        [number, "李建华", "视力残疾", 2, "长期", "余下街道某村", "yuxia", "139 1234 5679"],
    ])
    done = imports.run(FileSource("certificates", path), None, date(2026, 11, 1))
    assert done.row_count == 1 and done.as_of == date(2026, 11, 1) and done.source == "certs.xlsx"
    person = _db.session.scalar(select(RegistryPerson))
    assert person.id_number_hash == identity.lookup_hash(number)
    assert number not in person.id_number_encrypted and "李建华" not in person.name_encrypted
    assert crypto.decrypt(person.phone_encrypted) == "13912345679"
    assert (person.disability_category, person.disability_grade, person.street) == \
        ("visual", 2, "yuxia")
    assert person.certificate_valid_until is None and person.certificate_as_of == date(2026, 11, 1)


def test_facts_are_as_of_the_newest_import_naming_the_person(db, tmp_path):
    number = id_number(sequence=23)
    newer = write_csv(tmp_path / "a.csv", CERTIFICATE_HEADINGS,
                      [certificate_row(number, grade="二级")])
    older = write_csv(tmp_path / "b.csv", CERTIFICATE_HEADINGS,
                      [certificate_row(number, grade="四级")])
    imports.run(FileSource("certificates", newer), None, date(2026, 11, 1))
    imports.run(FileSource("certificates", older), None, date(2026, 6, 1))   # imported later
    person = _db.session.scalar(select(RegistryPerson))
    assert person.disability_grade == 2 and person.certificate_as_of == date(2026, 11, 1)
    assert count(RegistryImport) == 2 and count(RegistryRecord) == 2   # both kept
    rolls = write_csv(tmp_path / "r.csv", HOUSEHOLD_HEADINGS,
                      [[number, "张建国", "低保", "甘亭街道", ""]])
    imports.run(FileSource("households", rolls), None, date(2026, 11, 2))
    _db.session.refresh(person)
    assert person.household == "dibao" and person.household_as_of == date(2026, 11, 2)
    assert person.disability_grade == 2


def test_a_file_with_only_headings_or_without_an_id_column_is_refused(db, tmp_path):
    empty = write_csv(tmp_path / "e.csv", CERTIFICATE_HEADINGS, [])
    assert imports.preview(FileSource("certificates", empty)).source_problem == "no_rows"
    wrong = write_csv(tmp_path / "w.csv", ["名字"], [["张三"]])
    assert imports.preview(FileSource("certificates", wrong)).source_problem == "headings"


@pytest.fixture()
def fake_registry_api():
    """A local stand-in for the registries' API: two pages of roll members."""
    pages = {
        "1": {"rows": [{"id_number": id_number(sequence=31), "name": "赵一", "household": "低保",
                        "street": "甘亭街道", "phone": "13900001111"}], "next": 2},
        "2": {"rows": [{"id_number": id_number(sequence=33), "name": "钱二",
                        "household": "特困", "street": "qindu"}], "next": None},
    }
    seen = []

    @Request.application
    def api(request):
        seen.append(request.path)
        if request.path != "/households":
            return Response("not found", status=404)
        return Response(json.dumps(pages[request.args["page"]]), mimetype="application/json")

    server = make_server("127.0.0.1", 0, api)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", seen
    server.shutdown()


def test_the_api_adapter_reads_every_page_of_a_fake_server(db, fake_registry_api):
    base, seen = fake_registry_api
    done = imports.run(ApiSource("households", base), None, date(2026, 11, 3))
    assert done.row_count == 2 and seen.count("/households") >= 4   # preview + import, 2 pages
    households = set(_db.session.scalars(select(RegistryPerson.household)))
    assert households == {"dibao", "tekun"}


def test_an_api_that_does_not_answer_is_a_report_not_a_crash(db):
    report = imports.preview(ApiSource("households", "http://127.0.0.1:9", timeout=0.5))
    assert report.source_problem == "api" and not report.ok


def test_the_command_imports_or_refuses(runner, tmp_path):
    good = write_csv(tmp_path / "g.csv", CERTIFICATE_HEADINGS,
                     [certificate_row(id_number(sequence=41))])
    result = runner.invoke(args=["import-registry", "certificates", str(good),
                                 "--as-of", "2026-11-01"])
    assert result.exit_code == 0, result.output
    assert "imported 1 rows" in result.output
    bad = write_csv(tmp_path / "b.csv", CERTIFICATE_HEADINGS,
                    [certificate_row(id_number(sequence=43), grade="9")])
    result = runner.invoke(args=["import-registry", "certificates", str(bad)])
    assert result.exit_code == 1 and "残疾等级只能是一级到四级" in result.output
    with runner.app.app_context():
        assert count(RegistryImport) == 1
