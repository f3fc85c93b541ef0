"""The yearly review of recipients (年审 / 资格复核, 动态管理): every year, in a window, every
recipient not ended (paying or suspended) confirms their facts – online (the resident, a
guardian or a family member given access, as on the status pages) or by a street officer's
visit – and the rules run again on what was confirmed (portal.benefits.reevaluation).

    window(year)                       the year's window, from the config
    review_check(on)                   the daily job: opens the year's reviews, texts the first
                                       notice, the reminder and the last notice (each once per
                                       review, kept on the review), suspends those missed
    known(recipient, on)               the facts as known, to prefill the review
    complete(review, method=…, changes=…, actor=…)
                                       done: recorded, texted, a suspension for missing it
                                       resumed with back pay, then re-evaluated

Config (portal/config.py, README "Configuration"): REVIEW_WINDOW_START ("MM-DD"),
REVIEW_WINDOW_DAYS, REVIEW_REMINDER_AFTER_DAYS (after the window opens),
REVIEW_LAST_NOTICE_DAYS (before its last day), REVIEW_GRACE_DAYS (after its last day),
REVIEW_CHECK_CRONTAB (when the job runs). A review keeps its own dates, so a change of the
config applies to the next year's reviews.

Who is reviewed: the recipients not ended whose record was made before the window opened (one
enrolled during the window is reviewed next year). A review missed – not done by the end of
the grace period – suspends payment from the next month still open (portal.benefits.lifecycle.
suspend, reason "review_missed": never silently: the text says what to do). Doing the review
afterwards resumes payment from the month it is done in, **with back pay of the months in
between**: no source says whether months suspended for a late review are paid; the district's
documents we have (program-facts.md: "Recipients are reviewed yearly (动态管理)") say nothing,
so the person is not made to lose money for lateness alone – as a renewed certificate resumes
with back pay. Staff may still decide otherwise on the recipient's page.

What a review records is the person's word (or the officer's): it does not change the
recipient's record by itself – a new card or street is done by the change of circumstances
journeys, a renewed certificate by civil affairs – but its facts are read by the
re-evaluation, and a review that changed something shows on the worklists.

Sources: recipients are reviewed yearly (动态管理) – program-facts.md, 两项补贴, Workflow; the
window, its notices and the grace period are not known locally ([unknown] – configuration, as
program-facts.md asks); texts and suspension as issue 18 asks.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select

from portal.accounts.models import Account
from portal.audit import log as audit
from portal.benefits import lifecycle
from portal.benefits import rates as rate_data
from portal.benefits.access import READING_ROLES, can_see, scoped_street
from portal.benefits.models import Recipient, RecipientEvent, Review
from portal.benefits.reevaluation import certificate_until, recorded_facts, reevaluate
from portal.extensions import db
from portal.messages import notifications

log = logging.getLogger(__name__)

STAFF_ROLES = READING_ROLES      # who works the reviews: street officers, civil affairs
METHODS = ("online", "visit")


class ReviewError(Exception):
    """Nothing was changed. `problem`: not_allowed | done | ended."""

    def __init__(self, problem: str):
        super().__init__(problem)
        self.problem = problem


# ── what a review asks (rules as data) ───────────────────────────────────────────────────

@dataclass(frozen=True)
class ReviewFact:
    name: str
    kind: str                       # fact (an eligibility fact) | street | date | card
    programmes: tuple[str, ...] = field(default=())   # only for these (empty: all)


REVIEW_FACTS = (
    ReviewFact("hukou", "fact"),
    ReviewFact("street", "street"),
    ReviewFact("household", "fact"),
    ReviewFact("employment", "fact"),
    ReviewFact("needs_long_term_care", "fact", ("nursing_allowance",)),
    ReviewFact("certificate_valid_until", "date"),
    ReviewFact("card", "card"),
)


def facts_asked(programme: str) -> tuple[ReviewFact, ...]:
    return tuple(f for f in REVIEW_FACTS if not f.programmes or programme in f.programmes)


# ── the window ───────────────────────────────────────────────────────────────────────────

@dataclass(frozen=True)
class Window:
    year: int
    opens_on: date
    due_on: date           # the last day
    grace_until: date      # suspended after this day


def window(year: int, config=None) -> Window:
    config = config or current_app.config
    month, day = (int(part) for part in str(config["REVIEW_WINDOW_START"]).split("-"))
    opens = date(year, month, day)
    due = opens + timedelta(days=int(config["REVIEW_WINDOW_DAYS"]) - 1)
    return Window(year, opens, due, due + timedelta(days=int(config["REVIEW_GRACE_DAYS"])))


def reminder_on(review: Review) -> date:
    return review.opens_on + timedelta(days=int(current_app.config["REVIEW_REMINDER_AFTER_DAYS"]))


def last_notice_on(review: Review) -> date:
    return review.due_on - timedelta(days=int(current_app.config["REVIEW_LAST_NOTICE_DAYS"]))


def state(review: Review, on: date | None = None) -> str:
    """due | overdue (past its last day) | missed (past the grace period) | done."""
    on = on or lifecycle.today()
    if review.status == "done":
        return "done"
    if review.missed_on is not None or on > review.grace_until:
        return "missed"
    return "overdue" if on > review.due_on else "due"


def days_overdue(review: Review, on: date | None = None) -> int:
    return max(0, ((on or lifecycle.today()) - review.due_on).days)


# ── what is known ────────────────────────────────────────────────────────────────────────

def known(recipient: Recipient, on: date) -> dict:
    """The facts the review is prefilled with: {name: value} for the programme's questions
    (None: not known). `card` is the last four of the account paid to."""
    from portal.applications.casefile import facts_for

    facts = facts_for(recipient.application, today=on)
    facts.update(recorded_facts(recipient, on))
    until = certificate_until(recipient, on)
    values = {
        "street": recipient.street,
        "certificate_valid_until": until.isoformat() if until else None,
        "card": recipient.card_last4,
    }
    return {f.name: values[f.name] if f.kind != "fact" else facts.get(f.name)
            for f in facts_asked(recipient.programme)}


# ── finding reviews ──────────────────────────────────────────────────────────────────────

def current(recipient: Recipient) -> Review | None:
    """The recipient's latest review (open or done)."""
    return db.session.scalar(select(Review).where(Review.recipient_id == recipient.id)
                             .order_by(Review.year.desc()).limit(1))


def may_see(actor: Account, review: Review) -> bool:
    return can_see(actor, review.recipient)


def find_for_staff(actor: Account, review_id: int) -> Review | None:
    review = db.session.get(Review, review_id)
    return review if review is not None and may_see(actor, review) else None


def find_for_resident(account: Account, review_id: int) -> Review | None:
    """A review the account may do: one of a recipient whose application the account may see
    (it applied, is a proven guardian, or was given access) – else None, as for no review."""
    from portal.accounts import access_grants

    review = db.session.get(Review, review_id)
    if review is None:
        return None
    application = access_grants.find_visible(account, review.recipient.application.reference,
                                             need="reviews")
    return review if application is not None else None


def worklist(actor: Account, *, on: date, street: str | None = None,
             show: str | None = None, limit: int = 500) -> list[Review]:
    """The reviews of the latest year with one, for `actor`'s streets: the overdue and missed
    first (longest overdue first), then those due, then those done. `show`: one state only."""
    from sqlalchemy import func
    from sqlalchemy.orm import selectinload

    if actor.role not in STAFF_ROLES:
        return []
    street = scoped_street(actor, street)
    year = db.session.scalar(select(func.max(Review.year)))
    if year is None:
        return []
    statement = (select(Review).join(Recipient, Recipient.id == Review.recipient_id)
                 .where(Review.year == year)
                 .options(selectinload(Review.recipient).selectinload(Recipient.person),
                          selectinload(Review.recipient).selectinload(Recipient.application))
                 .order_by(Review.due_on, Review.id).limit(limit))
    if street:
        statement = statement.where(Recipient.street == street)
    order = {"missed": 0, "overdue": 1, "due": 2, "done": 3}
    rows = sorted(db.session.scalars(statement), key=lambda r: order[state(r, on)])
    return [r for r in rows if show is None or state(r, on) == show]


# ── the daily job ────────────────────────────────────────────────────────────────────────

@dataclass
class CheckReport:
    opened: int = 0
    first_notices: int = 0
    reminders: int = 0
    last_notices: int = 0
    suspended: int = 0


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _start_of(day: date) -> datetime:
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return datetime.combine(day, time(), zone)


def _open_reviews(found: Window, report: CheckReport) -> None:
    already = select(Review.recipient_id).where(Review.year == found.year)
    ids = db.session.scalars(select(Recipient.id).where(
        Recipient.status != "ended", Recipient.created_at < _start_of(found.opens_on),
        Recipient.id.not_in(already)).order_by(Recipient.id)).all()
    now = _now()
    for recipient_id in ids:
        db.session.add(Review(recipient_id=recipient_id, year=found.year,
                              opens_on=found.opens_on, due_on=found.due_on,
                              grace_until=found.grace_until, status="open", created_at=now))
        report.opened += 1
    db.session.commit()


NOTICES = (   # (the review's column, the text's key, the report's counter)
    ("first_notice_at", "review_opened", "first_notices"),
    ("reminder_at", "review_reminder", "reminders"),
    ("last_notice_at", "review_last_notice", "last_notices"),
)


def _notice_due(review: Review, on: date) -> str | None:
    """The column of the notice to send today, if any: the first notice at once; the reminder
    from its day until the last notice's; the last notice from its day to the last day."""
    if on > review.due_on:
        return None
    if review.first_notice_at is None:
        return "first_notice_at"
    if on >= last_notice_on(review):
        return "last_notice_at" if review.last_notice_at is None else None
    if on >= reminder_on(review) and review.reminder_at is None:
        return "reminder_at"
    return None


def _send_notices(on: date, report: CheckReport) -> None:
    ids = db.session.scalars(select(Review.id).where(
        Review.status == "open", Review.opens_on <= on, Review.due_on >= on)
        .order_by(Review.id)).all()
    for review_id in ids:
        review = db.session.get(Review, review_id)
        column = _notice_due(review, on)
        if column is None or review.recipient.status == "ended":
            continue
        _, key, counter = next(n for n in NOTICES if n[0] == column)
        setattr(review, column, _now())
        notifications.queue_benefit_text(review.recipient.application, key, date=review.due_on)
        audit.record(None, "benefit.review_notice", "review", str(review.id),
                     {"notice": key, "recipient": review.recipient_id})
        setattr(report, counter, getattr(report, counter) + 1)
        db.session.commit()


def _suspend_missed(on: date, report: CheckReport) -> set[str]:
    touched: set[str] = set()
    ids = db.session.scalars(select(Review.id).where(
        Review.status == "open", Review.missed_on.is_(None), Review.grace_until < on)
        .order_by(Review.id)).all()
    for review_id in ids:
        review = db.session.get(Review, review_id)
        recipient = review.recipient
        review.missed_on = on
        if recipient.status != "paying":     # ended, or already suspended for another reason
            db.session.commit()
            continue
        since = max(rate_data.next_month(on), lifecycle.first_unpaid_month(recipient))
        try:
            lifecycle.suspend(recipient, "review_missed", since, None, rebuild=False)
        except lifecycle.LifecycleError as error:
            log.warning("recipient %s not suspended: %s", recipient.id, error.problem)
            db.session.rollback()
            continue
        touched.add(recipient.programme)
        report.suspended += 1
    return touched


def review_check(on: date | None = None) -> CheckReport:
    """The daily job (REVIEW_CHECK_CRONTAB). Run twice on one day, it does nothing the second
    time: a review per recipient and year (a unique index), each notice once (its time is kept
    on the review), a missed review suspends once (its day is kept)."""
    on = on or lifecycle.today()
    report = CheckReport()
    found = window(on.year)
    if found.opens_on <= on <= found.due_on:
        _open_reviews(found, report)
    _send_notices(on, report)
    for programme in sorted(_suspend_missed(on, report)):
        lifecycle.rebuild_drafts(programme, None)
    return report


# ── doing the review ─────────────────────────────────────────────────────────────────────

def complete(review: Review, *, method: str, changes: dict, actor: Account,
             on: date | None = None, visited_on: date | None = None,
             note: str | None = None) -> bool:
    """The review done: online (`actor` the resident's account, whose access the caller has
    proven) or by a visit (`actor` a street officer of the recipient's street, or civil
    affairs). `changes`: {fact: new value} – only what changed. Committed; a text to the
    person; a suspension for missing the review is resumed with back pay; then the rules run
    again on the new facts (a worklist row when the person may no longer qualify). Returns
    whether payment was resumed."""
    on = on or lifecycle.today()
    if method not in METHODS:
        raise ValueError(method)
    if method == "visit" and (actor.role not in STAFF_ROLES or not may_see(actor, review)):
        raise ReviewError("not_allowed")
    if review.status != "open":
        raise ReviewError("done")
    recipient = review.recipient
    if recipient.status == "ended":
        raise ReviewError("ended")
    asked = {f.name for f in facts_asked(recipient.programme)}
    changes = {k: v for k, v in changes.items() if k in asked}
    review.confirmed = known(recipient, on)
    review.status, review.completed_on, review.method = "done", on, method
    review.changes, review.completed_by_account_id = changes, actor.id
    review.visited_on = visited_on if method == "visit" else None
    review.note = ((note or "").strip() or None) if method == "visit" else None
    db.session.add(RecipientEvent(
        recipient=recipient, kind="review_done", from_status=recipient.status,
        to_status=recipient.status, effective=on, actor_account_id=actor.id,
        details={"year": review.year, "method": method, "changed": sorted(changes)},
        created_at=_now()))
    db.session.flush()
    audit.record(actor, "benefit.review", "review", str(review.id),
                 {"recipient": recipient.id, "method": method, "changed": sorted(changes),
                  "visited_on": visited_on.isoformat() if review.visited_on else None})
    notifications.queue_benefit_text(recipient.application, "review_done")
    db.session.commit()
    resumed = False
    if recipient.status == "suspended" and recipient.status_reason == "review_missed":
        # Back pay: see the module's docstring (no source; the months in between are paid).
        lifecycle.resume(recipient, max(rate_data.first_of_month(on), recipient.stop_month),
                         True, None)
        resumed = True
    reevaluate(recipient, on=on, cause="review", cause_id=review.id)
    db.session.commit()
    return resumed
