"""The application journey over one draft: its sections (the task list), what is complete,
the eligibility facts the answers show, what still stands in the way of submitting, and the
rows of the check-answers page. Reads the draft; never writes (services/applications.py does).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Callable

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .. import dates, i18n
from ..i18n import localized
from ..labels import PAYMENT_METHODS, RELATIONSHIPS as RELATIONSHIP_LABELS, fact_value, section_title
from ..forms.validators import CERTIFICATE_CATEGORIES, mask_card
from ..services import crypto, identity
from ..services.identity import age_on  # noqa: F401 – where the journey's callers look for it
from ..models import RELATIONSHIPS
from ..streets import by_code as street_by_code
from . import programmes
from .relationships import guardian_reason

NOT_STARTED, IN_PROGRESS, COMPLETED, CANNOT_START = (
    "not_started", "in_progress", "completed", "cannot_start")
STATUS_LABELS = {
    NOT_STARTED: _l("未开始"),
    IN_PROGRESS: _l("进行中"),
    COMPLETED: _l("已完成"),
    CANNOT_START: _l("暂不能开始"),
}

PERSONAL_KEYS = ("full_name", "id_hash", "id_encrypted", "phone", "address", "street")
PAYMENT_KEYS = ("method", "bank_name", "account_holder", "card_number")


@dataclass(frozen=True)
class Section:
    key: str
    endpoint: str
    applies: Callable[[str], bool] = lambda programme: True

    @property
    def title(self) -> str:
        """The section's name, as the staff case page names it too (portal.labels)."""
        return section_title(self.key)


SECTIONS = (
    Section("who", "apply.relationship"),
    Section("personal", "apply.personal"),
    Section("certificate", "apply.certificate"),
    Section("household", "apply.household"),
    Section("payment", "apply.payment", programmes.pays_money),
    Section("questions", "apply.questions",
            lambda programme: bool(programmes.question_facts(programme))),
    Section("documents", "apply.documents_page"),
    Section("consent", "apply.consent"),
)
BY_KEY = {section.key: section for section in SECTIONS}




def certificate_last_four(certificate: dict, personal: dict,
                          number: identity.IdNumber | None) -> str | None:
    """The last four characters of the certificate number on file (ID digits 17-18, then the
    category and grade digits), read from the person's ID number – the number is not kept.
    None when none is on file or its ID part is not the person's (it is asked for again)."""
    if not certificate.get("id_hash") or number is None \
            or certificate["id_hash"] != personal.get("id_hash"):
        return None
    digit = {v: k for k, v in CERTIFICATE_CATEGORIES.items()}.get(certificate.get("category"))
    if digit is None or not certificate.get("grade"):
        return None
    return (number.value + digit + str(certificate["grade"]))[-4:]


class Journey:
    """One draft seen as a journey. `uploaded`: the draft's documents (Document rows)."""

    def __init__(self, draft, uploaded=(), today: date | None = None):
        self.draft = draft
        self.programme = draft.programme
        self.answers = draft.answers or {}
        self.uploaded = list(uploaded)
        self.today = today or date.today()

    # ── what the answers say ──
    def part(self, key: str) -> dict:
        return self.answers.get(key) or {}

    @property
    def relationship(self) -> str | None:
        return self.answers.get("relationship")

    @property
    def for_self(self) -> bool:
        return self.relationship == "self"

    @property
    def person_name(self) -> str | None:
        return self.part("personal").get("full_name")

    @property
    def id_number(self) -> identity.IdNumber | None:
        """The person's ID number, read from its encrypted form (birth date, age, sex, last
        four); decrypted once per journey."""
        stored = self.part("personal").get("id_encrypted")
        read = self.__dict__.get("_id_read")
        if read is None or read[0] != stored:
            read = self._id_read = (stored, identity.read(stored))
        return read[1]

    @property
    def age(self) -> int | None:
        number = self.id_number
        return number.age(self.today) if number else None

    @property
    def category(self) -> str | None:
        return self.part("certificate").get("category")

    @property
    def guardian_reason(self):
        return guardian_reason(self.age, self.category)

    @property
    def guardian_missing(self) -> bool:
        return bool(self.relationship and self.guardian_reason
                    and self.relationship != "guardian")

    def certificate_valid(self) -> bool:
        certificate = self.part("certificate")
        if not certificate.get("has_certificate"):
            return False
        until = certificate.get("valid_until")
        return until is None or date.fromisoformat(until) >= self.today

    def certificate_last_four(self) -> str | None:
        return certificate_last_four(self.part("certificate"), self.part("personal"),
                                     self.id_number)

    def certificate_masked(self) -> str:
        """The certificate number on file as pages show it (尾号…), or ""."""
        last = self.certificate_last_four()
        return identity.masked(last) if last else ""

    def facts(self) -> dict:
        """The eligibility facts shown by the answers (age and sex from the ID number, category
        and grade from the certificate), for the pre-check."""
        facts: dict = {}
        number = self.id_number
        if number is not None:
            if 0 <= self.age <= 130:
                facts["age"] = self.age
            facts["sex"] = number.sex
        certificate = self.part("certificate")
        if "has_certificate" in certificate:
            facts["has_certificate"] = self.certificate_valid()
        if certificate.get("has_certificate"):
            facts["disability_category"] = certificate["category"]
            facts["disability_grade"] = certificate["grade"]
        if self.part("household").get("household"):
            facts["household"] = self.part("household")["household"]
        asked = {fact.name for fact in programmes.question_facts(self.programme)}
        facts.update({k: v for k, v in self.part("questions").items() if k in asked})
        return facts

    def precheck(self):
        return programmes.precheck(self.programme, self.facts(), on=self.today)

    # ── the task list ──
    def sections(self) -> list[Section]:
        return [s for s in SECTIONS if s.applies(self.programme)]

    def complete(self, key: str) -> bool:
        if key == "who":
            return self.relationship in RELATIONSHIPS and not self.guardian_missing
        if key == "personal":
            return all(self.part("personal").get(k) for k in PERSONAL_KEYS)
        if key == "certificate":
            certificate = self.part("certificate")
            if certificate.get("has_certificate"):
                return all(certificate.get(k) for k in ("id_hash", "category", "grade"))
            return "has_certificate" in certificate
        if key == "household":
            return bool(self.part("household").get("household"))
        if key == "payment":
            return all(self.part("payment").get(k) for k in PAYMENT_KEYS)
        if key == "questions":
            answered = self.part("questions")
            return all(f.name in answered for f in programmes.question_facts(self.programme))
        if key == "documents":
            return bool(self.answers.get("documents_done"))
        if key == "consent":
            return bool(self.part("consent").get("given"))
        raise KeyError(key)

    def status(self, key: str) -> str:
        if self.complete(key):
            return COMPLETED
        started = {
            "who": bool(self.relationship),
            "personal": bool(self.part("personal")),
            "documents": bool(self.uploaded),
        }.get(key, False)
        if started or self.draft.current_step == key:
            return IN_PROGRESS
        return NOT_STARTED

    def ready(self) -> bool:
        return not self.problems()

    def check_status(self) -> str:
        return NOT_STARTED if self.ready() else CANNOT_START

    def next_section(self) -> Section | None:
        return next((s for s in self.sections() if not self.complete(s.key)), None)

    def problems(self) -> list[tuple[str, str]]:
        """[(section key, what to do)] – everything that stops the application being sent."""
        found = []
        if self.guardian_missing:
            found.append(("who", str(self.guardian_reason)))
        for section in self.sections():
            if not self.complete(section.key) and not (section.key == "who" and found):
                found.append((section.key, _("请完成“%(section)s”。", section=section.title)))
        certificate = self.part("certificate")
        personal_hash = self.part("personal").get("id_hash")
        if certificate.get("id_hash") and personal_hash and certificate["id_hash"] != personal_hash:
            found.append(("certificate", _("残疾人证号的前18位应与申请对象的身份证号码相同，"
                                           "请修改“残疾人证”。")))
        return found

    # ── documents ──
    def required_documents(self):
        return programmes.documents(self.programme, self.relationship)

    def uploaded_by_kind(self) -> dict[str, list]:
        grouped: dict[str, list] = {}
        for document in self.uploaded:
            grouped.setdefault(document.kind, []).append(document)
        return grouped

    def documents_not_uploaded(self) -> list:
        have = self.uploaded_by_kind()
        return [d for d in programmes.to_upload(self.programme, self.relationship)
                if d.kind not in have]

    # ── check answers ──
    def summary(self) -> list[tuple[Section, list[tuple[str, str]]]]:
        """[(section, [(question, answer)])] for the check-answers page."""
        return [(section, getattr(self, f"_rows_{section.key}")())
                for section in self.sections() if section.key != "documents"]

    def _rows_who(self):
        return [(_("您和申请对象的关系"), str(RELATIONSHIP_LABELS.get(self.relationship, "")))]

    def _rows_personal(self):
        p = self.part("personal")
        street = street_by_code(p.get("street") or "")
        language = i18n.current_language().code
        return [
            (_("姓名"), p.get("full_name", "")),
            (_("身份证号码"), identity.masked(self.id_number) if self.id_number else ""),
            (_("年龄"), identity.age_text(self.id_number, self.today) if self.id_number else ""),
            (_("性别"), fact_value("sex", self.id_number.sex)
             if self.id_number else ""),
            (_("手机号码"), p.get("phone", "")),
            (_("居住地址"), p.get("address", "")),
            (_("户籍所在的街道（镇）"), street.name(language) if street else ""),
        ]

    def _rows_certificate(self):
        c = self.part("certificate")
        if not c.get("has_certificate"):
            return [(_("有残疾人证吗"), _("没有") if "has_certificate" in c else "")]
        until = c.get("valid_until")
        return [
            (_("有残疾人证吗"), _("有")),
            (_("残疾人证号"), self.certificate_masked()),
            (_("残疾类别"), fact_value("disability_category", c.get("category"))),
            (_("残疾等级"), fact_value("disability_grade", c.get("grade"))),
            (_("有效期至"), dates.date_text(date.fromisoformat(until)) if until
             else _("未填写")),
        ]

    def _rows_household(self):
        value = self.part("household").get("household")
        return [(_("家庭情况"), fact_value("household", value) if value else "")]

    def _rows_payment(self):
        p = self.part("payment")
        return [
            (_("卡的种类"), str(PAYMENT_METHODS.get(p.get("method"), ""))),
            (_("开户银行"), p.get("bank_name", "")),
            (_("持卡人姓名"), p.get("account_holder", "")),
            (_("卡号"), mask_card(crypto.decrypt(p["card_number"])) if p.get("card_number")
             else ""),
        ]

    def _rows_questions(self):
        answered = self.part("questions")
        return [(localized(f.label),
                 fact_value(f.name, answered[f.name]) if f.name in answered
                 else "")
                for f in programmes.question_facts(self.programme)]

    def _rows_consent(self):
        consent = self.part("consent")
        return [(_("敏感个人信息处理"), _("已同意") if consent.get("given") else "")]
