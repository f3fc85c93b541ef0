"""Finding the media for a page: the template global `media_for(page_key)`."""
from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from portal.content.models import MediaAsset
from portal.extensions import db


def media_for(page_key: str) -> MediaAsset | None:
    """The active sign-language media for a page key such as "guide:nursing_allowance"."""
    return db.session.scalar(
        select(MediaAsset)
        .where(MediaAsset.page_key == page_key, MediaAsset.active.is_(True))
        .order_by(MediaAsset.id.desc())
        .limit(1)
    )


def sign_language_summary() -> dict[str, int]:
    """What residents may be told about coverage, from the data (the help page and the
    accessibility statement): how many of the pages that can have a video have a real one,
    how many only the demo's sample, and how many pages there are."""
    from portal.content.media.coverage import coverage

    rows = [row for group in coverage() for row in group.rows]
    return {"pages": len(rows), "videos": sum(row.complete for row in rows),
            "samples": sum(row.sample for row in rows)}


def init_app(app: Flask) -> None:
    app.add_template_global(media_for)
    app.add_template_global(sign_language_summary)
