"""A registry file between its preview and the admin's confirmation: kept encrypted (it is
personal data) under UPLOAD_FOLDER/registries, named by a random token kept in the admin's
session; removed once imported or replaced. Older than a day: removed on the next upload."""
from __future__ import annotations

import contextlib
import secrets
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from flask import current_app

from portal.people import crypto

SUFFIXES = (".xlsx", ".csv")
MAX_AGE_SECONDS = 24 * 3600


def _folder() -> Path:
    folder = Path(current_app.config["UPLOAD_FOLDER"]) / "registries"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def suffix_of(filename: str | None) -> str:
    suffix = Path(filename or "").suffix.lower()
    return suffix if suffix in SUFFIXES else ".csv"


def keep(data: bytes) -> str:
    """Keep `data` encrypted; returns its token."""
    folder = _folder()
    for old in folder.glob("*.enc"):
        if old.stat().st_mtime < time.time() - MAX_AGE_SECONDS:
            old.unlink(missing_ok=True)
    token = secrets.token_urlsafe(18)
    (folder / f"{token}.enc").write_bytes(crypto.encrypt_bytes(data))
    return token


def _path(token: str) -> Path | None:
    if not token or not token.replace("-", "").replace("_", "").isalnum():
        return None
    path = _folder() / f"{token}.enc"
    return path if path.exists() else None


@contextlib.contextmanager
def opened(token: str, suffix: str) -> Iterator[Path | None]:
    """The kept file decrypted into a temporary file (removed after), or None if gone."""
    path = _path(token)
    if path is None:
        yield None
        return
    with tempfile.TemporaryDirectory() as folder:
        plain = Path(folder) / f"registry{suffix}"
        plain.write_bytes(crypto.decrypt_bytes(path.read_bytes()))
        yield plain


def discard(token: str | None) -> None:
    path = _path(token or "")
    if path is not None:
        path.unlink(missing_ok=True)
