"""Importing a registry: preview (every row checked, the report in the admin's language), then
the import – accepted whole or not at all, in one transaction.

    report = imports.preview(source)          # nothing saved
    done = imports.run(source, actor, as_of)  # raises Refused (nothing saved) on any bad row

An accepted import is kept (RegistryImport and a RegistryRecord per row), and each person it
names gets its facts unless an import of the same registry as of a later day already gave
them: a person's facts are as of the newest import naming them. The commit queues the
discovery sweep (portal/tasks/registries.py) – after the commit, never before.

Rows are read a batch at a time (a file through openpyxl's read-only mode): only the ID
numbers already seen (for duplicates) are held for the whole file.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.accounts.models import Account
from portal.audit import log as audit
from portal.database.columns import utcnow
from portal.extensions import db
from portal.people import crypto, identity
from portal.registries.models import RegistryImport, RegistryPerson, RegistryRecord
from portal.registries.sources import RegistrySource, SourceError
from portal.registries.validation import Checker, RegistryRow, RowProblem

BATCH = 1000
MAX_REPORTED = 200      # problems listed on the page; the count says how many in all

SOURCE_PROBLEMS = {
    "empty": _l("文件是空的，没有任何行"),
    "headings": _l("第1行应为表头，并且要有“身份证号码”一列"),
    "unreadable": _l("无法读取这个文件。请选择 .xlsx 或 CSV 格式的文件"),
    "api": _l("没有从数据接口取到数据，请稍后再试"),
    "no_rows": _l("文件中只有表头，没有数据行"),
}


@dataclass
class Report:
    kind: str
    label: str
    rows: int = 0
    good: int = 0
    problems: list[RowProblem] = field(default_factory=list)   # the first MAX_REPORTED
    problem_count: int = 0
    source_problem: str | None = None                          # a key of SOURCE_PROBLEMS

    @property
    def ok(self) -> bool:
        return self.source_problem is None and self.problem_count == 0 and self.rows > 0

    def source_text(self, locale: str | None = None) -> str | None:
        if not self.source_problem:
            return None
        if locale is not None:
            with force_locale(locale):
                return str(SOURCE_PROBLEMS[self.source_problem])
        return str(SOURCE_PROBLEMS[self.source_problem])


class Refused(Exception):
    def __init__(self, report: Report):
        super().__init__(f"{report.problem_count} problems")
        self.report = report


def preview(source: RegistrySource) -> Report:
    """Every row checked; nothing saved."""
    report = Report(source.kind, source.label)
    checker = Checker(source.kind)
    try:
        for row in source.rows():
            report.rows += 1
            checked = checker.check(row)
            if isinstance(checked, list):
                report.problem_count += len(checked)
                report.problems.extend(checked[:MAX_REPORTED - len(report.problems)])
            else:
                report.good += 1
    except SourceError as error:
        report.source_problem = error.problem
    if report.rows == 0 and report.source_problem is None:
        report.source_problem = "no_rows"
    return report


def run(source: RegistrySource, actor: Account | None, as_of: date) -> RegistryImport:
    """Import the whole source or nothing (raises Refused, with the report); commits."""
    report = preview(source)
    if not report.ok:
        raise Refused(report)
    from portal.tasks import after_commit
    from portal.tasks.registries import DISCOVER

    try:
        done = RegistryImport(kind=source.kind, as_of=as_of, source=source.label[:200],
                              row_count=0, actor_account_id=actor.id if actor else None)
        db.session.add(done)
        db.session.flush()
        checker, batch = Checker(source.kind), []
        for row in source.rows():
            checked = checker.check(row)
            if isinstance(checked, list):      # the source changed since the preview
                raise Refused(preview(source))
            batch.append(checked)
            if len(batch) >= BATCH:
                _write(done, batch)
                batch = []
        _write(done, batch)
        audit.record(actor, "registry.import", "registry_import", str(done.id),
                     {"kind": done.kind, "rows": done.row_count, "as_of": as_of.isoformat()})
        after_commit.queue(db.session, DISCOVER)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return done


def _write(done: RegistryImport, rows: list[RegistryRow]) -> None:
    if not rows:
        return
    records = [_record(done, row) for row in rows]
    db.session.add_all(records)
    db.session.flush()
    people = {person.id_number_hash: person for person in db.session.scalars(
        select(RegistryPerson).where(
            RegistryPerson.id_number_hash.in_([r.id_number_hash for r in records])))}
    for row, record in zip(rows, records):
        person = people.get(record.id_number_hash)
        if person is None:
            person = RegistryPerson(
                id_number_hash=record.id_number_hash,
                id_number_last4_hash=identity.last_four_hash(row.id_number[-4:]),
                id_number_encrypted=record.id_number_encrypted,
                name_encrypted=record.name_encrypted)
            db.session.add(person)
        _apply(person, done, row, record)
    done.row_count += len(rows)
    db.session.flush()


def _record(done: RegistryImport, row: RegistryRow) -> RegistryRecord:
    return RegistryRecord(
        import_id=done.id, line=row.line, id_number_hash=identity.lookup_hash(row.id_number),
        id_number_encrypted=crypto.encrypt(row.id_number), name_encrypted=crypto.encrypt(row.name),
        phone_encrypted=crypto.encrypt(row.phone), address_encrypted=crypto.encrypt(row.address),
        street=row.street, disability_category=row.category, disability_grade=row.grade,
        valid_until=row.valid_until, household=row.household)


def _apply(person: RegistryPerson, done: RegistryImport, row: RegistryRow,
           record: RegistryRecord) -> None:
    """The person's facts from this row – unless an import as of a later day gave them."""
    if done.kind == "certificates":
        if person.certificate_as_of is not None and person.certificate_as_of > done.as_of:
            return
        person.certificate_record_id, person.certificate_as_of = record.id, done.as_of
        person.disability_category, person.disability_grade = row.category, row.grade
        person.certificate_valid_until = row.valid_until
        person.street = row.street or person.street
    else:
        if person.household_as_of is not None and person.household_as_of > done.as_of:
            return
        person.household_record_id, person.household_as_of = record.id, done.as_of
        person.household = row.household
        if person.street is None or person.certificate_record_id is None:
            person.street = row.street or person.street
    person.name_encrypted = record.name_encrypted
    if row.phone:
        person.phone_encrypted = record.phone_encrypted
    person.updated_at = utcnow()


def history(limit: int = 50) -> list[RegistryImport]:
    """The imports, newest first."""
    return list(db.session.scalars(
        select(RegistryImport).order_by(RegistryImport.id.desc()).limit(limit)))

