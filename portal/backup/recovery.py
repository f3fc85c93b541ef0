"""Restoring a backup into an EMPTY database and folder, and checking the restored copy.

restore() first checks the two files against the checksums in the manifest, then loads the
database (pg_restore, or the SQLite copy) and extracts the uploads; it refuses a database that
has any table or a folder that has any file.

check() runs in an app configured for the restored copy (DATABASE_URL, UPLOAD_FOLDER and the
keys in the environment, as a portal serving it would be) and compares it with the manifest:
the schema revision, the rows of every table, the audit log's hash chain (verified whole,
portal/audit/chain.py) with its length and last hash, every uploaded file's SHA-256, every
document's file against the checksum its database row recorded at upload, and the keys: stored
card and ID numbers and authenticator keys decrypt with DATA_ENCRYPTION_KEYS, and the ID
numbers' look-up hashes are remade with ID_HASH_KEYS. A backup restored with other keys fails
here, naming the key – the backup is useless without them.
"""
from __future__ import annotations

import hmac
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from portal.accounts.models import Account
from portal.applications.models import Document
from portal.audit import chain as audit_chain
from portal.audit.models import AuditEvent
from portal.backup import database, uploads
from portal.backup.manifest import BackupProblem, Manifest, sha256_of
from portal.benefits.models import Recipient
from portal.extensions import db
from portal.keys import KeyProblem
from portal.people import crypto, identity
from portal.people.models import Person

SAMPLE = 20   # encrypted values tried per column (the keys either read them all or none)

# Where values encrypted with DATA_ENCRYPTION_KEYS are kept: (column, the row's id).
ENCRYPTED_COLUMNS = (
    (Person.id_number_encrypted, Person.id),
    (Account.totp_secret_encrypted, Account.id),
    (Recipient.card_number_encrypted, Recipient.id),
)


@dataclass(frozen=True)
class Finding:
    what: str
    ok: bool | None          # None: nothing to check it with (said, not counted as a failure)
    detail: str


@dataclass(frozen=True)
class Report:
    findings: list[Finding]

    @property
    def ok(self) -> bool:
        return all(finding.ok is not False for finding in self.findings)


def restore(source: Path, database_url: str, upload_folder: Path) -> Manifest:
    manifest = Manifest.read(source)
    for name, expected in ((manifest.database_file, manifest.database_sha256),
                           (manifest.uploads_file, manifest.uploads_sha256)):
        path = source / name
        if not path.is_file() or sha256_of(path) != expected:
            raise BackupProblem(f"{path} is missing or not the file the manifest describes "
                                "(SHA-256 differs): the backup is damaged.")
    if manifest.dialect == "postgresql":
        database.restore_postgres(source / manifest.database_file, database_url)
    else:
        database.restore_sqlite(source / manifest.database_file, database_url)
    uploads.extract(source / manifest.uploads_file, upload_folder)
    return manifest


def check(source: Path) -> Report:
    manifest = Manifest.read(source)
    connection = db.session.connection()
    snapshot = database.read_snapshot(connection)
    findings = [
        _schema(manifest, snapshot),
        _rows(manifest, snapshot),
        _audit(manifest),
        _files(manifest),
        _documents(),
    ]
    findings += _keys()
    db.session.rollback()
    return Report(findings)


def _schema(manifest: Manifest, snapshot: database.Snapshot) -> Finding:
    same = snapshot.revision == manifest.revision
    return Finding("schema", same, f"revision {snapshot.revision}" + (
        "" if same else f", the backup's is {manifest.revision}"))


def _rows(manifest: Manifest, snapshot: database.Snapshot) -> Finding:
    tables = set(manifest.tables) | set(snapshot.tables)
    wrong = [f"{name}: {snapshot.tables.get(name, 'no table')} (backup: "
             f"{manifest.tables.get(name, 'no table')})"
             for name in sorted(tables) if snapshot.tables.get(name) != manifest.tables.get(name)]
    if wrong:
        return Finding("rows", False, "; ".join(wrong))
    return Finding("rows", True, f"{len(tables)} tables, {sum(snapshot.tables.values())} rows, "
                                 "as the manifest counted them")


def _audit(manifest: Manifest) -> Finding:
    verdict = audit_chain.verify()
    if not verdict.ok:
        return Finding("audit log", False, f"row {verdict.broken_id} breaks the hash chain: "
                                           f"{verdict.reason}")
    last = db.session.execute(select(AuditEvent.row_hash)
                              .order_by(AuditEvent.id.desc()).limit(1)).scalar()
    if verdict.rows != manifest.audit_rows or last != manifest.audit_last_hash:
        return Finding("audit log", False, f"{verdict.rows} rows ending in {last}; the backup "
                                           f"had {manifest.audit_rows} ending in "
                                           f"{manifest.audit_last_hash}")
    return Finding("audit log", True, f"{verdict.rows} rows, hash chain unbroken, last hash "
                                      "as backed up")


def _folder() -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"])


def _files(manifest: Manifest) -> Finding:
    wrong = uploads.differences(_folder(), manifest.files)
    if wrong:
        return Finding("uploaded files", False, "; ".join(wrong[:10]) + (
            f" (and {len(wrong) - 10} more)" if len(wrong) > 10 else ""))
    return Finding("uploaded files", True, f"{len(manifest.files)} files, each SHA-256 as "
                                           "backed up")


def _documents() -> Finding:
    """Every document's file reads back with the checksum its row recorded at upload."""
    folder, count, wrong = _folder(), 0, []
    rows = db.session.execute(select(Document.id, Document.storage_name, Document.sha256)
                              .where(Document.removed_at.is_(None)).order_by(Document.id))
    for document_id, storage_name, sha256 in rows:
        count += 1
        path = folder / storage_name
        if not path.is_file() or sha256_of(path) != sha256:
            wrong.append(str(document_id))
    if wrong:
        return Finding("document files", False, f"{len(wrong)} of {count} documents do not read "
                                           f"back (document ids {', '.join(wrong[:10])})")
    if not count:
        return Finding("document files", None, "no documents to read back")
    return Finding("document files", True, f"{count} documents read back, each with the SHA-256 "
                                      "recorded at upload")


def _keys() -> list[Finding]:
    tried, failed = 0, None
    for column, row_id in ENCRYPTED_COLUMNS:
        rows = db.session.execute(select(row_id, column).where(column.like(crypto.PREFIX + "%"))
                                  .order_by(row_id).limit(SAMPLE))
        for identifier, value in rows:
            tried += 1
            try:
                crypto.decrypt(value)
            except (crypto.KeysMissing, KeyProblem):
                failed = f"{column.class_.__tablename__}.{column.key} of row {identifier}"
                break
        if failed:
            break
    if failed:
        data = Finding("DATA_ENCRYPTION_KEYS", False,
                       f"cannot decrypt {failed}: these keys are not the ones the backup was "
                       "made with – card and ID numbers and authenticator keys cannot be read")
        return [data, Finding("ID_HASH_KEYS", None, "not checked (needs the data keys first)")]
    data = Finding("DATA_ENCRYPTION_KEYS", True, f"{tried} encrypted values decrypt") if tried \
        else Finding("DATA_ENCRYPTION_KEYS", None, "no encrypted values to try the keys on")
    return [data, _hash_keys()]


def _hash_keys() -> Finding:
    rows = db.session.execute(select(Person.id, Person.id_number_hash, Person.id_number_encrypted)
                              .where(Person.id_number_encrypted.is_not(None))
                              .order_by(Person.id).limit(SAMPLE)).all()
    if not rows:
        return Finding("ID_HASH_KEYS", None, "no ID numbers to remake the look-up hashes from")
    for person_id, stored, encrypted in rows:
        remade = identity.lookup_hashes(crypto.decrypt(encrypted))
        if not any(hmac.compare_digest(digest, stored) for digest in remade):
            return Finding("ID_HASH_KEYS", False,
                           f"person {person_id}'s look-up hash is not remade by these keys: "
                           "they are not the ones the backup was made with – no one would "
                           "be found by ID number")
    return Finding("ID_HASH_KEYS", True, f"{len(rows)} look-up hashes remade from the ID numbers")
