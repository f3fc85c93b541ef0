"""Publishing and withdrawing sign-language media (one operation each, one transaction)."""
from __future__ import annotations

from typing import BinaryIO

from sqlalchemy import select

from portal.accounts.models import Account
from portal.audit import log as audit
from portal.content.media import storage, validation
from portal.content.models import MediaAsset
from portal.extensions import db


def publish(page_key: str, title: str, video: BinaryIO, video_type: str, captions: BinaryIO,
            transcript: str, editor: Account | None, is_sample: bool = False) -> MediaAsset:
    """Store the files and make this the page's sign-language media (the earlier one is
    withdrawn). The files must already have been checked (validation.py)."""
    video_name = storage.save(video, validation.VIDEO_TYPES[video_type])
    captions_name = storage.save(captions, ".vtt")
    for earlier in db.session.scalars(select(MediaAsset).where(
            MediaAsset.page_key == page_key, MediaAsset.active.is_(True))):
        earlier.active = False
    asset = MediaAsset(
        page_key=page_key, title=title.strip(), video_file=video_name, video_type=video_type,
        captions_file=captions_name, transcript=validation.clean_transcript(transcript),
        is_sample=is_sample, active=True,
        uploaded_by_account_id=editor.id if editor else None,
    )
    db.session.add(asset)
    db.session.flush()
    _audit(editor, "media_published", asset, {"page_key": page_key})
    db.session.commit()
    return asset


def withdraw(asset: MediaAsset, editor: Account) -> None:
    """Take the media off its page. The files stay, so the decision can be checked later."""
    asset.active = False
    _audit(editor, "media_withdrawn", asset, {"page_key": asset.page_key})
    db.session.commit()


def assets_newest_first() -> list[MediaAsset]:
    return list(db.session.scalars(select(MediaAsset).order_by(MediaAsset.id.desc())))


def _audit(editor: Account | None, action: str, asset: MediaAsset, detail: dict) -> None:
    audit.record(editor, action, "media_asset", str(asset.id), detail)
