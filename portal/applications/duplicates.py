"""Second claims for the same person: flagged for staff, held from approval, resolved by an
officer.

When an application is submitted, every other application for the same person and programme
in a state where a second claim matters (status_machine.CLAIM_STATES: in progress, approved, in
public notice, being paid) gets a DuplicateFlag with it – the newer (`application`) and the
older (`other`). The submission itself is accepted as any other: the submitter learns nothing
about the other application (no oracle; portal.applications.filing._check_not_duplicate
refuses only one the account may see anyway). The person's phone on record is told that an
application was filed in their name (notifications.queue_filed_in_name).

Staff see the flag on both case pages, with the two applications side by side (what differs:
the payment account, the phone, the address, who filed – shown masked as the case page shows
them; each viewing is audited as "duplicate.compare"), and in the queue. While a flag stands
unresolved neither application may be approved (status_machine.HELD_BY_DUPLICATE). An officer
who may see both applications and is not too close to either resolves it, with a reason
(audited as "duplicate.resolve"):

- **merged**: the newer application is closed as "merged" into the older one. The older case
  records that it was merged in and which details differed (read from the newer application,
  which stays as it was, so nothing is copied); both timelines say so; whoever filed the newer
  one is told in plain words (the timeline and a text message) – that the person already has an
  application for this programme and theirs is handled with it, nothing about that one.
- **rejected**: the newer application is refused as a duplicate (status "rejected"), its
  filer told in plain words.
- **legitimate**: both stand (e.g. a one-off grant a person may receive twice); the hold ends.
"""
from __future__ import annotations

from datetime import datetime, timezone

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.orm import aliased
from sqlalchemy.orm.exc import StaleDataError

from portal.accounts.models import Account
from portal.applications import answers as stored
from portal.applications import queues, status_machine
from portal.applications.answers import SectionKey as K
from portal.applications.models import Application, DuplicateFlag, StatusEvent
from portal.audit import log as audit
from portal.extensions import db
from portal.languages import DEFAULT_LOCALE
from portal.messages import notifications
from portal.people.models import Person

RESOLUTION_LABELS = {
    "merged": _l("合并：把较新的申请并入较早的申请"),
    "rejected": _l("作为重复申请不予批准（较新的申请）"),
    "legitimate": _l("确认不是重复申请，两份申请都继续办理"),
}
RESOLVED_TEXTS = {
    "merged": _l("已合并"),
    "rejected": _l("已作为重复申请不予批准"),
    "legitimate": _l("已确认不是重复申请"),
}
# What the filer of the newer application reads (timeline and status page), in their language.
# Plain words; nothing about the other application beyond that it exists for this programme.
APPLICANT_TEXTS = {
    "merged": _l("经工作人员核实，申请对象已经有一份同一事项的申请。您的这份申请已并入那一份一起办理，"
                 "您不需要再做什么。如有疑问，请拨打12385。"),
    "rejected": _l("经工作人员核实，申请对象已经有一份同一事项的申请，同一事项不能重复申请，"
                   "所以这份申请不予批准。如有疑问，请拨打12385。"),
}


class ResolutionError(Exception):
    """Not resolved, nothing saved. `reason`: not_allowed | resolved | reason | closed | stale."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


# ── raising flags ─────────────────────────────────────────────────────────────────────────

def flag_new_claim(application: Application) -> list[DuplicateFlag]:
    """Flag `application` (just submitted, flushed) against every other application for the
    same person and programme whose state matters. In the caller's transaction. The person's
    row is locked first (PostgreSQL; SQLite has one writer), so two claims submitted at the
    same moment see each other: the second waits for the first to commit. FOR NO KEY UPDATE:
    the key-share lock each new application's foreign key already holds on the row does not
    conflict with it (FOR UPDATE would deadlock two such submissions)."""
    db.session.execute(select(Person.id).where(Person.id == application.person_id)
                       .with_for_update(key_share=True))
    others = db.session.scalars(
        select(Application).where(Application.person_id == application.person_id,
                                  Application.programme == application.programme,
                                  Application.id != application.id,
                                  Application.status.in_(status_machine.CLAIM_STATES))
        .order_by(Application.id))
    flags = [DuplicateFlag(application_id=application.id, other_application_id=other.id)
             for other in others]
    db.session.add_all(flags)
    return flags


# ── reading ───────────────────────────────────────────────────────────────────────────────

def flags_of(application: Application) -> list[DuplicateFlag]:
    """The flags on `application`, either side, oldest first."""
    return list(db.session.scalars(
        select(DuplicateFlag).where(or_(DuplicateFlag.application_id == application.id,
                                        DuplicateFlag.other_application_id == application.id))
        .order_by(DuplicateFlag.id)))


# The two sides of a flag, aliased once: building an alias costs more than the query it serves
# (the queue asks on every page).
_NEWER = aliased(Application, name="newer")
_OLDER = aliased(Application, name="older")


def _standing():
    """The flags that hold: unresolved, and both applications still in a state where a second
    claim matters (one withdrawn or refused in the meantime ends the hold by itself)."""
    newer, older = _NEWER, _OLDER
    return (select(DuplicateFlag.application_id, DuplicateFlag.other_application_id)
            .join(newer, newer.id == DuplicateFlag.application_id)
            .join(older, older.id == DuplicateFlag.other_application_id)
            .where(DuplicateFlag.resolution.is_(None),
                   newer.status.in_(status_machine.CLAIM_STATES),
                   older.status.in_(status_machine.CLAIM_STATES)))


def is_held(application: Application) -> bool:
    """Does a standing flag hold `application` (either side) from approval?"""
    return db.session.execute(_standing().where(
        or_(DuplicateFlag.application_id == application.id,
            DuplicateFlag.other_application_id == application.id)).limit(1)).first() is not None


def holds(flag: DuplicateFlag) -> bool:
    return flag.open and flag.application.status in status_machine.CLAIM_STATES \
        and flag.other.status in status_machine.CLAIM_STATES


def flagged_ids(application_ids) -> set[int]:
    """Which of these applications a standing flag holds (one query, for the queue)."""
    ids = list(application_ids)
    if not ids:
        return set()
    rows = db.session.execute(_standing().where(
        or_(DuplicateFlag.application_id.in_(ids),
            DuplicateFlag.other_application_id.in_(ids)))).all()
    return {i for row in rows for i in row} & set(ids)


def flag_on(application: Application, flag_id: int) -> DuplicateFlag | None:
    flag = db.session.get(DuplicateFlag, flag_id)
    if flag is None or application.id not in (flag.application_id, flag.other_application_id):
        return None
    return flag


def other_side(flag: DuplicateFlag, application: Application) -> Application:
    return flag.other if flag.application_id == application.id else flag.application


def sees_both(actor: Account, flag: DuplicateFlag) -> bool:
    return queues.can_see(actor, flag.application) and queues.can_see(actor, flag.other)


def may_resolve(actor: Account, flag: DuplicateFlag) -> bool:
    """An officer who handles cases, may see both applications and is too close to neither."""
    from portal.applications.conflicts import conflict_of

    return (actor is not None and actor.is_staff and flag.open
            and actor.role in status_machine.STAFF_ACTING_ROLES and sees_both(actor, flag)
            and not conflict_of(actor, flag.application)
            and not conflict_of(actor, flag.other))


def resolutions_for(flag: DuplicateFlag) -> list[str]:
    """The resolutions open for this flag: closing the newer one needs it still open."""
    if flag.application.status in status_machine.RESOLVABLE_STATES:
        return ["merged", "rejected", "legitimate"]
    return ["legitimate"]


# ── the side-by-side comparison (shown by portal.staff.case_view) ─────────────────────────


# (section, field) of the answers compared, in the order shown.
COMPARED = ((K.PAYMENT, "method"), (K.PAYMENT, "bank_name"), (K.PAYMENT, "account_holder"),
            (K.PAYMENT, "card_number"), (K.PERSONAL, "phone"), (K.PERSONAL, "address"),
            (K.PERSONAL, "street"), (K.PERSONAL, "full_name"))


def answer(application: Application, section: K, key: str):
    """A field of a section of the application's typed answers (None when not given)."""
    return getattr(stored.read(application).section(section), key)


def _raw(application: Application, section: K, key: str):
    value = answer(application, section, key)
    if key == "card_number" and value:
        from portal.people import crypto

        return str(crypto.decrypt(value)).replace(" ", "")
    return value or None


def differs(older: Application, newer: Application, section: K, key: str) -> bool:
    """Whether the two applications gave this field differently (card numbers compared in
    full, decrypted)."""
    return _raw(older, section, key) != _raw(newer, section, key)


def differing_fields(flag: DuplicateFlag) -> list[str]:
    """The keys of the rows of `compare` that differ (no text: usable outside a request)."""
    older, newer = flag.other, flag.application
    keys = ["filed_by"] if older.applicant_account_id != newer.applicant_account_id else []
    return keys + [f"{section}.{key}" for section, key in COMPARED
                   if differs(older, newer, section, key)]


def record_comparison_viewed(actor: Account, application: Application,
                             flags: list[DuplicateFlag]) -> None:
    """Staff opened a case page that shows the comparison: recorded (committed)."""
    shown = [other_side(flag, application).reference for flag in flags if sees_both(actor, flag)]
    if not shown:
        return
    audit.record(actor, "duplicate.compare", "application", application.reference,
                 {"others": shown})
    db.session.commit()


# ── resolving ─────────────────────────────────────────────────────────────────────────────

def resolve(actor: Account, flag: DuplicateFlag, resolution: str, reason: str) -> None:
    """Settle `flag` with `reason` (required, internal), audited, in one transaction that
    commits. Raises ResolutionError (nothing saved)."""
    reason = (reason or "").strip()
    if not flag.open:
        raise ResolutionError("resolved")
    if not may_resolve(actor, flag):
        raise ResolutionError("not_allowed")
    if not reason:
        raise ResolutionError("reason")
    if resolution not in resolutions_for(flag):
        raise ResolutionError("closed")
    newer, older = flag.application, flag.other
    now = datetime.now(timezone.utc)
    try:
        target = status_machine.resolution_target(resolution, newer.status)
    except status_machine.TransitionNotAllowed:
        raise ResolutionError("closed") from None
    try:
        differences = differing_fields(flag) if resolution == "merged" else []
        flag.resolution, flag.reason = resolution, reason
        flag.resolved_by_account_id, flag.resolved_at = actor.id, now
        if target is not None:
            from_status = newer.status
            with force_locale(newer.locale or DEFAULT_LOCALE):
                told = str(APPLICANT_TEXTS[resolution])
            newer.status, newer.status_changed_at, newer.due_at = target, now, None
            db.session.add(StatusEvent(
                application=newer, from_status=from_status, to_status=target,
                actor_account_id=actor.id, message_to_applicant=told, internal_note=reason,
                details={"kind": "duplicate", "resolution": resolution,
                         "other": older.reference},
                created_at=now))
            notifications.queue_status_change(newer, from_status, target)
        if resolution == "merged":
            # The older case records it; its status stays as it is.
            db.session.add(StatusEvent(
                application_id=older.id, from_status=older.status, to_status=older.status,
                actor_account_id=actor.id, internal_note=reason,
                details={"kind": "merged_in", "from": newer.reference,
                         "differences": differences},
                created_at=now))
        audit.record(actor, "duplicate.resolve", "application", newer.reference,
                     {"resolution": resolution, "other": older.reference, "flag": flag.id})
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise ResolutionError("stale") from None


def merged_flag(details: dict) -> DuplicateFlag | None:
    """For the older case's "merged in" event: the flag the merged (newer) application was
    settled by, which stays as it was."""
    newer = db.session.scalar(select(Application).where(
        Application.reference == details.get("from")))
    if newer is None:
        return None
    return db.session.scalar(select(DuplicateFlag).where(
        DuplicateFlag.application_id == newer.id, DuplicateFlag.resolution == "merged"))
