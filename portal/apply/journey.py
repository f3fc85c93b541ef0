"""The application journey over one draft: its sections (the task list), what is complete,
the eligibility facts the answers show, what still stands in the way of submitting, and the
rows of the check-answers page. Reads the draft; never writes (applications/filing.py does).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Callable

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal import dates
from portal.applications import answers as stored
from portal.applications.answers import Answers, Certificate, Personal
from portal.applications.answers import SectionKey as K
from portal.applications.models import RELATIONSHIPS
from portal.apply import programmes
from portal.apply.relationships import guardian_reason
from portal.content.streets import by_code as street_by_code
from portal.labels import PAYMENT_METHODS, fact_value, section_title
from portal.labels import RELATIONSHIPS as RELATIONSHIP_LABELS
from portal.people import crypto, identity
from portal.people.identity import age_on  # noqa: F401 – where the journey's callers look for it
from portal.web import i18n
from portal.web.i18n import localized
from portal.web.validators import CERTIFICATE_CATEGORIES, mask_card

NOT_STARTED, IN_PROGRESS, COMPLETED, CANNOT_START = (
    "not_started", "in_progress", "completed", "cannot_start")
STATUS_LABELS = {
    NOT_STARTED: _l("未开始"),
    IN_PROGRESS: _l("进行中"),
    COMPLETED: _l("已完成"),
    CANNOT_START: _l("暂不能开始"),
}


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
    Section(K.WHO, "apply.relationship"),
    Section(K.PERSONAL, "apply.personal"),
    Section(K.CERTIFICATE, "apply.certificate"),
    Section(K.HOUSEHOLD, "apply.household"),
    Section(K.PAYMENT, "apply.payment", programmes.pays_money),
    Section(K.QUESTIONS, "apply.questions",
            lambda programme: bool(programmes.question_facts(programme))),
    Section(K.DOCUMENTS, "apply.documents_page"),
    Section(K.CONSENT, "apply.consent"),
)
BY_KEY = {section.key: section for section in SECTIONS}




def certificate_last_four(certificate: Certificate, personal: Personal,
                          number: identity.IdNumber | None) -> str | None:
    """The last four characters of the certificate number on file (ID digits 17-18, then the
    category and grade digits), read from the person's ID number – the number is not kept.
    None when none is on file or its ID part is not the person's (it is asked for again)."""
    if not certificate.id_hash or number is None or certificate.id_hash != personal.id_hash:
        return None
    digit = {v: k for k, v in CERTIFICATE_CATEGORIES.items()}.get(certificate.category)
    if digit is None or not certificate.grade:
        return None
    return (number.value + digit + str(certificate.grade))[-4:]


def id_facts(number: identity.IdNumber | None, today: date) -> dict:
    """The eligibility facts an ID number shows on `today`: age (when plausible) and sex –
    the one reading of them, for the journey's answers and the person's record alike."""
    if number is None:
        return {}
    age = number.age(today)
    return {**({"age": age} if 0 <= age <= 130 else {}), "sex": number.sex}


class Journey:
    """One draft seen as a journey. `uploaded`: the draft's documents (Document rows).
    `Journey.of_application` reads a submitted application's answers the same way."""

    def __init__(self, draft, uploaded=(), today: date | None = None):
        self.draft = draft
        self.programme = draft.programme
        self.answers: Answers = stored.read(draft)
        self.current_step = draft.current_step
        self.uploaded = list(uploaded)
        self.today = today or date.today()

    @classmethod
    def of_application(cls, application, today: date | None = None) -> Journey:
        """The answers an application was submitted with, read as its journey read them
        (staff's rules check uses the facts the applicant's pre-check used)."""
        journey = cls.__new__(cls)
        journey.draft, journey.current_step, journey.uploaded = None, None, []
        journey.programme = application.programme
        journey.answers = stored.read(application)
        journey.today = today or date.today()
        return journey

    # ── what the answers say ──
    @property
    def personal(self) -> Personal:
        return self.answers.personal

    @property
    def certificate(self) -> Certificate:
        return self.answers.certificate

    @property
    def relationship(self) -> str | None:
        return self.answers.relationship

    @property
    def for_self(self) -> bool:
        return self.relationship == "self"

    @property
    def person_name(self) -> str | None:
        return self.personal.full_name

    @property
    def id_number(self) -> identity.IdNumber | None:
        """The person's ID number, read from its encrypted form (birth date, age, sex, last
        four); decrypted once per journey."""
        encrypted = self.personal.id_encrypted
        read = self.__dict__.get("_id_read")
        if read is None or read[0] != encrypted:
            read = self._id_read = (encrypted, identity.read(encrypted))
        return read[1]

    @property
    def age(self) -> int | None:
        number = self.id_number
        return number.age(self.today) if number else None

    @property
    def category(self) -> str | None:
        return self.certificate.category

    @property
    def guardian_reason(self):
        return guardian_reason(self.age, self.category)

    @property
    def guardian_missing(self) -> bool:
        return bool(self.relationship and self.guardian_reason
                    and self.relationship != "guardian")

    def certificate_valid(self) -> bool:
        return self.certificate.valid_on(self.today)

    def certificate_last_four(self) -> str | None:
        return certificate_last_four(self.certificate, self.personal, self.id_number)

    def certificate_masked(self) -> str:
        """The certificate number on file as pages show it (尾号…), or ""."""
        last = self.certificate_last_four()
        return identity.masked(last) if last else ""

    def facts(self) -> dict:
        """The eligibility facts shown by the answers (age and sex from the ID number, category
        and grade from the certificate), for the pre-check."""
        facts = id_facts(self.id_number, self.today)
        certificate = self.certificate
        if certificate.answered:
            facts["has_certificate"] = self.certificate_valid()
        if certificate.has_certificate:
            facts["disability_category"] = certificate.category
            facts["disability_grade"] = certificate.grade
        if self.answers.household.household:
            facts["household"] = self.answers.household.household
        asked = {fact.name for fact in programmes.question_facts(self.programme)}
        facts.update({k: v for k, v in self.answers.questions.values.items() if k in asked})
        return facts

    def precheck(self):
        return programmes.precheck(self.programme, self.facts(), on=self.today)

    # ── the task list ──
    def sections(self) -> list[Section]:
        return [s for s in SECTIONS if s.applies(self.programme)]

    def complete(self, key: str) -> bool:
        if key == K.WHO:
            return self.relationship in RELATIONSHIPS and not self.guardian_missing
        if key in (K.PERSONAL, K.CERTIFICATE, K.PAYMENT):
            return self.answers.section(key).complete()
        if key == K.HOUSEHOLD:
            return bool(self.answers.household.household)
        if key == K.QUESTIONS:
            answered = self.answers.questions.values
            return all(f.name in answered for f in programmes.question_facts(self.programme))
        if key == K.DOCUMENTS:
            return self.answers.documents_done
        if key == K.CONSENT:
            return bool(self.answers.consent.given)
        raise KeyError(key)

    def status(self, key: str) -> str:
        if self.complete(key):
            return COMPLETED
        started = {
            K.WHO: bool(self.relationship),
            K.PERSONAL: bool(self.personal),
            K.DOCUMENTS: bool(self.uploaded),
        }.get(key, False)
        if started or self.current_step == key:
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
            found.append((K.WHO, str(self.guardian_reason)))
        for section in self.sections():
            if not self.complete(section.key) and not (section.key == K.WHO and found):
                found.append((section.key, _("请完成“%(section)s”。", section=section.title)))
        certificate_hash, personal_hash = self.certificate.id_hash, self.personal.id_hash
        if certificate_hash and personal_hash and certificate_hash != personal_hash:
            found.append((K.CERTIFICATE, _("残疾人证号的前18位应与申请对象的身份证号码相同，"
                                           "请修改“残疾人证”。")))
        return found

    # ── documents ──
    def required_documents(self):
        """The programme's documents; those the registries stand in for (免提交: the person's
        certificate or household confirmed, portal.registries.checks) say so instead of
        asking for an upload, and a document of two papers asks for the other one only."""
        from dataclasses import replace

        from portal.registries import checks

        listed = programmes.documents(self.programme, self.relationship)
        notes = checks.waived(self.answers, self.today) if any(
            d.kind in checks.WAIVABLE or d.kind in checks.PARTLY_WAIVED for d in listed) else {}
        return [replace(d, waived=True, guidance=notes[d.kind])
                if d.kind in checks.WAIVABLE and d.kind in notes
                else replace(d, guidance=notes[d.kind]) if d.kind in notes else d
                for d in listed]

    def uploaded_by_kind(self) -> dict[str, list]:
        grouped: dict[str, list] = {}
        for document in self.uploaded:
            grouped.setdefault(document.kind, []).append(document)
        return grouped

    def documents_not_uploaded(self) -> list:
        have = self.uploaded_by_kind()
        return [d for d in self.required_documents() if d.to_upload and d.kind not in have]

    # ── check answers ──
    def summary(self) -> list[tuple[Section, list[tuple[str, str]]]]:
        """[(section, [(question, answer)])] for the check-answers page."""
        return [(section, getattr(self, f"_rows_{section.key}")())
                for section in self.sections() if section.key != K.DOCUMENTS]

    def _rows_who(self):
        return [(_("您和申请对象的关系"), str(RELATIONSHIP_LABELS.get(self.relationship, "")))]

    def _rows_personal(self):
        p = self.personal
        street = street_by_code(p.street or "")
        language = i18n.current_language().code
        return [
            (_("姓名"), p.full_name or ""),
            (_("身份证号码"), identity.masked(self.id_number) if self.id_number else ""),
            (_("年龄"), identity.age_text(self.id_number, self.today) if self.id_number else ""),
            (_("性别"), fact_value("sex", self.id_number.sex)
             if self.id_number else ""),
            (_("手机号码"), p.phone or ""),
            (_("居住地址"), p.address or ""),
            (_("户籍所在的街道（镇）"), street.name(language) if street else ""),
        ]

    def _rows_certificate(self):
        c = self.certificate
        if not c.has_certificate:
            return [(_("有残疾人证吗"), _("没有") if c.answered else "")]
        until = c.valid_until
        return [
            (_("有残疾人证吗"), _("有")),
            (_("残疾人证号"), self.certificate_masked()),
            (_("残疾类别"), fact_value("disability_category", c.category)),
            (_("残疾等级"), fact_value("disability_grade", c.grade)),
            (_("有效期至"), dates.date_text(date.fromisoformat(until)) if until
             else _("未填写")),
        ]

    def _rows_household(self):
        value = self.answers.household.household
        return [(_("家庭情况"), fact_value("household", value) if value else "")]

    def _rows_payment(self):
        p = self.answers.payment
        return [
            (_("卡的种类"), str(PAYMENT_METHODS.get(p.method, ""))),
            (_("开户银行"), p.bank_name or ""),
            (_("持卡人姓名"), p.account_holder or ""),
            (_("卡号"), mask_card(crypto.decrypt(p.card_number)) if p.card_number else ""),
        ]

    def _rows_questions(self):
        answered = self.answers.questions.values
        return [(localized(f.label),
                 fact_value(f.name, answered[f.name]) if f.name in answered
                 else "")
                for f in programmes.question_facts(self.programme)]

    def _rows_consent(self):
        return [(_("敏感个人信息处理"), _("已同意") if self.answers.consent.given else "")]
