"""Demo content for the embedded default: staff accounts, a resident, a few applications.

Credentials are printed by `flask seed-demo` and listed in the README; they are never shown
in the portal itself. Running it twice changes nothing.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import select

from ..extensions import db
from ..media import samples as media_samples
from ..models import Account, Application, Person, StatusEvent
from . import identity
from .passwords import hash_password
from .references import new_reference

DEMO_PASSWORD = "Huyi-Demo-2026!"


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
)
NAMES = {
    "13900000001": "李梅", "13800000001": "赵刚", "13800000002": "陈静",
    "13800000003": "刘洋", "13800000004": "周敏", "13800000005": "孙伟",
}


def make_id_number(area: str, born: date, sequence: int) -> str:
    first17 = f"{area}{born:%Y%m%d}{sequence:03d}"
    return first17 + identity.check_character(first17)


# (name, birth date, sequence – odd male / even female, category, grade, programme, status)
PEOPLE = (
    ("王秀兰", date(1951, 3, 14), 22, "physical", 1, "nursing_allowance", "submitted"),
    ("张建国", date(1968, 9, 2), 15, "visual", 2, "living_allowance", "accepted"),
    ("马玉芳", date(1979, 12, 30), 42, "hearing", 3, "assistive_devices", "needs_info"),
    ("杜小龙", date(2012, 6, 1), 31, "intellectual", 2, "child_rehab", "approved"),
)


def seed() -> list[DemoAccount]:
    accounts = {}
    for demo in ACCOUNTS:
        account = db.session.scalar(select(Account).where(Account.phone == demo.phone))
        if account is None:
            account = Account(
                phone=demo.phone, password_hash=hash_password(demo.password),
                display_name=NAMES[demo.phone], role=demo.role,
                street="ganting" if demo.role in ("street_officer", "resident") else None,
            )
            db.session.add(account)
        accounts[demo.role] = account
    db.session.flush()

    for name, born, sequence, category, grade, programme, status in PEOPLE:
        id_number = make_id_number("610118", born, sequence)
        digest = identity.lookup_hash(id_number)
        if db.session.scalar(select(Person).where(Person.id_number_hash == digest)):
            continue
        parsed = identity.parse_id_number(id_number)
        person = Person(
            full_name=name, id_number_hash=digest, id_number_masked=identity.mask(id_number),
            birth_date=parsed.birth_date, sex=parsed.sex, street="ganting",
            address="鄠邑区甘亭街道示例社区1号", phone="13900000001",
            disability_category=category, disability_grade=grade,
            certificate_number_masked=identity.mask(id_number) + "**",
        )
        db.session.add(person)
        db.session.flush()
        _demo_application(person, accounts, programme, status)
    db.session.commit()
    media_samples.attach_demo_sample(accounts["content_editor"])
    return list(ACCOUNTS)


def _demo_application(person, accounts, programme, status):
    now = datetime.now(timezone.utc)
    resident = accounts["resident"]
    application = Application(
        reference=new_reference(), programme=programme, person_id=person.id,
        applicant_account_id=resident.id,
        relationship_to_person="family" if person.full_name != "李梅" else "self",
        answers={"demo": True}, status=status, street="ganting",
        submitted_at=now - timedelta(days=6), status_changed_at=now - timedelta(days=2),
        due_at=now + timedelta(days=5),
    )
    db.session.add(application)
    db.session.flush()
    path = {
        "submitted": ["submitted"],
        "accepted": ["submitted", "accepted"],
        "needs_info": ["submitted", "accepted", "needs_info"],
        "approved": ["submitted", "accepted", "street_checked", "district_reviewed", "approved"],
    }[status]
    previous = None
    for step in path:
        message = "请补充一张清晰的残疾人证照片（四个角都要拍全）。" if step == "needs_info" else None
        db.session.add(StatusEvent(
            application_id=application.id, from_status=previous, to_status=step,
            actor_account_id=None if step == "submitted" else accounts["street_officer"].id,
            message_to_applicant=message,
        ))
        previous = step
