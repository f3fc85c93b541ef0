"""Who is on the public notice (公示) now: approved 两项补贴 recipients, per street, for the
notice period after publication (data/time_limits.yaml: public_notice_days). Names are partly
masked (张*华); no ID numbers, addresses or phone numbers are shown."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import select

from portal.applications import status_machine, working_days
from portal.applications.models import Application
from portal.content import streets
from portal.extensions import db
from portal.people import identity
from portal.people.models import Person


@dataclass(frozen=True)
class NoticeEntry:
    masked_name: str
    programme: str
    published_on: date
    ends_on: date


@dataclass(frozen=True)
class StreetNotice:
    street: streets.Street
    entries: list[NoticeEntry]


def current(street_code: str | None = None, now: datetime | None = None) -> list[StreetNotice]:
    """The notice as it stands, grouped by street in the configured order (streets with no
    one on the notice are left out)."""
    now = now or datetime.now(timezone.utc)
    days = status_machine.public_notice_days()
    statement = (
        select(Application.street, Application.programme, Application.status_changed_at,
               Person.full_name)
        .join(Person, Person.id == Application.person_id)
        .where(Application.status == "public_notice",
               Application.programme.in_(status_machine.PUBLIC_NOTICE_PROGRAMMES),
               Application.status_changed_at >= now - timedelta(days=days))
        .order_by(Application.street, Application.status_changed_at, Application.id))
    if street_code:
        statement = statement.where(Application.street == street_code)
    by_street: dict[str, list[NoticeEntry]] = {}
    for street, programme, published, full_name in db.session.execute(statement):
        published_on = working_days.local_date(published)
        by_street.setdefault(street, []).append(NoticeEntry(
            identity.mask_name(full_name), programme, published_on,
            published_on + timedelta(days=days)))
    return [StreetNotice(s, by_street[s.code]) for s in streets.all_streets()
            if s.code in by_street]
