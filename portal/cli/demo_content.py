"""Demo content for the embedded default: staff accounts, a resident, a few applications.

Credentials are printed by `flask seed-demo` and listed in the README; they are never shown
in the portal itself. Running it twice changes nothing.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import select

from portal.accounts import second_factor
from portal.accounts.models import Account, PersonLink
from portal.accounts.passwords import hash_password
from portal.applications import answers as stored
from portal.applications import working_days
from portal.applications.answers import Answers, Payment, Personal
from portal.applications.models import Application, StatusEvent
from portal.applications.references import new_reference
from portal.content.media import samples as media_samples
from portal.extensions import db
from portal.people import identity
from portal.people.models import Person

DEMO_PASSWORD = "Huyi-Demo-2026!"
# The demo staff's second factor: this key in any TOTP authenticator app (public: demo only).
DEMO_TOTP_SECRET = "HUYIDEMOHUYIDEMOHUYIDEMOHUYIDEMO"


@dataclass(frozen=True)
class DemoAccount:
    role: str
    phone: str
    password: str
    note: str


ACCOUNTS = (
    DemoAccount("resident", "13900000001", DEMO_PASSWORD, "居民 王秀兰的女儿 李梅"),
    DemoAccount("street_officer", "13800000001", DEMO_PASSWORD, "甘亭街道工作人员"),
    DemoAccount("district_reviewer", "13800000002", DEMO_PASSWORD, "区残联审核人员"),
    DemoAccount("civil_affairs", "13800000003", DEMO_PASSWORD, "区民政审批人员"),
    DemoAccount("content_editor", "13800000004", DEMO_PASSWORD, "内容编辑"),
    DemoAccount("admin", "13800000005", DEMO_PASSWORD, "系统管理员"),
    DemoAccount("intermediary", "13800000006", DEMO_PASSWORD, "代办员 甘亭街道东街社区"),
)
NAMES = {
    "13900000001": "李梅", "13800000001": "赵刚", "13800000002": "陈静",
    "13800000003": "刘洋", "13800000004": "周敏", "13800000005": "孙伟",
    "13800000006": "张建华",
}
DEMO_VILLAGE = "甘亭街道东街社区"


def make_id_number(area: str, born: date, sequence: int) -> str:
    first17 = f"{area}{born:%Y%m%d}{sequence:03d}"
    return first17 + identity.check_character(first17)


# (name, birth date, sequence – odd male / even female, category, grade, programme, status
#  [, street, days in the present status])
# The demo resident (李梅) applied as guardian for these two – for 杜小龙 confirmed at the
# counter; for her mother 王秀兰 not yet (the street officer's case page offers it) – and as
# family for everyone else.
GUARDIAN_OF = ("王秀兰", "杜小龙")
CONFIRMED_GUARDIAN_OF = ("杜小龙",)

PEOPLE = (
    ("王秀兰", date(1951, 3, 14), 22, "physical", 1, "nursing_allowance", "submitted"),
    ("张建国", date(1968, 9, 2), 15, "visual", 2, "living_allowance", "accepted"),
    ("马玉芳", date(1979, 12, 30), 42, "hearing", 3, "assistive_devices", "needs_info"),
    ("杜小龙", date(2012, 6, 1), 31, "intellectual", 2, "child_rehab", "approved"),
    # One application in every other state, one overdue, one in another street (staff console).
    ("刘桂芝", date(1958, 7, 21), 44, "physical", 2, "living_allowance", "street_checked"),
    ("陈志强", date(1972, 4, 9), 17, "mental", 1, "nursing_allowance", "district_reviewed"),
    ("赵淑珍", date(1949, 1, 26), 28, "visual", 1, "nursing_allowance", "public_notice"),
    ("孙立新", date(1965, 10, 3), 33, "physical", 2, "living_allowance", "paying", "ganting", 20),
    ("周海燕", date(1983, 5, 17), 46, "hearing", 2, "rehab_services", "rejected"),
    ("吴国栋", date(1990, 8, 8), 19, "physical", 3, "vocational_training", "withdrawn"),
    ("黄德明", date(1955, 11, 5), 37, "physical", 1, "living_allowance", "submitted", "ganting",
     12),
    ("郑春梅", date(1962, 2, 11), 48, "intellectual", 2, "living_allowance", "submitted",
     "yuxia"),
)
# Marks the demo's applications in their answers (kept beside the sections, shown to staff).
DEMO = {"demo": True}
# Fixed reference numbers, so the browser suite can open each demo application by address.
REFERENCES = {
    "王秀兰": "HY-2026-DEMA3C", "张建国": "HY-2026-DEMA4C", "马玉芳": "HY-2026-DEMA6C",
    "杜小龙": "HY-2026-DEMA7C", "刘桂芝": "HY-2026-DEMA9C", "陈志强": "HY-2026-DEMACC",
    "赵淑珍": "HY-2026-DEMADC", "孙立新": "HY-2026-DEMAEC", "周海燕": "HY-2026-DEMAFC",
    "吴国栋": "HY-2026-DEMAGC", "黄德明": "HY-2026-DEMAHC", "郑春梅": "HY-2026-DEMAJC",
}


class DemoRefused(RuntimeError):
    """Demo accounts (with published passwords) are never made under production settings."""


def seed() -> list[DemoAccount]:
    from flask import current_app

    if current_app.config.get("ENV_NAME") == "production":
        raise DemoRefused("seed-demo makes accounts with published passwords and is refused "
                          "under production settings (PORTAL_ENV=production). / "
                          "生产环境不能创建演示账号和演示数据。")
    accounts = {}
    for demo in ACCOUNTS:
        account = db.session.scalar(select(Account).where(Account.phone == demo.phone))
        if account is None:
            account = Account(
                phone=demo.phone, password_hash=hash_password(demo.password),
                display_name=NAMES[demo.phone], role=demo.role,
                street="ganting" if demo.role in ("street_officer", "resident", "intermediary")
                else None,
                village=DEMO_VILLAGE if demo.role == "intermediary" else None,
            )
            db.session.add(account)
        if account.signs_in_as_staff and account.second_factor is None:
            second_factor.set_demo_totp(account, DEMO_TOTP_SECRET)
        accounts[demo.role] = account
    db.session.flush()

    for name, born, sequence, category, grade, programme, status, *more in PEOPLE:
        street, days = (more + ["ganting", 2][len(more):])[:2]
        id_number = make_id_number("610118", born, sequence)
        if db.session.scalar(select(Person).where(
                Person.id_number_hash.in_(identity.lookup_hashes(id_number)))):
            continue
        person = Person(
            full_name=name, **identity.stored_fields(id_number), street=street,
            address="鄠邑区甘亭街道示例社区1号" if street == "ganting" else "鄠邑区余下街道示例村2号", phone="13900000001",
            disability_category=category, disability_grade=grade,
        )
        db.session.add(person)
        db.session.flush()
        _demo_application(person, accounts, programme, status, street, days)
        if name in CONFIRMED_GUARDIAN_OF:
            # The street officer saw the guardianship papers at the counter (person_links):
            # the demo resident may let family see this person's applications.
            db.session.add(PersonLink(account_id=accounts["resident"].id, person_id=person.id,
                                      role="guardian", proven_by="counter",
                                      confirmed_by_account_id=accounts["street_officer"].id))
    _demo_second_claim(accounts)
    db.session.commit()
    _demo_payments(accounts["civil_affairs"])
    _demo_changes(accounts["resident"])
    _demo_registries(accounts)
    _demo_reviews()
    media_samples.attach_demo_sample(accounts["content_editor"])
    _demo_feedback(accounts)
    _demo_data_requests(accounts)
    _demo_consents(accounts)
    return list(ACCOUNTS)


def _demo_consents(accounts: dict) -> None:
    """代办 (portal.accounts.consents): the demo village worker 张建华 helps 张建国 (a consent
    given by a code, active) and 杜小龙 (on paper, signed by his guardian 李梅 and confirmed by
    the street officer – so 李梅 sees it on "代办同意" and may end it); a paper consent for
    刘桂芝 waits for the street officer. Consents 1, 2, 3 in that order (the browser suite)."""
    import io

    from PIL import Image
    from werkzeug.datastructures import FileStorage

    from portal.accounts.consents import FORM_KIND
    from portal.accounts.models import Consent
    from portal.applications import documents

    if db.session.scalar(select(Consent.id).limit(1)) is not None:
        return
    worker, officer = accounts["intermediary"], accounts["street_officer"]
    until = date.today() + timedelta(days=300)
    people = {p.full_name: p for p in db.session.scalars(select(Person).where(
        Person.full_name.in_(("张建国", "杜小龙", "刘桂芝"))))}

    def form() -> int:
        out = io.BytesIO()
        Image.new("RGB", (120, 160), (250, 250, 245)).save(out, "PNG")
        out.seek(0)
        return documents.store(FileStorage(out, filename="同意书.png"), kind=FORM_KIND,
                               account_id=worker.id).id

    now = datetime.now(timezone.utc)
    for name, method, given_by, scopes, status in (
            ("张建国", "code", "person", "apply,changes,reviews,status", "active"),
            ("杜小龙", "paper", "guardian", "apply,status", "active"),
            ("刘桂芝", "paper", "person", "apply,status", "pending")):
        person = people.get(name)
        if person is None:
            continue
        db.session.add(Consent(
            worker_account_id=worker.id, person_id=person.id if status == "active" else None,
            full_name=name, id_number_hash=person.id_number_hash,
            id_number_encrypted=person.id_number_encrypted or "", street=person.street or "",
            scopes=scopes, until=until, method=method, given_by=given_by, status=status,
            document_id=form() if method == "paper" else None,
            decided_at=now if status == "active" else None,
            decided_by_account_id=officer.id if method == "paper" and status == "active"
            else None))
        db.session.commit()


DEMO_BANK_REASON = "账户已销户，请核对收款账户"


def _demo_payments(civil_affairs: Account) -> None:
    """A payment history for the demo's recipients (civil affairs finds 发放名册 with rolls in
    it; the resident sees their payments): the roll of each recipient's first month, confirmed,
    with the bank's answer that the payment failed – so that, when that month is over, this
    month's draft shows the failed month back with its reason, as the next roll would."""
    from portal.benefits import rates, rolls
    from portal.benefits.models import PaymentRoll, Recipient

    if db.session.scalar(select(PaymentRoll.id).limit(1)) is not None:
        return
    this_month = rates.first_of_month(date.today())
    for programme, first in db.session.execute(
            select(Recipient.programme, Recipient.start_month).distinct()
            .order_by(Recipient.programme)).all():
        roll = rolls.build(programme, first, civil_affairs)
        rolls.confirm(roll.id, civil_affairs, expected_version=roll.version)
        answer = "".join(f"{line.id},failed,{DEMO_BANK_REASON}\n"
                         for line in rolls.lines_page(roll.id))
        rolls.import_bank_result(roll.id, answer.encode(), civil_affairs)
        if first < this_month:
            rolls.build(programme, this_month, civil_affairs)


# Two changes of circumstances the demo resident reported for 孙立新 (portal.changes), waiting
# for the street officer: fixed references, so the browser suite can open each page.
CHANGE_REFERENCES = {"card": "BG-2026-DEMA3C", "care_stay": "BG-2026-DEMA4C"}
DEMO_NEW_CARD = "6217000010002223330"


def _demo_changes(resident: Account) -> None:
    from portal.benefits.models import Recipient
    from portal.changes.kinds import KINDS
    from portal.changes.models import ChangeRequest
    from portal.changes.requests import stored_details

    if db.session.scalar(select(ChangeRequest.id).limit(1)) is not None:
        return
    recipient = db.session.scalar(select(Recipient).join(Application).where(
        Application.reference == REFERENCES["孙立新"]))
    if recipient is None:
        return
    now = datetime.now(timezone.utc)
    answers = {
        "card": {"method": "bank_card", "bank_name": "中国建设银行鄠邑支行",
                 "account_holder": "孙立新", "card_number": DEMO_NEW_CARD},
        "care_stay": {"place": "hospital", "stay_from": (now - timedelta(days=3)).date()},
    }
    for kind, reference in CHANGE_REFERENCES.items():
        db.session.add(ChangeRequest(
            reference=reference, kind=kind, recipient_id=recipient.id, account_id=resident.id,
            status="submitted", details=stored_details(KINDS[kind], answers[kind]),
            submitted_at=now, created_at=now))
    db.session.commit()


def _demo_reviews() -> None:
    """The yearly review (portal.benefits.reviews) of the demo's recipient (孙立新, whose
    application the demo resident made): this year's, still open and past its last day – the
    resident finds it on the status page, the street officer and civil affairs on the
    worklist, overdue – with its three texts sent; and a re-evaluation row on the staff
    worklist, as if a change had reported that the household is no longer 低保/低收入."""
    from portal.benefits import reevaluation
    from portal.benefits.models import Recipient, Review

    if db.session.scalar(select(Review.id).limit(1)) is not None:
        return
    recipient = db.session.scalar(select(Recipient).order_by(Recipient.id).limit(1))
    if recipient is None:
        return
    today, now = date.today(), datetime.now(timezone.utc)
    db.session.add(Review(
        recipient_id=recipient.id, year=today.year, opens_on=today - timedelta(days=70),
        due_on=today - timedelta(days=10), grace_until=today + timedelta(days=20),
        status="open", first_notice_at=now - timedelta(days=70),
        reminder_at=now - timedelta(days=40), last_notice_at=now - timedelta(days=17),
        created_at=now - timedelta(days=70)))
    facts = {**reevaluation.facts_as_of(recipient, today), "household": "none"}
    outcome = reevaluation.outcome_for(recipient, today, facts)
    if outcome is not None and outcome.result == "ineligible":
        reevaluation.add_row(recipient, outcome, on=today, cause="change", cause_id=None)
    db.session.commit()


def _demo_details(application, person, step: str, at: datetime) -> dict | None:
    """What the demo's street checks and approvals recorded (portal.applications.decisions)."""
    from decimal import Decimal

    from portal.applications import decisions

    day = working_days.local_date(at)
    if step == "street_checked":
        return decisions.street_check_details(day, "home_visit", "赵刚",
                                              "入户见到本人，核对了身份证和残疾人证原件，情况与申请一致。")
    if step != "approved" or not decisions.pays_money(application.programme, day):
        return None
    facts = {"disability_grade": person.disability_grade,
             "disability_category": person.disability_category}
    number = identity.of(person)
    if number is not None:
        facts["age"] = number.age(day)
    rates = decisions.rates_for_case(application.programme, facts, day)
    if not rates:
        return None
    rule = decisions.amount_rule(application.programme, rates[0], day)
    amount = rule.fixed or (rule.ceiling / 2 if rule.ceiling else None) or \
        (rule.floor or Decimal("100")) + 20
    return decisions.approval_details(
        application.programme, rule, amount, "演示数据（不是真实文件）" if rule.typed else None,
        decisions.allowed_months(application.submitted_at, day)[0], day)


# A second claim (portal.applications.duplicates): 赵淑珍's nursing allowance is in public notice;
# another application for her came in with another phone number and bank card – flagged on
# both cases, held from approval until an officer resolves it.
SECOND_CLAIM_REFERENCE = "HY-2026-DEMAKC"


def _demo_second_claim(accounts) -> None:
    from portal.applications import duplicates
    from portal.people import crypto

    older = db.session.scalar(select(Application).where(
        Application.reference == REFERENCES["赵淑珍"]))
    if older is None or db.session.scalar(select(Application.id).where(
            Application.reference == SECOND_CLAIM_REFERENCE)) is not None:
        return
    now = datetime.now(timezone.utc)
    personal = replace(stored.read(older).personal, phone="13900000077")
    payment = Payment(method="bank_card", bank_name="中国建设银行鄠邑支行",
                      account_holder="赵淑珍",
                      card_number=crypto.encrypt("6217000000000000017")).sealed()
    newer = Application(
        reference=SECOND_CLAIM_REFERENCE, programme=older.programme, person_id=older.person_id,
        applicant_account_id=accounts["resident"].id, relationship_to_person="family",
        answers=Answers(personal=personal, payment=payment, extra=DEMO).to_json(),
        status="submitted",
        street=older.street, submitted_at=now - timedelta(days=1), status_changed_at=now,
        due_at=working_days.due_at_for("submitted", now))
    db.session.add(newer)
    db.session.flush()
    db.session.add(StatusEvent(application_id=newer.id, from_status=None, to_status="submitted",
                               created_at=newer.submitted_at))
    duplicates.flag_new_claim(newer)


def _demo_application(person, accounts, programme, status, street="ganting", days=2):
    from portal.applications import status_machine
    from portal.applications.working_days import due_at_for

    now = datetime.now(timezone.utc)
    changed = now - timedelta(days=days)
    resident = accounts["resident"]
    application = Application(
        reference=REFERENCES.get(person.full_name) or new_reference(), programme=programme,
        person_id=person.id, applicant_account_id=resident.id,
        relationship_to_person="guardian" if person.full_name in GUARDIAN_OF else "family",
        # What the demo resident typed about the person (she sees it; "apply again for…"
        # offers the person by it – never by what others recorded).
        answers=Answers(personal=Personal(
            full_name=person.full_name, id_hash=person.id_number_hash,
            id_encrypted=person.id_number_encrypted, phone=person.phone,
            address=person.address, street=street), extra=DEMO).to_json(),
        status=status, street=street,
        submitted_at=changed - timedelta(days=4), status_changed_at=changed,
        due_at=due_at_for(status, changed),
    )
    db.session.add(application)
    db.session.flush()
    review = ["submitted", "accepted", "street_checked", "district_reviewed"]
    path = {
        "submitted": ["submitted"],
        "accepted": ["submitted", "accepted"],
        "needs_info": ["submitted", "accepted", "needs_info"],
        "street_checked": review[:3],
        "district_reviewed": review,
        "approved": [*review, "approved"],
        "public_notice": [*review, "approved", "public_notice"],
        "paying": [*review, "approved", "public_notice", "paying"],
        "rejected": ["submitted", "accepted", "rejected"],
        "withdrawn": ["submitted", "withdrawn"],
    }[status]
    decider = accounts[status_machine.decider_role(programme)]
    actors = {"district_reviewed": accounts["district_reviewer"], "approved": decider,
              "public_notice": decider, "paying": decider, "withdrawn": resident}
    messages = {
        "needs_info": "请补充一张清晰的残疾人证照片（四个角都要拍全）。",
        "rejected": "经核实，您目前已享受同类康复服务，暂不能重复申请。如有疑问，请拨打12385。",
    }
    previous = None
    for step in path:
        at = changed if step == status else \
            application.submitted_at if step == "submitted" else changed - timedelta(days=1)
        db.session.add(StatusEvent(
            application_id=application.id, from_status=previous, to_status=step,
            actor_account_id=None if step == "submitted" else
            actors.get(step, accounts["street_officer"]).id,
            message_to_applicant=messages.get(step), created_at=at,
            details=_demo_details(application, person, step, at),
        ))
        previous = step
    if status == "paying":   # being paid: on the payment rolls (portal.benefits)
        from portal.benefits import recipients

        recipients.enrol(application, decider, changed)


# The registries the district shares (portal/registries): certificate holders and the 低保 /
# 低收入 / 特困 rolls, some of them demo applicants. The first holder (田大伟, 甘亭街道) is the
# street officer's first lead (/staff/discovery/1).
DEMO_CERTIFICATE_HOLDERS = (
    # name, birth date, sequence, category, grade, valid until, street, phone
    ("田大伟", date(1960, 4, 12), 51, "肢体", "一级", "长期", "甘亭街道", "13900000011"),
    ("何丽", date(1985, 8, 3), 52, "听力", "二级", "2030-12-31", "甘亭街道", ""),
    ("罗强", date(1975, 1, 20), 53, "视力", "一级", "2029-06-30", "余下街道", "13900000013"),
    ("王秀兰", date(1951, 3, 14), 22, "肢体", "一级", "2031-05-01", "甘亭街道", "13900000001"),
    ("张建国", date(1968, 9, 2), 15, "视力", "二级", "长期", "甘亭街道", ""),
)
DEMO_ROLLS = (("何丽", "低收入"), ("张建国", "低保"))


@dataclass
class _DemoRegistry:
    """A registry given in code (the adapter interface: kind, label, rows())."""
    kind: str
    label: str
    lines: list

    def rows(self):
        from portal.registries.sources import SourceRow

        return (SourceRow(line, cells) for line, cells in enumerate(self.lines, start=2))


def _demo_registries(accounts) -> None:
    """Both registries imported (the import's commit runs the discovery sweep), the checks
    at submission kept for the demo applications, and one contact recorded."""
    from portal.registries import checks, discovery, imports
    from portal.registries.models import DiscoveryLead, RegistryCheck, RegistryImport

    if db.session.scalar(select(RegistryImport.id).limit(1)) is not None:
        return
    numbers = {name: make_id_number("610118", born, sequence)
               for name, born, sequence, *_ in DEMO_CERTIFICATE_HOLDERS}
    holders = [dict(zip(("name", "category", "grade", "valid_until", "street", "phone"),
                        (name, *rest)), id_number=numbers[name], address="鄠邑区示例村1号")
               for name, _born, _sequence, *rest in DEMO_CERTIFICATE_HOLDERS]
    admin = accounts["admin"]
    imports.run(_DemoRegistry("certificates", "残疾人证持证人员（演示）.xlsx", holders), admin,
                date.today() - timedelta(days=3))
    rolls = [{"id_number": numbers[name], "name": name, "household": kind, "street": "甘亭街道"}
             for name, kind in DEMO_ROLLS]
    imports.run(_DemoRegistry("households", "低保低收入特困名单（演示）.csv", rolls), admin,
                date.today() - timedelta(days=2))
    discovery.sweep()    # at once, whether or not a task queue runs
    for application in db.session.scalars(select(Application).where(
            Application.id.not_in(select(RegistryCheck.application_id)))):
        checks.record(application, stored.read(application))
    db.session.commit()
    second = db.session.scalar(select(DiscoveryLead).where(DiscoveryLead.street == "ganting")
                               .order_by(DiscoveryLead.id).offset(1))
    if second is not None:
        discovery.record_contact(accounts["street_officer"], second, "unreachable",
                                 "上午打电话无人接听")
# 好差评 and 在线咨询 (portal.ratings, portal.questions): fixed links, so the browser suite can
# open the pages a text message leads to (demo only: these tokens are public).
DEMO_RATING_TOKEN = "demo-rating-link-DEMADC"
DEMO_QUESTION_TOKENS = {"answered": "demo-question-answered", "waiting": "demo-question-waiting",
                        "application": "demo-question-application"}


def _demo_feedback(accounts) -> None:
    """Ratings of the demo's decisions: 杜小龙's approval rated 非常满意; 周海燕's refusal
    rated 不满意 – its follow-up (甘亭街道) open and overdue; 孙立新's approval rated
    非常不满意 – its follow-up (区民政) closed with an explanation, itself rated. A text's link
    for 赵淑珍's approval. Written questions: one answered and published on the guide, one
    waiting with a sign-language video, one about 马玉芳's application. A few page votes."""
    from portal.content.media import samples, storage
    from portal.people import crypto
    from portal.questions import questions
    from portal.questions.models import Question
    from portal.ratings import follow_ups, invitations, ratings, service_events
    from portal.ratings.models import PageVote, Rating, RatingInvitation

    if db.session.scalar(select(Rating.id).limit(1)) is not None:
        return
    now = datetime.now(timezone.utc)
    resident = accounts["resident"]

    def decision(reference: str):
        event = db.session.scalar(select(StatusEvent).join(Application).where(
            Application.reference == reference,
            StatusEvent.to_status.in_(service_events.DECISION_STATES)))
        return service_events.load("decision", event.id) if event is not None else None

    approved, refused, paying = (decision(r) for r in ("HY-2026-DEMA7C", "HY-2026-DEMAFC",
                                                       "HY-2026-DEMAEC"))
    if approved is not None:
        ratings.rate(approved, resident.id, 5, comment="工作人员很耐心，办得很快。", now=now)
    if refused is not None:
        ratings.rate(refused, resident.id, 2, ["unclear", "result"],
                     "不明白为什么说已享受同类服务。", now=now - timedelta(days=1))
        late = follow_ups.of_event("decision", refused.id)
        late.opened_at = now - timedelta(days=12)
        late.call_back_due_at = now - timedelta(days=11)
        late.due_at = now - timedelta(days=5)
    if paying is not None:
        ratings.rate(paying, resident.id, 1, ["slow"], "等了很久才开始发放。",
                     now=now - timedelta(days=3))
        done = follow_ups.of_event("decision", paying.id)
        follow_ups.record_call_back(done, accounts["civil_affairs"], "phone",
                                    "已电话联系评价人，说明公示期的规定。",
                                    now=now - timedelta(days=2))
        follow_ups.close(done, accounts["civil_affairs"], "explained",
                         "电话说明了公示期和首次发放的时间。",
                         "批准后要先公示7天，公示结束后才能开始发放。给您带来不便，请谅解。",
                         now=now - timedelta(days=2))
        ratings.rate(service_events.load("follow_up", done.id), resident.id, 4, now=now)
    noticed = decision("HY-2026-DEMADC")
    if noticed is not None:
        db.session.add(RatingInvitation(event_kind="decision", event_id=noticed.id,
                                        token_hash=invitations.digest(DEMO_RATING_TOKEN),
                                        account_id=resident.id))

    def question(key: str, **fields) -> Question:
        token = DEMO_QUESTION_TOKENS[key]
        found = Question(token_hash=questions.digest(token), token_sealed=crypto.encrypt(token),
                         locale="zh_Hans_CN", published=False, created_at=now - timedelta(days=2),
                         due_at=working_days.deadline(now, 3), **fields)
        db.session.add(found)
        return found

    answered = question("answered", about="programme", programme="nursing_allowance",
                        text="护理补贴和生活补贴可以一起领吗？",
                        phone_encrypted=crypto.encrypt("13900000001"))
    with samples.VIDEO.open("rb") as video:
        name = storage.save(video, ".webm")
    question("waiting", about="accessibility", text="我用手语视频提问，请看视频。",
             video_name=name, video_type="video/webm")
    mother = db.session.scalar(select(Application).where(
        Application.reference == "HY-2026-DEMA6C"))
    if mother is not None:
        question("application", about="application", programme=mother.programme,
                 application_id=mother.id, street=mother.street, asker_account_id=resident.id,
                 text="要补充的残疾人证照片，拍手机截图可以吗？")
    db.session.flush()
    answered.answer = "可以。符合条件的，两项补贴可以同时领取。"
    answered.answered_at = now - timedelta(days=1)
    answered.answered_by_account_id = accounts["district_reviewer"].id
    answered.answered_by_role = "district_reviewer"
    answered.published = True
    answered.published_question = "护理补贴和生活补贴可以一起领吗？"
    answered.published_answer = "可以。符合条件的，两项补贴可以同时领取。"
    db.session.add_all([PageVote(page="guide:nursing_allowance", useful=True),
                        PageVote(page="guide:nursing_allowance", useful=False),
                        PageVote(page="checker", useful=True)])
    db.session.commit()


def _demo_data_requests(accounts) -> None:
    """The demo resident, 杜小龙's guardian (a proven link), asked to correct his address (open,
    with a supporting document waiting for staff) and to delete his data (decided: partly kept
    – his approved application and its payments are kept by law, as his page explains). The
    decided one is written as staff's decision would leave it, without deleting anything of the
    other demo pages."""
    from werkzeug.datastructures import FileStorage

    from portal.retention import requests
    from portal.retention.models import DataRequest

    if db.session.scalar(select(DataRequest.id).limit(1)) is not None:
        return
    resident = accounts["resident"]
    person = db.session.scalar(select(Person).where(Person.full_name == CONFIRMED_GUARDIAN_OF[0]))
    if person is None:
        return
    from PIL import Image

    picture = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(picture, "PNG")
    picture.seek(0)
    upload = FileStorage(picture, filename="户口簿.png")
    requests.ask(resident, person.id, "correction", "地址写错了：门牌号应为3号，不是1号",
                 "鄠邑区甘亭街道示例社区3号", upload, locale="zh_Hans_CN")
    asked = datetime.now(timezone.utc) - timedelta(days=20)
    db.session.add(DataRequest(
        account_id=resident.id, person_id=person.id, link_role="guardian", kind="deletion",
        what_is_wrong="不想再保存他的信息", locale="zh_Hans_CN", created_at=asked,
        due_at=working_days.deadline(asked, 15), outcome="partly_kept",
        reason="没有提交的草稿已经删除；已批准的补贴申请和发放记录依法必须保存。",
        erased={"draft": 1}, kept=["approved_application", "payment_record", "audit_event"],
        decided_at=asked + timedelta(days=6), decided_by_account_id=accounts["civil_affairs"].id))
    db.session.commit()
