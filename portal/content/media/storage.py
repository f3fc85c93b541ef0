"""Where media files live: UPLOAD_FOLDER/media/, each under a random name. Nothing here is
reachable except through the serving view, which only accepts names of this form."""
from __future__ import annotations

import re
import secrets
import shutil
from pathlib import Path
from typing import BinaryIO

from flask import current_app

NAME = re.compile(r"^[0-9a-f]{32}\.(?:webm|mp4|vtt)$")


def folder() -> Path:
    path = Path(current_app.config["UPLOAD_FOLDER"]) / "media"
    path.mkdir(parents=True, exist_ok=True)
    return path


def new_name(extension: str) -> str:
    return secrets.token_hex(16) + extension


def save(stream: BinaryIO, extension: str, name: str | None = None) -> str:
    """Copy `stream` into the media folder; return the stored file's name."""
    name = name or new_name(extension)
    if not NAME.match(name):
        raise ValueError(f"not a media file name: {name!r}")
    stream.seek(0)
    with open(folder() / name, "wb") as out:
        shutil.copyfileobj(stream, out)
    return name


def path_for(name: str) -> Path | None:
    """The stored file for `name`, or None when the name is not one of ours or is missing."""
    if not NAME.match(name):
        return None
    path = folder() / name
    return path if path.is_file() else None


def remove(name: str) -> None:
    path = path_for(name)
    if path:
        path.unlink(missing_ok=True)
