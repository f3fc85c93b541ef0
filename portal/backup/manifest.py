"""What a backup holds, written beside it as manifest.json when it is made and read back to
check a restored copy."""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

FORMAT = 1
NAME = "manifest.json"
_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class StoredFile:
    path: str           # relative to UPLOAD_FOLDER, "/"-separated
    size: int
    sha256: str


@dataclass(frozen=True)
class Manifest:
    made_at: str                        # ISO 8601, UTC
    dialect: str                        # "postgresql" or "sqlite"
    server_version: str                 # the database server's version ("" for SQLite)
    revision: str                       # alembic_version: the schema the dump holds
    database_file: str                  # "database.dump" or "database.sqlite3"
    database_sha256: str
    tables: dict[str, int]              # rows per table, counted in the dump's snapshot
    audit_rows: int
    audit_last_hash: str | None         # row_hash of the newest audit_event row
    uploads_file: str                   # "uploads.tar"
    uploads_sha256: str
    files: list[StoredFile] = field(default_factory=list)
    format: int = FORMAT

    def write(self, folder: Path) -> Path:
        path = folder / NAME
        path.write_text(json.dumps(asdict(self), ensure_ascii=False, indent=1) + "\n",
                        encoding="utf-8")
        return path

    @classmethod
    def read(cls, folder: Path) -> Manifest:
        path = folder / NAME
        if not path.is_file():
            raise BackupProblem(f"{path} is missing: {folder} is not a backup made by "
                                "`flask backup create`.")
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != FORMAT:
            raise BackupProblem(f"{path} has format {data.get('format')!r}; this portal "
                                f"reads format {FORMAT}.")
        data["files"] = [StoredFile(**entry) for entry in data.get("files", [])]
        return cls(**data)


class BackupProblem(RuntimeError):
    """A backup cannot be made, restored or read; the message says why."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
