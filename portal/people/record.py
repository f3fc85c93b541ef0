"""The person's file (一人一档): ONE person's whole history, assembled as typed data.

`assemble(person)` gives a PersonFile: who the person is (masked: the last four of the ID
number, an age and a sex – never the number or the birth date), the certificate, the household
with the registries' comparison where they name the person (portal.registries.checks), every
application and its outcome, and one timeline of everything that happened, newest first.
The staff person page (portal.staff.people) and the person's own data page and JSON file
(portal.my_data) both read it – one place.

The timeline is made by SOURCES: small functions, one per kind of entry, each taking the
person's id and giving its entries in one or two queries (joins on person_id – never a query
per application, so a person with fifty applications costs what a person with one does). A new
source is one line in SOURCES (and its kind's label in KIND_LABELS) – as the village workers'
consents (portal.accounts.consents.consent_events, with what the workers did under them) and
the person's requests about their data (portal.retention) were added.

Entries carry their kind as data (KIND_LABELS names them, in one place), the words a page shows
(title, detail lines – worded in the language of the request) and `data`: the codes and values
as they are stored, JSON-safe, for the person's own download.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timezone

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import aliased

from portal import labels
from portal.accounts.models import AccessGrant, Account, PersonLink
from portal.applications import answers as stored
from portal.applications.models import Application, StatusEvent
from portal.benefits.models import PaymentLine, PaymentRoll, Recipient, RecipientEvent, Review
from portal.changes.models import ChangeRequest
from portal.database.columns import aware
from portal.extensions import db
from portal.people import identity, phone_numbers
from portal.people.models import Person
from portal.questions.models import Question
from portal.ratings.models import FollowUp, Rating
from portal.registries import checks
from portal.registries.models import DiscoveryContact, DiscoveryLead, RegistryPerson

# The kinds of entry, in the order the filter offers them: the one table of their labels.
KIND_LABELS = {
    "application": _l("申请和办理"),
    "benefit": _l("待遇发放情况"),
    "payment": _l("发放记录"),
    "change": _l("变更申报"),
    "review": _l("年审"),
    "rating": _l("服务评价"),
    "question": _l("在线咨询记录"),
    "access": _l("账户关联和家人授权"),
    "contact": _l("联系记录"),
    "consent": _l("代办同意和代办员办理的事"),
    "data_request": _l("更正或删除个人信息的申请"),
}
LINK_PROOFS = {"sms": _l("短信验证码"), "unified": _l("统一身份认证"),
               "counter": _l("窗口当面核验")}


def kind_label(code: str) -> str:
    return str(KIND_LABELS.get(code, code))


@dataclass(frozen=True)
class Line:
    """One more thing about an entry: its label ("原因：") and value – `free` when the value is
    text someone wrote (shown in its own language)."""
    label: str
    value: str
    free: bool = False

    def to_json(self) -> dict:
        return {"label": self.label, "value": self.value}


@dataclass(frozen=True)
class Entry:
    """One thing that happened to the person."""
    kind: str                            # a code of KIND_LABELS
    at: datetime                         # when (aware); a day only when `day_only`
    title: str                           # worded: what happened
    lines: tuple[Line, ...] = ()         # worded: more about it
    reference: str | None = None         # the application's (or change's) reference
    day_only: bool = False
    data: dict = field(default_factory=dict)   # codes and values as stored (JSON-safe)

    def to_json(self) -> dict:
        return {"kind": self.kind, "at": self.at.date().isoformat() if self.day_only
                else self.at.isoformat(), "title": self.title,
                "details": [line.to_json() for line in self.lines],
                "reference": self.reference, **({"data": self.data} if self.data else {})}


@dataclass(frozen=True)
class Identity:
    person_id: int
    name: str
    masked_id: str            # 尾号002X
    id_last4: str | None
    age: str
    sex: str
    street: str | None        # a street code
    address: str | None
    phone: str | None
    has_id_number: bool       # an encrypted number is kept (the audited reveal can show it)

    @property
    def masked_phone(self) -> str | None:
        return phone_numbers.mask(self.phone) if self.phone else None


@dataclass(frozen=True)
class Certificate:
    category: str | None
    grade: int | None
    valid_until: date | None      # None: not known (or 长期)
    source: str | None            # "benefit" | "registry" | "application" – where valid_until is


@dataclass(frozen=True)
class ApplicationRow:
    reference: str
    programme: str
    status: str
    street: str
    submitted_at: datetime
    status_changed_at: datetime
    application: Application      # for the caller's own checks (may staff open the case?)


@dataclass(frozen=True)
class PersonFile:
    identity: Identity
    certificate: Certificate
    household: str | None                 # the household kind last declared
    registry_rows: list[checks.CheckRow] | None   # None: the registries do not name the person
    applications: list[ApplicationRow]
    entries: list[Entry]                  # newest first

    def of_kinds(self, kinds: Iterable[str]) -> list[Entry]:
        wanted = set(kinds)
        return [entry for entry in self.entries if not wanted or entry.kind in wanted]

    def kind_counts(self) -> dict[str, int]:
        counts = dict.fromkeys(KIND_LABELS, 0)
        for entry in self.entries:
            counts[entry.kind] = counts.get(entry.kind, 0) + 1
        return counts

    def to_json(self) -> dict:
        """Everything in the file, for the person's own download (no full ID number, no
        birth date: the last four only)."""
        who = self.identity
        certificate = self.certificate
        return {
            "person": {"name": who.name, "id_number_last4": who.id_last4, "age": who.age,
                       "sex": who.sex, "street": who.street, "address": who.address,
                       "phone": who.phone},
            "certificate": {"category": certificate.category, "grade": certificate.grade,
                            "valid_until": certificate.valid_until.isoformat()
                            if certificate.valid_until else None},
            "household": self.household,
            "registry_comparison": None if self.registry_rows is None else [
                {"fact": row.fact, "declared": row.declared, "registry": row.registry,
                 "result": row.result, "as_of": row.as_of.isoformat() if row.as_of else None}
                for row in self.registry_rows],
            "applications": [{"reference": row.reference, "programme": row.programme,
                              "programme_name": labels.programme_name(row.programme),
                              "status": row.status, "status_text": labels.status_label(row.status),
                              "submitted_at": aware(row.submitted_at).isoformat()}
                             for row in self.applications],
            "timeline": [entry.to_json() for entry in self.entries],
        }


# ── the sources of the timeline: one small function per kind ─────────────────────────────

def _on(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=timezone.utc)


def _applications_of(person_id: int):
    return select(Application.id).where(Application.person_id == person_id)


def _recipients_of(person_id: int):
    return select(Recipient.id).where(Recipient.person_id == person_id)


def application_events(person_id: int) -> list[Entry]:
    """Every status event of every application of the person (one query)."""
    rows = db.session.execute(
        select(StatusEvent, Application.reference, Application.programme, Account.role)
        .join(Application, Application.id == StatusEvent.application_id)
        .outerjoin(Account, Account.id == StatusEvent.actor_account_id)
        .where(Application.person_id == person_id)
        .order_by(StatusEvent.id)).all()
    entries = []
    for event, reference, programme, role in rows:
        title = _("%(programme)s：%(status)s", programme=labels.programme_name(programme),
                  status=labels.status_label(event.to_status))
        lines = []
        if role:
            lines.append(Line(_("办理人："), labels.role_label(role)))
        if event.message_to_applicant:
            lines.append(Line(_("告诉申请人的话："), event.message_to_applicant, True))
        entries.append(Entry("application", aware(event.created_at), title, tuple(lines),
                             reference, data={"programme": programme,
                                              "from_status": event.from_status,
                                              "to_status": event.to_status}))
    return entries


def benefit_events(person_id: int) -> list[Entry]:
    """What happened to the person's benefits: enrolled, suspended, resumed, ended… (one query)."""
    rows = db.session.execute(
        select(RecipientEvent, Recipient.programme)
        .join(Recipient, Recipient.id == RecipientEvent.recipient_id)
        .where(Recipient.person_id == person_id).order_by(RecipientEvent.id)).all()
    entries = []
    for event, programme in rows:
        title = _("%(programme)s：%(what)s", programme=labels.programme_name(programme),
                  what=labels.recipient_event_label(event.kind))
        lines = (Line(_("原因："), labels.status_reason_label(event.reason)),) \
            if event.reason else ()
        entries.append(Entry("benefit", _on(event.effective), title, lines, day_only=True,
                             data={"programme": programme, "event": event.kind,
                                   "reason": event.reason,
                                   "effective": event.effective.isoformat()}))
    return entries


def payments(person_id: int) -> list[Entry]:
    """Each line of a payment roll that paid (or was to pay) the person (one query)."""
    rows = db.session.execute(
        select(PaymentLine, PaymentRoll.programme, PaymentRoll.month)
        .join(PaymentRoll, PaymentRoll.id == PaymentLine.roll_id)
        .where(PaymentLine.person_id == person_id).order_by(PaymentLine.id)).all()
    entries = []
    for line, programme, month in rows:
        title = _("%(programme)s %(month)s：%(amount)s元，%(state)s",
                  programme=labels.programme_name(programme),
                  month=_month(month), amount=labels.yuan(line.amount_fen),
                  state=labels.benefit_state_label("line", line.state))
        months = _("%(first)s至%(last)s（共%(count)s个月）", count=line.months,
                   first=_month(line.first_month), last=_month(line.last_month))
        lines = [Line(_("包含的月份："), months)]
        if line.state == "failed" and line.reason:
            lines.append(Line(_("银行说明："), line.reason, True))
        entries.append(Entry("payment", _on(month), title, tuple(lines), day_only=True,
                             data={"programme": programme, "month": month.isoformat()[:7],
                                   "amount_fen": line.amount_fen, "months": line.months,
                                   "state": line.state}))
    return entries


def _month(day: date) -> str:
    from portal.dates import month_label

    return month_label(day)


def changes(person_id: int) -> list[Entry]:
    """Changes of circumstances reported (drafts never sent are not history; one query)."""
    entries = []
    for change in db.session.scalars(
            select(ChangeRequest).where(ChangeRequest.recipient_id.in_(_recipients_of(person_id)),
                                        ChangeRequest.status != "draft")
            .order_by(ChangeRequest.id)):
        title = _("变更申报：%(kind)s，%(state)s", kind=labels.change_kind_label(change.kind),
                  state=labels.change_state_label(change.status))
        lines = []
        if change.outcome:
            lines.append(Line(_("核实结果："), labels.change_outcome_label(change.outcome)))
        if change.refusal_reason:
            lines.append(Line(_("不予核实的理由："), change.refusal_reason, True))
        entries.append(Entry("change", aware(change.submitted_at or change.created_at), title,
                             tuple(lines), change.reference,
                             data={"kind": change.kind, "status": change.status,
                                   "outcome": change.outcome}))
    return entries


def reviews(person_id: int) -> list[Entry]:
    """Yearly reviews (年审), opened, done or missed (one query)."""
    entries = []
    for review in db.session.scalars(
            select(Review).where(Review.recipient_id.in_(_recipients_of(person_id)))
            .order_by(Review.id)):
        state = "done" if review.status == "done" else ("missed" if review.missed_on else "due")
        title = _("%(year)s年年审：%(state)s", year=review.year,
                  state=labels.review_label("state", state))
        lines = [Line(_("年审时间："), _("%(start)s至%(end)s", start=_day(review.opens_on),
                                          end=_day(review.due_on)))]
        if review.method:
            lines.append(Line(_("方式："), labels.review_label("method", review.method)))
        day = review.completed_on or review.missed_on or review.opens_on
        entries.append(Entry("review", _on(day), title, tuple(lines), day_only=True,
                             data={"year": review.year, "state": state,
                                   "method": review.method,
                                   "completed_on": review.completed_on.isoformat()
                                   if review.completed_on else None}))
    return entries


def _day(day: date) -> str:
    from portal.dates import date_text

    return date_text(day)


def _rated_events(person_id: int):
    """A WHERE clause on (event_kind, event_id): the service events of the person."""
    status_events = select(StatusEvent.id).join(
        Application, Application.id == StatusEvent.application_id).where(
        Application.person_id == person_id)
    return or_(
        and_(Rating.event_kind.in_(("decision", "information_request")),
             Rating.event_id.in_(status_events)),
        and_(Rating.event_kind == "change", Rating.event_id.in_(
            select(ChangeRequest.id).where(ChangeRequest.recipient_id.in_(
                _recipients_of(person_id))))),
        and_(Rating.event_kind == "review", Rating.event_id.in_(
            select(Review.id).where(Review.recipient_id.in_(_recipients_of(person_id))))),
        and_(Rating.event_kind == "question", Rating.event_id.in_(
            select(Question.id).where(Question.application_id.in_(
                _applications_of(person_id))))),
    )


def ratings(person_id: int) -> list[Entry]:
    """好差评 of the services the person received – every revision (one query)."""
    entries = []
    for rating in db.session.scalars(select(Rating).where(_rated_events(person_id))
                                     .order_by(Rating.id)):
        title = _("评价“%(what)s”：%(level)s",
                  what=labels.service_event_label(rating.event_kind),
                  level=labels.rating_level_label(rating.level))
        lines = []
        if rating.reasons:
            lines.append(Line(_("原因："), labels.word_list(
                labels.rating_reason_label(code) for code in rating.reasons)))
        if rating.comment:
            lines.append(Line(_("意见："), rating.comment, True))
        entries.append(Entry("rating", aware(rating.created_at), title, tuple(lines),
                             data={"service": rating.event_kind, "level": rating.level,
                                   "reasons": list(rating.reasons or []),
                                   "revision": rating.revision}))
    return entries


def questions(person_id: int) -> list[Entry]:
    """Questions asked about the person's applications, and their answers (one query).
    A question asked about no application names no person, so it is in no one's file."""
    entries = []
    for question in db.session.scalars(
            select(Question).where(Question.application_id.in_(_applications_of(person_id)))
            .order_by(Question.id)):
        title = _("在线咨询：%(state)s", state=_("已答复") if question.answered_at
                  else _("等待答复"))
        lines = [Line(_("问题："), question.text, True)]
        if question.answer:
            lines.append(Line(_("答复："), question.answer, True))
        entries.append(Entry("question", aware(question.created_at), title, tuple(lines),
                             data={"about": question.about, "answered": bool(
                                 question.answered_at)}))
    return entries


def access(person_id: int) -> list[Entry]:
    """Accounts proven to be the person or their guardian, and family let see their
    applications – made and ended (two queries)."""
    entries = []
    holder = aliased(Account)
    for link, account in db.session.execute(
            select(PersonLink, holder).join(holder, holder.id == PersonLink.account_id)
            .where(PersonLink.person_id == person_id).order_by(PersonLink.id)).all():
        role, proof = labels.relationship_label(link.role), str(LINK_PROOFS.get(
            link.proven_by, link.proven_by))
        masked, tail = phone_numbers.mask(account.phone), account.phone[-4:]
        entries.append(Entry("access", aware(link.created_at),
                             _("账户（手机尾号%(tail)s）确认为%(role)s（%(how)s）", tail=tail,
                               role=role, how=proof),
                             data={"event": "link", "role": link.role, "proof": link.proven_by,
                                   "account_phone": masked}))
        if link.ended_at:
            entries.append(Entry("access", aware(link.ended_at),
                                 _("解除账户（手机尾号%(tail)s）的关联", tail=tail),
                                 data={"event": "unlink", "account_phone": masked}))
    for grant in db.session.scalars(select(AccessGrant).where(
            AccessGrant.person_id == person_id).order_by(AccessGrant.id)):
        masked, tail = phone_numbers.mask(grant.grantee_phone), grant.grantee_phone[-4:]
        entries.append(Entry("access", aware(grant.created_at),
                             _("授权手机尾号%(tail)s的家人查看申请", tail=tail),
                             data={"event": "grant", "grantee_phone": masked}))
        if grant.revoked_at:
            entries.append(Entry("access", aware(grant.revoked_at),
                                 _("取消手机尾号%(tail)s的家人查看授权", tail=tail),
                                 data={"event": "revoke", "grantee_phone": masked}))
    return entries


def _registry_person(person: Person) -> RegistryPerson | None:
    return db.session.scalar(select(RegistryPerson).where(RegistryPerson.id_number_hash.in_(
        identity.stored_hashes(person.id_number_hash, person.id_number_encrypted))))


def discovery_contacts(person_id: int) -> list[Entry]:
    """The discovery sweep's finding (主动发现) and the street's contacts with the person
    (three queries: the person, the registries' record, the lead and its contacts)."""
    from portal.registries.discovery import OUTCOME_LABELS

    person = db.session.get(Person, person_id)
    found = _registry_person(person) if person is not None else None
    if found is None:
        return []
    entries = []
    lead = db.session.scalar(select(DiscoveryLead).where(
        DiscoveryLead.registry_person_id == found.id))
    if lead is not None:
        names = labels.word_list(labels.programme_name(code) for code, _result in lead.programmes)
        entries.append(Entry("contact", _on(lead.found_on), _("主动发现：可能符合条件"),
                             (Line(_("可能可以申请："), names),), day_only=True,
                             data={"event": "discovery",
                                   "programmes": [code for code, _r in lead.programmes]}))
    for contact in db.session.scalars(select(DiscoveryContact).where(
            DiscoveryContact.registry_person_id == found.id).order_by(DiscoveryContact.id)):
        outcome = str(OUTCOME_LABELS.get(contact.outcome, contact.outcome))
        entries.append(Entry("contact", aware(contact.created_at),
                             _("街道主动联系：%(outcome)s", outcome=outcome),
                             (Line(_("记录："), contact.note, True),) if contact.note else (),
                             data={"event": "discovery_contact", "outcome": contact.outcome}))
    return entries


def follow_up_calls(person_id: int) -> list[Entry]:
    """The call-backs after a 差评 of the person's services (one query)."""
    entries = []
    for follow_up in db.session.scalars(
            select(FollowUp).join(Rating, Rating.id == FollowUp.rating_id)
            .where(_rated_events(person_id)).order_by(FollowUp.id)):
        if follow_up.contacted_at:
            lines = (Line(_("核实情况："), follow_up.finding, True),) \
                if follow_up.finding else ()
            entries.append(Entry("contact", aware(follow_up.contacted_at),
                                 _("差评回访：%(how)s", how=labels.contact_method_label(
                                     follow_up.contact_method)), lines,
                                 data={"event": "follow_up", "method": follow_up.contact_method}))
        if follow_up.closed_at:
            entries.append(Entry("contact", aware(follow_up.closed_at),
                                 _("差评整改完成：%(outcome)s",
                                   outcome=labels.follow_up_outcome_label(follow_up.outcome)),
                                 (Line(_("告诉评价人的话："), follow_up.message_to_rater, True),)
                                 if follow_up.message_to_rater else (),
                                 data={"event": "follow_up_closed",
                                       "outcome": follow_up.outcome}))
    return entries


def consents(person_id: int) -> list[Entry]:
    """Consents to village workers – given, confirmed, refused, ended, expired – and what the
    workers did in the person's name (portal.accounts.consents: the one reading of them)."""
    from portal.accounts import consents as consent_history

    entries = []
    for event in consent_history.consent_events(person_id):
        day_only = not isinstance(event.at, datetime)
        at = aware(event.at) if not day_only else _on(event.at)
        entries.append(Entry("consent", at, event.label,
                             (Line(_("代办员："), event.worker_name, True),),
                             reference=event.reference, day_only=day_only,
                             data={"event": event.kind, "consent": event.consent_id}))
    return entries


def data_requests(person_id: int) -> list[Entry]:
    """Requests to correct or delete the person's data, and their outcome (one query)."""
    from portal.retention.models import DataRequest
    from portal.retention.requests import KIND_LABELS as REQUEST_KINDS
    from portal.retention.requests import OUTCOME_LABELS

    entries = []
    for request in db.session.scalars(select(DataRequest).where(
            DataRequest.person_id == person_id).order_by(DataRequest.id)):
        kind = str(REQUEST_KINDS.get(request.kind, request.kind))
        entries.append(Entry("data_request", aware(request.created_at),
                             _("申请%(kind)s", kind=kind), data={"event": "asked",
                                                                  "kind": request.kind}))
        if request.decided_at is not None:
            entries.append(Entry(
                "data_request", aware(request.decided_at),
                _("%(kind)s的申请已办结：%(outcome)s", kind=kind,
                  outcome=OUTCOME_LABELS.get(request.outcome, request.outcome)),
                (Line(_("原因："), request.reason, True),) if request.reason else (),
                data={"event": "decided", "kind": request.kind,
                      "outcome": request.outcome}))
    return entries


# The timeline's sources: a new kind of entry is one line here (and its label above).
Source = Callable[[int], Iterable[Entry]]
SOURCES: tuple[Source, ...] = (
    application_events,
    benefit_events,
    payments,
    changes,
    reviews,
    ratings,
    questions,
    access,
    discovery_contacts,
    follow_up_calls,
    consents,
    data_requests,
)


def timeline(person_id: int, sources: Iterable[Source] = SOURCES) -> list[Entry]:
    """Every source's entries, newest first."""
    entries = [entry for source in sources for entry in source(person_id)]
    # Each source gives its entries oldest first: at the same moment, the later one first too.
    order = sorted(range(len(entries)), key=lambda i: (entries[i].at, i), reverse=True)
    return [entries[i] for i in order]


# ── the whole file ───────────────────────────────────────────────────────────────────────

def assemble(person: Person) -> PersonFile:
    applications = list(db.session.scalars(
        select(Application).where(Application.person_id == person.id)
        .order_by(Application.submitted_at.desc(), Application.id.desc())))
    number = identity.of(person)
    who = Identity(person.id, person.full_name, identity.masked(number),
                   number.last_four if number else None, identity.age_text(number),
                   identity.sex_text(number), person.street, person.address, person.phone,
                   bool(person.id_number_encrypted))
    latest = stored.read(applications[0]) if applications else None
    registry_rows = None
    if latest is not None:
        # What the latest application declared, compared with the registries now – found by
        # the person's own keyed hash (the record's, not what was typed in the application).
        declared = replace(latest, personal=replace(
            latest.personal, id_hash=person.id_number_hash,
            id_encrypted=person.id_number_encrypted,
            street=latest.personal.street or person.street))
        if checks.registry_person(declared.personal) is not None:
            registry_rows = checks.rows_of([c.to_json() for c in checks.compare(declared)])
    return PersonFile(
        identity=who, certificate=_certificate(person, latest),
        household=latest.household.household if latest is not None else None,
        registry_rows=registry_rows,
        applications=[ApplicationRow(a.reference, a.programme, a.status, a.street,
                                     aware(a.submitted_at), aware(a.status_changed_at), a)
                      for a in applications],
        entries=timeline(person.id))


def _certificate(person: Person, latest) -> Certificate:
    """The category and grade on record, and the certificate's last valid day: a renewal
    recorded for a benefit first, else the registries', else the application's."""
    valid = db.session.scalar(
        select(Recipient.certificate_valid_until).where(
            Recipient.person_id == person.id, Recipient.certificate_valid_until.is_not(None))
        .order_by(Recipient.id.desc()).limit(1))
    if valid is not None:
        return Certificate(person.disability_category, person.disability_grade, valid,
                           "benefit")
    found = _registry_person(person)
    if found is not None and found.certificate_valid_until is not None:
        return Certificate(person.disability_category, person.disability_grade,
                           found.certificate_valid_until, "registry")
    if latest is not None and latest.certificate.valid_until:
        return Certificate(person.disability_category, person.disability_grade,
                           date.fromisoformat(latest.certificate.valid_until), "application")
    return Certificate(person.disability_category, person.disability_grade, None, None)
