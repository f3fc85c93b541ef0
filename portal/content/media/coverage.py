"""Which pages have sign-language media, and which are still missing it (the editors'
coverage page). A page counts as having a video, captions or a transcript only when its
published media has that part and the stored file is really there; the demo's sample counts
apart from real videos, since it is not a sign-language explanation."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from portal.content.media import storage
from portal.content.media.pages import GROUPS
from portal.content.models import MediaAsset
from portal.extensions import db

# Where each page is shown to residents: (endpoint, arguments); guides by their code.
PUBLIC_PAGES = {
    "journey:checker": ("checker.start", {}),
    "journey:apply": ("apply.start", {}),
    "journey:status": ("status.index", {}),
    "notice:public": ("notice.index", {}),
}


@dataclass(frozen=True)
class Row:
    page_key: str
    name: str
    asset: MediaAsset | None
    video: bool
    captions: bool
    transcript: bool

    @property
    def sample(self) -> bool:
        return bool(self.asset and self.asset.is_sample)

    @property
    def complete(self) -> bool:
        """A real (not sample) video with captions and a transcript."""
        return self.video and self.captions and self.transcript and not self.sample

    @property
    def public_page(self) -> tuple[str, dict]:
        kind, _sep, code = self.page_key.partition(":")
        if kind == "guide":
            return "guides.programme", {"code": code}
        return PUBLIC_PAGES[self.page_key]


@dataclass(frozen=True)
class Group:
    id: str
    heading: str
    rows: tuple[Row, ...]

    @property
    def complete(self) -> int:
        return sum(row.complete for row in self.rows)

    @property
    def samples(self) -> int:
        return sum(row.sample for row in self.rows)

    @property
    def missing(self) -> int:
        return len(self.rows) - self.complete - self.samples


def _row(page_key: str, name, asset: MediaAsset | None) -> Row:
    if asset is None:
        return Row(page_key, str(name), None, False, False, False)
    return Row(page_key, str(name), asset,
               video=storage.path_for(asset.video_file) is not None,
               captions=bool(asset.captions_file)
               and storage.path_for(asset.captions_file) is not None,
               transcript=bool((asset.transcript or "").strip()))


def coverage() -> list[Group]:
    """Every page that can have sign-language media, grouped, with what it has now."""
    published: dict[str, MediaAsset] = {}
    for asset in db.session.scalars(select(MediaAsset).where(MediaAsset.active.is_(True))
                                    .order_by(MediaAsset.id)):
        published[asset.page_key] = asset          # the newest published one wins
    return [Group(group_id, str(heading),
                  tuple(_row(key, name, published.get(key)) for key, name in pages.items()))
            for group_id, heading, pages in GROUPS]
