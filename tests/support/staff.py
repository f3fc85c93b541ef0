"""Small builders for the staff tests: people and applications in a given state (accounts:
tests/support/accounts.py)."""
from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta, timezone

from portal.accounts.models import Account, PersonLink
from portal.applications import working_days
from portal.applications.models import Application, StatusEvent
from portal.applications.references import new_reference
from portal.cli.demo_content import make_id_number
from portal.extensions import db
from portal.people import identity
from portal.people.models import Person

_numbers = itertools.count(1)


def make_person(name: str = "王秀兰", born: date = date(1951, 3, 14),
                street: str = "ganting") -> tuple[Person, str]:
    n = next(_numbers)
    id_number = make_id_number("610118", born, n % 1000)
    person = Person(full_name=name, **identity.stored_fields(id_number), street=street,
                    phone="13900000001", disability_category="physical",
                    disability_grade=1)
    db.session.add(person)
    db.session.flush()
    return person, id_number


def make_application(applicant: Account, programme: str = "nursing_allowance",
                     status: str = "submitted", street: str = "ganting",
                     name: str = "王秀兰", due_at: datetime | None | str = "auto",
                     answers: dict | None = None, person: Person | None = None,
                     previous: str | None = None) -> Application:
    """An application in `status`, with a history that got it there.
    `previous`: for needs_info, the state it was in before."""
    if person is None:
        person, _ = make_person(name=name, street=street)
    now = datetime.now(timezone.utc)
    application = Application(
        reference=new_reference(), programme=programme, person_id=person.id,
        applicant_account_id=applicant.id, relationship_to_person="family",
        answers=answers if answers is not None else {"needs_long_term_care": True},
        status=status, street=street, submitted_at=now - timedelta(days=1),
        status_changed_at=now,
        due_at=working_days.due_at_for(status, now) if due_at == "auto" else due_at,
    )
    db.session.add(application)
    db.session.flush()
    db.session.add(StatusEvent(application_id=application.id, from_status=None,
                               to_status="submitted"))
    if status == "needs_info":
        db.session.add(StatusEvent(application_id=application.id,
                                   from_status=previous or "submitted", to_status="needs_info",
                                   message_to_applicant="请补充材料。"))
    elif status != "submitted":
        db.session.add(StatusEvent(application_id=application.id, from_status="submitted",
                                   to_status=status))
    db.session.commit()
    return application


def make_link(account: Account, person: Person, role: str = "self",
              officer: Account | None = None) -> PersonLink:
    """A proven link: `account` is `person` ("self") or their recorded guardian, as if staff
    had confirmed it at the counter."""
    link = PersonLink(account_id=account.id, person_id=person.id, role=role,
                      proven_by="counter",
                      confirmed_by_account_id=officer.id if officer is not None else None)
    db.session.add(link)
    db.session.commit()
    return link


def decision_details(application: Application, action: str) -> dict | None:
    """Details that keep the rules, for a street check or an approval taken in a test that is
    not about them (portal.applications.decisions)."""
    from decimal import Decimal

    from portal.applications import decisions
    from portal.applications.casefile import facts_for

    today = decisions.local_today()
    if action == "street_check":
        return decisions.street_check_details(today, "home_visit", "测试核查人",
                                              "见到本人，情况与申请一致。")
    if action != "approve" or not decisions.pays_money(application.programme, today):
        return None
    rate = decisions.rates_for_case(application.programme, facts_for(application), today)[0]
    rule = decisions.amount_rule(application.programme, rate, today)
    amount = rule.fixed or rule.ceiling or rule.floor or Decimal("100")
    return decisions.approval_details(
        application.programme, rule, amount, "鄠民发〔2026〕1号（测试）" if rule.typed else None,
        decisions.allowed_months(application.submitted_at, today)[0], today)
