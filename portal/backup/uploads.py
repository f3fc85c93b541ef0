"""The uploaded files (UPLOAD_FOLDER: residents' documents, media, registry files waiting to be
confirmed) as one tar, each file's size and SHA-256 noted for the manifest while it is read.

Files are written once under random names and never changed, so a backup taken while the
portal runs holds each file whole; one removed while the tar is made is left out. Restoring
extracts with the tarfile "data" filter (no absolute paths, no links out of the folder, no
device files)."""
from __future__ import annotations

import hashlib
import os
import tarfile
from pathlib import Path

from portal.backup.manifest import BackupProblem, StoredFile, sha256_of


class _Hashing:
    """Reads a file for tarfile while hashing what passes."""

    def __init__(self, stream):
        self.stream, self.digest = stream, hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        chunk = self.stream.read(size)
        self.digest.update(chunk)
        return chunk


def archive(folder: Path, target: Path) -> list[StoredFile]:
    files: list[StoredFile] = []
    with tarfile.open(target, "w") as tar:
        if not folder.is_dir():
            return files
        for directory, _subfolders, names in sorted(os.walk(folder)):
            for name in sorted(names):
                path = Path(directory) / name
                relative = path.relative_to(folder).as_posix()
                try:
                    with path.open("rb") as stream:
                        info = tar.gettarinfo(fileobj=stream, arcname=relative)
                        if not info.isfile():
                            continue
                        reader = _Hashing(stream)
                        tar.addfile(info, reader)
                except FileNotFoundError:
                    continue
                files.append(StoredFile(relative, info.size, reader.digest.hexdigest()))
    return files


def extract(archive_path: Path, folder: Path) -> None:
    if folder.exists() and any(folder.iterdir()):
        raise BackupProblem(f"{folder} is not empty: uploads are restored only into an empty "
                            "folder.")
    folder.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive_path, "r") as tar:
        tar.extractall(folder, filter="data")


def differences(folder: Path, files: list[StoredFile]) -> list[str]:
    """Each file of the manifest that is missing from `folder` or reads back otherwise."""
    found = []
    for entry in files:
        path = folder / entry.path
        if not path.is_file():
            found.append(f"{entry.path} is missing")
        elif path.stat().st_size != entry.size or sha256_of(path) != entry.sha256:
            found.append(f"{entry.path} differs from the backed-up file (size or SHA-256)")
    return found
