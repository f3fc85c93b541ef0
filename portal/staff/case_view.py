"""How the staff case page shows an application: its answers by section (labelled, masked),
two possibly duplicate applications side by side, and what each decision recorded.

What is shown comes from the domain (portal.applications: casefile, duplicates, decisions);
this module only words it, in the page's language, for staff.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from portal import dates
from portal.applications import answers as stored
from portal.applications import decisions, duplicates
from portal.applications.answers import Questions
from portal.applications.answers import SectionKey as K
from portal.applications.models import Application, DuplicateFlag
from portal.apply.forms import DeclarationForm
from portal.labels import (
    PAYMENT_METHODS,
    fact_label,
    fact_value,
    relationship_label,
    section_title,
    street_name,
    word_list,
)
from portal.people import crypto, identity, phone_numbers
from portal.status.display import decision_rows as resident_decision_rows
from portal.status.display import typed_text
from portal.web.i18n import zh_text
from portal.web.templating import spoken_mask

# ── the answers ───────────────────────────────────────────────────────────────────────────

# The sections of the answers are shown in the order they are stored
# (portal.applications.answers.RECORDS), after the relationship (the journey's "who" section);
# each named as the journey names it (portal.labels.SECTIONS).
# Labels that differ by section: the declaration's "given" is the declaration the applicant
# ticked on the check-answers page (the form's own label, portal.apply.forms.DeclarationForm).
SECTION_FIELD_LABELS = {K.DECLARATION: {"at": _l("声明时间")}}
FIELD_LABELS = {
    K.RELATIONSHIP: _l("与申请对象的关系"),
    "full_name": _l("姓名"), "id_encrypted": _l("身份证号码（已隐去部分）"),
    "phone": _l("联系电话"), "address": _l("住址"), "street": _l("街道、镇"),
    "has_certificate": _l("有残疾人证"),
    "category": _l("残疾类别"), "grade": _l("残疾等级"), "valid_until": _l("有效期至"),
    "household": _l("家庭情况"), "method": _l("发放方式"), "bank_name": _l("开户银行"),
    "account_holder": _l("户名"), "card_number": _l("卡号"),
    "given": _l("已同意"), "at": _l("同意时间"),
}
FIELD_FACTS = {"category": "disability_category", "grade": "disability_grade",
               "household": "household"}
# Never shown: look-up hashes, the card's last four (shown as the card number), the encrypted
# ID number – except in its own section, as its last four (MASKED; the full one only by
# reveal_id_number). The journey's flag (documents_done) and the draft the application came
# from (draft_id) are the portal's own bookkeeping: typed fields of no section, never listed.
HIDDEN = {"id_hash", "id_encrypted", "card_hash", "card_last4"}
MASKED = {"id_encrypted"}


@dataclass(frozen=True)
class AnswerSection:
    title: str
    rows: list[tuple[str, str]]


def answer_sections(application: Application) -> list[AnswerSection]:
    """Every answer, in sections, labelled; look-up hashes left out, card numbers masked."""
    answers = stored.read(application)
    sections = []
    if answers.relationship is not None:
        sections.append(AnswerSection(section_title(K.WHO), [
            (str(FIELD_LABELS[K.RELATIONSHIP]), relationship_label(answers.relationship))]))
    for key in answers.present():
        value = answers.section(key)
        if isinstance(value, Questions):
            rows = [(fact_label(name), answer_text(v, name)) for name, v in value.values.items()]
        else:
            rows = [(field_label(key, k), field_text(k, v)) for k, v in value.to_json().items()
                    if k not in HIDDEN or k in MASKED]
        sections.append(AnswerSection(section_title(key), rows))
    other = [(fact_label(name), answer_text(value, name)) for name, value in answers.extra.items()
             if name not in HIDDEN]
    if other:
        sections.append(AnswerSection(_("其他内容"), other))
    return sections


def field_label(section: str, key: str) -> str:
    """A field's label: the section's own, the common one, the eligibility fact's – never
    the key (an unknown one is "other information")."""
    if section == K.DECLARATION and key == "given":
        return str(DeclarationForm.declaration.args[0])
    label = SECTION_FIELD_LABELS.get(section, {}).get(key) or FIELD_LABELS.get(key)
    return str(label) if label else fact_label(key)


def field_text(key: str, value) -> str:
    if value is None or value == "":
        return _("（未填写）")
    if key == "id_encrypted":  # only the last four, like everywhere (identity.masked)
        return identity.masked(identity.read(value))
    if key == "card_number":  # stored encrypted; only the last four digits are shown
        digits = str(crypto.decrypt(value)).replace(" ", "")
        return _("尾号%(last)s", last=digits[-4:])
    if key == "street":
        return street_name(value)
    if key == "method":
        return str(PAYMENT_METHODS.get(value, value))
    if key == "valid_until":
        try:
            return dates.date_text(date.fromisoformat(value))
        except (TypeError, ValueError):
            return str(value)
    if key == "at":
        try:
            return dates.date_time_text(datetime.fromisoformat(value))
        except (TypeError, ValueError):
            return str(value)
    return answer_text(value, FIELD_FACTS.get(key))


def answer_text(value, fact_name: str | None) -> str:
    if value is True:
        return _("是")
    if value is False:
        return _("否")
    if value is None or value == "":
        return _("（未填写）")
    if fact_name:
        return fact_value(fact_name, value)
    if isinstance(value, list):
        return word_list(answer_text(v, None) for v in value)
    if isinstance(value, dict):
        return "；".join(f"{field_label('', k)}：{field_text(k, v)}" for k, v in value.items()
                        if k not in HIDDEN)
    return str(value)


# ── two applications side by side ─────────────────────────────────────────────────────────

@dataclass(frozen=True)
class Row:
    key: str
    label: str
    older: str | Markup   # as a page shows it (masks with their spoken form, names marked)
    newer: str | Markup
    differs: bool


def _shown(application: Application, section: K, key: str) -> str | Markup:
    """The value as the case page shows it (card and ID numbers as their last four), masks
    with their spoken form and Chinese marked as such on a page in another language."""
    
    text = field_text(key, duplicates.answer(application, section, key))
    shown = spoken_mask(text)
    return shown if isinstance(shown, Markup) else zh_text(shown)


def _filer(application: Application) -> Markup:
    """Who filed, as a page shows it: the name marked as Chinese on an English page and the
    masked phone with its spoken form (not "star star star" to a screen reader)."""
    account = application.applicant
    name = account.display_name if account is not None else ""
    phone = spoken_mask(phone_numbers.mask(account.phone)) if account is not None else ""
    who = (Markup(_("%(name)s（手机%(phone)s）")) % {"name": zh_text(name), "phone": phone}
           if name else phone)
    return Markup(_("%(who)s，%(relationship)s")) % {
        "who": who, "relationship": relationship_label(application.relationship_to_person)}


def compare(flag: DuplicateFlag) -> list[Row]:
    """The older and the newer application side by side; `differs` marks what differs."""
    older, newer = flag.other, flag.application
    rows = []
    filer_differs = older.applicant_account_id != newer.applicant_account_id
    rows.append(Row("filed_by", _("提交人"), _filer(older), _filer(newer), filer_differs))
    for section, key in duplicates.COMPARED:
        rows.append(Row(f"{section}.{key}", str(FIELD_LABELS.get(key, key)),
                        _shown(older, section, key), _shown(newer, section, key),
                        duplicates.differs(older, newer, section, key)))
    return rows


def merged_differences(details: dict) -> list[tuple[str, str]]:
    """For the older case: the details the merged (newer) application gave differently, as the
    case page shows them – read from that application, which stays as it was."""
    flag = duplicates.merged_flag(details)
    if flag is None:
        return []
    wanted = set(details.get("differences") or ())
    return [(row.label, row.newer) for row in compare(flag) if row.key in wanted]


# ── what a decision recorded ──────────────────────────────────────────────────────────────

def decision_rows(details: dict | None) -> list[tuple[str, str]]:
    """(label, value) rows of everything a decision recorded, in the page's language: what the
    resident sees (portal.status.display.decision_rows) and the staff's own details – the
    street check's visit, a duplicate's settling, what a merged application gave differently."""
    if not details:
        return []
    kind = details.get("kind")
    if kind == "approval":
        return resident_decision_rows(details)
    if kind == "street_check":
        try:
            day = format_date(date.fromisoformat(details.get("checked_on")), "long")
        except (TypeError, ValueError):
            day = str(details.get("checked_on"))
        method = decisions.STREET_CHECK_METHODS.get(details.get("method"), details.get("method"))
        return [(_("核查日期"), day), (_("核查方式"), str(method)),
                (_("核查人"), typed_text(details.get("checked_by"))),
                (_("核查情况"), typed_text(details.get("findings")))]
    if kind == "duplicate":
        what = _("已并入申请%(ref)s") if details.get("resolution") == "merged" else \
            _("作为申请%(ref)s的重复申请不予批准")
        return [(_("重复申请的处理"), what % {"ref": details.get("other")})]
    if kind == "merged_in":
        rows = [(_("重复申请的处理"), _("申请%(ref)s已并入这份申请", ref=details.get("from")))]
        differences = merged_differences(details)
        if differences:
            rows += [(_("%(label)s（申请%(ref)s填写的）", label=label, ref=details.get("from")),
                      value) for label, value in differences]
        else:
            rows.append((_("不同的内容"), _("没有")))
        return rows
    return []
