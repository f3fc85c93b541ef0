"""The demo's sample sign-language media (portal/content/media/sample/, made for this project with
scripts/make-sample-sign-video): a plainly labelled 示例 video with captions and transcript,
attached to the nursing allowance guide so the video component works end to end."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from portal.accounts.models import Account
from portal.content.media import publishing, storage, validation
from portal.content.models import MediaAsset
from portal.extensions import db

FOLDER = Path(__file__).resolve().parent / "sample"
PAGE_KEY = "guide:nursing_allowance"
TITLE = "【示例】重度残疾人护理补贴 手语视频"
VIDEO = FOLDER / "nursing-allowance-sample.webm"
CAPTIONS = FOLDER / "nursing-allowance-sample.vtt"
TRANSCRIPT = FOLDER / "nursing-allowance-sample.txt"


def attach_demo_sample(editor: Account | None) -> MediaAsset:
    """Attach the sample to the nursing allowance guide, unless a sample is already there.
    Running it again changes nothing (missing files are put back under the same names)."""
    existing = db.session.scalar(select(MediaAsset).where(
        MediaAsset.page_key == PAGE_KEY, MediaAsset.is_sample.is_(True)).limit(1))
    if existing is not None:
        for source, name in ((VIDEO, existing.video_file), (CAPTIONS, existing.captions_file)):
            if storage.path_for(name) is None:
                with source.open("rb") as stream:
                    storage.save(stream, source.suffix, name=name)
        return existing
    with VIDEO.open("rb") as video, CAPTIONS.open("rb") as captions:
        video_type = validation.check_video(video)
        validation.parse_captions(captions.read())
        return publishing.publish(
            PAGE_KEY, TITLE, video, video_type, captions,
            TRANSCRIPT.read_text(encoding="utf-8"), editor, is_sample=True)
