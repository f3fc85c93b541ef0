"""Who may reach what through a consent (代办同意) – the rule alone, read on every request by
portal.accounts.access_grants (applications), portal.applications.documents (files) and
portal.messages.notifications (texts): a village worker reaches a person's records only while
a consent of that person stands now – active, not past its last day, covering the use (NEEDS) –
and only while the worker's account is active. The operations are portal.accounts.consents.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import false, or_, select
from sqlalchemy.sql.elements import ColumnElement

from portal.accounts.models import CONSENT_SCOPES, Account, Consent
from portal.applications import working_days
from portal.applications.models import Application
from portal.extensions import db

SCOPES = {
    "apply": _l("申请补贴和服务"),
    "changes": _l("报告情况的变化"),
    "reviews": _l("做年审"),
    "status": _l("查看申请的办理进度"),
}
assert set(SCOPES) == set(CONSENT_SCOPES)

STATES = {
    "pending": _l("等待街道确认"),
    "active": _l("有效"),
    "refused": _l("街道没有通过"),
    "ended": _l("已结束"),
    "expired": _l("已到期"),
}

# What each use of a person's records needs the consent to cover (rules as data).
NEEDS = {
    "see": CONSENT_SCOPES,          # the person's applications and their progress: whatever
    #                                 the worker does for them, they follow it
    "act": ("apply",),              # start, submit, withdraw, answer a request for more
    "changes": ("changes",),        # report a change of circumstances
    "reviews": ("reviews",),        # the yearly review
}


def local_today() -> date:
    return working_days.local_date(datetime.now(timezone.utc))


def max_days() -> int:
    return int(current_app.config.get("CONSENT_MAX_DAYS", 366))


def latest_until(today: date | None = None) -> date:
    return (today or local_today()) + timedelta(days=max_days())


def state(consent: Consent, today: date | None = None) -> str:
    """pending, active, refused, ended or expired (an active one past its last day)."""
    if consent.status == "active" and consent.until < (today or local_today()):
        return "expired"
    return consent.status


def scope_text(consent: Consent) -> str:
    from portal.labels import word_list

    return word_list(SCOPES[code] for code in consent.scope_list if code in SCOPES)


# ── who may reach what ─────────────────────────────────────────────────────────────────────

def _standing(worker_id: int, need: str, today: date | None = None):
    scopes = NEEDS[need]
    return (select(Consent.person_id).where(
        Consent.worker_account_id == worker_id, Consent.status == "active",
        Consent.until >= (today or local_today()), Consent.person_id.is_not(None),
        or_(*[Consent.scopes.contains(code) for code in scopes])))


def person_ids_for(worker: Account, need: str = "see"):
    """A SELECT of the people `worker` may reach for `need` now (NEEDS)."""
    return _standing(worker.id, need)


def covered(worker: Account | None, need: str) -> ColumnElement[bool]:
    """A WHERE clause on Application: the applications `worker` may reach for `need` now."""
    if worker is None or not worker.is_intermediary or not worker.active:
        return false()
    return Application.person_id.in_(person_ids_for(worker, need))


def covers(worker: Account | None, person_id: int | None, need: str) -> bool:
    if worker is None or person_id is None or not worker.is_intermediary or not worker.active:
        return False
    return db.session.scalar(_standing(worker.id, need).where(
        Consent.person_id == person_id).limit(1)) is not None


def may_see_application(worker: Account, application: Application) -> bool:
    return covers(worker, application.person_id, "see")
