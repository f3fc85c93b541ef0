"""“这个页面有用吗？” on the self-check's result and the service guides: anonymous yes/no,
nothing kept about who answered (no account, no address, no cookie)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from portal import eligibility
from portal.extensions import db
from portal.ratings.models import PageVote

CHECKER = "checker"
GUIDE = "guide:"


def known(page: str | None) -> bool:
    """The pages that ask: the self-check's result, and each programme's guide."""
    if page == CHECKER:
        return True
    if page and page.startswith(GUIDE):
        try:
            eligibility.programme(page[len(GUIDE):])
        except KeyError:
            return False
        return True
    return False


def record(page: str, useful: bool) -> PageVote:
    """Keep one answer (commits). The caller has checked `known(page)`."""
    vote = PageVote(page=page, useful=useful)
    db.session.add(vote)
    db.session.commit()
    return vote


@dataclass(frozen=True)
class PageVotes:
    page: str
    useful: int
    not_useful: int


def counts() -> list[PageVotes]:
    rows = db.session.execute(select(PageVote.page, PageVote.useful, func.count())
                              .group_by(PageVote.page, PageVote.useful))
    found: dict[str, list[int]] = {}
    for page, useful, count in rows:
        found.setdefault(page, [0, 0])[0 if useful else 1] += count
    return [PageVotes(page, yes, no) for page, (yes, no) in sorted(found.items())]
