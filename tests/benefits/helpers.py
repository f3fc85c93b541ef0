"""Builders for the benefits tests: an application paid from a given month, a rate change."""
from __future__ import annotations

import copy
from datetime import datetime, timedelta, timezone
from pathlib import Path

import yaml

from portal.applications import answers as stored
from portal.applications import status_changes as sc
from portal.applications.models import StatusEvent
from portal.benefits.models import Recipient
from portal.eligibility import programme as find_programme
from portal.eligibility import validate_programme_file
from portal.extensions import db
from tests.support.staff import make_application, make_person

CARD = "6222020200112233445"


def sealed_payment(card: str = CARD, holder: str = "王秀兰") -> dict:
    payment = stored.Payment(method="bank_card", bank_name="中国农业银行鄠邑支行",
                             account_holder=holder, card_number=card)
    return payment.sealed().to_json()


def paying(resident, civil, *, submitted: datetime, programme="nursing_allowance",
           band="grade_1", amount="120", first_month: str | None = None,
           street="ganting", person=None, name="王秀兰",
           certificate_until: str | None = None) -> Recipient:
    """An application submitted at `submitted`, approved (band, amount) and in public notice
    long enough, whose payment civil affairs then starts: returns its recipient."""
    if person is None:
        person, _ = make_person(name=name, street=street)
    answers = {"needs_long_term_care": True, "payment": sealed_payment(holder=name)}
    if certificate_until:
        answers["certificate"] = {"has_certificate": True, "id_hash": "x" * 64,
                                  "category": "physical", "grade": 1,
                                  "valid_until": certificate_until}
    application = make_application(
        resident, programme=programme, status="public_notice", street=street, person=person,
        answers=answers)
    application.submitted_at = submitted
    application.status_changed_at = datetime.now(timezone.utc) - timedelta(days=30)
    first = first_month or submitted.strftime("%Y-%m")
    db.session.add(StatusEvent(
        application_id=application.id, from_status="district_reviewed",
        to_status="approved", actor_account_id=civil.id,
        details={"kind": "approval", "rate": band, "amount": amount, "first_month": first,
                 "source": {"typed": "鄠民发〔2026〕1号（测试）"}}))
    db.session.commit()
    sc.apply_action(application, "start_payment", civil)
    return db.session.query(Recipient).filter_by(application_id=application.id).one()


def file_data(code: str = "nursing_allowance") -> dict:
    return yaml.safe_load(Path(find_programme(code).path).read_text(encoding="utf-8"))


def with_rate_change(tmp_path: Path, band: str, since, amount, code="nursing_allowance"):
    """The programme as its file would read with a rate change (标准调整) added: the amounts
    entry and the rates band both get the new dated value."""
    data = copy.deepcopy(file_data(code))
    source = {"zh": "鄠民发〔2026〕9号（测试）", "en": "Test notice"}
    for entry in data["amounts"]:
        if entry["id"] == band:
            entry["values"].append({"from": since, "value": amount, "source": source,
                                    "confidence": "confirmed"})
    for entry in data["rates"]["bands"]:
        if entry["id"] == band:
            entry["values"].append({"from": since, "amount": amount, "source": source,
                                    "confidence": "confirmed"})
    path = tmp_path / f"{code}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                    encoding="utf-8")
    return validate_programme_file(path)
