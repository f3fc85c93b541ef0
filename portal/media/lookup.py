"""Finding the media for a page: the template global `media_for(page_key)`."""
from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from ..extensions import db
from ..models import MediaAsset


def media_for(page_key: str) -> MediaAsset | None:
    """The active sign-language media for a page key such as "guide:nursing_allowance"."""
    return db.session.scalar(
        select(MediaAsset)
        .where(MediaAsset.page_key == page_key, MediaAsset.active.is_(True))
        .order_by(MediaAsset.id.desc())
        .limit(1)
    )


def init_app(app: Flask) -> None:
    app.add_template_global(media_for)
