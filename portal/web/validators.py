"""Checks for what residents type in an application: ID numbers, certificate numbers, bank
cards, names and dates. (Mobile numbers: portal/account/validators.py.)

Each check is a plain function `check_…(raw) -> normalised value` that raises `Invalid` with a
message written for people. The WTForms validators at the end call them and put the normalised
value back into the field, so a form only ever holds clean data.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from wtforms.validators import StopValidation

from portal import dates
from portal.people import identity


class Invalid(ValueError):
    """What someone typed cannot be used; `message` says why, in their language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


_SPACES = re.compile(r"[\s\-—–]+")


def half_width(raw: str | None) -> str:
    """Full-width digits, letters and signs (from Chinese input methods) as plain ASCII."""
    return unicodedata.normalize("NFKC", raw or "")


def compact(raw: str | None) -> str:
    """Half-width, without spaces or hyphens: what people type around long numbers."""
    return _SPACES.sub("", half_width(raw))


# ── 居民身份证号 (GB 11643-1999) ─────────────────────────────────────────────────────────

def check_id_number(raw: str | None) -> identity.IdNumber:
    value = compact(raw).upper()
    if not value:
        raise Invalid(_("请输入身份证号码。"))
    try:
        return identity.parse_id_number(value)
    except ValueError as error:
        reason = str(error)
    if reason == "length":
        raise Invalid(_("身份证号码应为18位，您输入了%(count)s位。", count=len(value)))
    if reason == "characters":
        raise Invalid(_("身份证号码只能包含数字，最后一位可以是字母X。"))
    if reason == "birth_date":
        raise Invalid(_("身份证号码的第7至14位是出生日期，这个日期不正确，请核对。"))
    raise Invalid(_("身份证号码的最后一位与前面17位对不上，可能有数字输错了。请对照身份证逐位核对。"))


# ── 残疾人证号: the ID number, the category digit, the grade digit ────────────────────────

CERTIFICATE_CATEGORIES = {
    "1": "visual", "2": "hearing", "3": "speech", "4": "physical",
    "5": "intellectual", "6": "mental", "7": "multiple",
}
CERTIFICATE_GRADES = (1, 2, 3, 4)


@dataclass(frozen=True)
class Certificate:
    number: str
    id_number: str
    category: str
    grade: int


def check_certificate_number(raw: str | None, *, id_number_hash: str | None = None,
                             category: str | None = None, grade: int | None = None,
                             labels=None) -> Certificate:
    """Check the 20-character number; cross-check it with the applicant's ID number (by its
    look-up hash) and with the category and grade chosen on the same page.

    `labels(fact, value)` gives the words for a category ("disability_category") or a grade
    ("disability_grade") in the reader's language, for the messages that explain a mismatch.
    """
    value = compact(raw).upper()
    if not value:
        raise Invalid(_("请输入残疾人证号。"))
    if len(value) != 20:
        raise Invalid(_("残疾人证号应为20位：18位身份证号码，加上表示残疾类别和等级的两位数字。"
                        "您输入了%(count)s位。", count=len(value)))
    try:
        id_number = identity.parse_id_number(value[:18])
    except ValueError:
        raise Invalid(_("残疾人证号的前18位应是持证人的身份证号码，这部分不正确，请核对。")) from None
    if id_number_hash and id_number_hash not in identity.lookup_hashes(id_number.value):
        raise Invalid(_("残疾人证号的前18位应与申请对象的身份证号码相同，但两者不一致，请核对。"))
    shown_category, shown_grade = check_certificate_digits(value[18:], category=category,
                                                           grade=grade, labels=labels)
    return Certificate(value, id_number.value, shown_category, shown_grade)


def check_certificate_digits(tail: str, *, category: str | None = None,
                             grade: int | str | None = None, labels=None) -> tuple[str, int]:
    """Cross-check the last two characters of a certificate number (category, grade) with the
    category and grade chosen; return (category, grade) as the number shows them."""
    category_digit, grade_digit = tail[-2], tail[-1]
    if category_digit not in CERTIFICATE_CATEGORIES:
        raise Invalid(_("残疾人证号的第19位表示残疾类别，应为1至7中的一个数字，请核对。"))
    if not grade_digit.isdigit() or int(grade_digit) not in CERTIFICATE_GRADES:
        raise Invalid(_("残疾人证号的第20位表示残疾等级，应为1至4中的一个数字，请核对。"))
    shown_category, shown_grade = CERTIFICATE_CATEGORIES[category_digit], int(grade_digit)
    label = labels or (lambda kind, value: str(value))
    if category and category != shown_category:
        raise Invalid(_("残疾人证号的第19位表示残疾类别，您的证号显示为%(shown)s，"
                        "但您选择了%(chosen)s。请核对。",
                        shown=label("disability_category", shown_category),
                        chosen=label("disability_category", category)))
    if grade and int(grade) != shown_grade:
        raise Invalid(_("残疾人证号的第20位表示残疾等级，您的证号显示为%(shown)s，"
                        "但您选择了%(chosen)s。请核对。",
                        shown=label("disability_grade", shown_grade),
                        chosen=label("disability_grade", int(grade))))
    return shown_category, shown_grade


# ── 银行卡号 (and the bank account number of a 社保卡) ────────────────────────────────────

def luhn_ok(digits: str) -> bool:
    total = 0
    for position, digit in enumerate(reversed(digits)):
        value = int(digit)
        if position % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def check_bank_card(raw: str | None) -> str:
    value = compact(raw)
    if not value:
        raise Invalid(_("请输入卡号。"))
    if not value.isdigit():
        raise Invalid(_("卡号只能包含数字。"))
    if not 16 <= len(value) <= 19:
        raise Invalid(_("卡号应为16至19位数字，您输入了%(count)s位。", count=len(value)))
    if not luhn_ok(value):
        raise Invalid(_("这个卡号不正确，可能有一位数字输错了，或者两位数字前后颠倒了。"
                        "请对照卡片逐位核对。"))
    return value


def mask_card(number: str) -> str:
    """6222 **** **** 1234 style: the first four and the last four digits only."""
    return number[:4] + " **** **** " + number[-4:]


# ── 姓名 (Chinese, with the middle dot of minority names) ─────────────────────────────────

MIDDLE_DOT = "·"
# What people type for the middle dot: bullet, full-width full stop, katakana and other dots.
_DOT_LOOKALIKES = str.maketrans({c: MIDDLE_DOT for c in "•．・‧﹒∙⋅"})
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
NAME_LENGTH = (2, 30)


def normalise_name(raw: str | None) -> str:
    return re.sub(r"\s+", "", (raw or "")).translate(_DOT_LOOKALIKES)


def check_name(raw: str | None) -> str:
    value = normalise_name(raw)
    if not value:
        raise Invalid(_("请输入姓名。"))
    if any(ch != MIDDLE_DOT and not _HAN.fullmatch(ch) for ch in value):
        raise Invalid(_("姓名请用汉字填写。少数民族姓名中间的圆点请用“·”，例如：买买提·艾力。"))
    if value.startswith(MIDDLE_DOT) or value.endswith(MIDDLE_DOT) or MIDDLE_DOT * 2 in value:
        raise Invalid(_("姓名中的“·”应在两个字之间，例如：买买提·艾力。"))
    low, high = NAME_LENGTH
    if not low <= len(value) <= high:
        raise Invalid(_("姓名应为%(low)s至%(high)s个字，您输入了%(count)s个。",
                        low=low, high=high, count=len(value)))
    return value


# ── 日期 ───────────────────────────────────────────────────────────────────────────────────

_DATE_FORMS = (
    re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})"),
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})[日号]?"),
    re.compile(r"(\d{4})(\d{2})(\d{2})"),
)


def check_date(raw: str | None, *, earliest: date | None = None,
               latest: date | None = None) -> date:
    value = re.sub(r"\s+", "", half_width(raw))
    if not value:
        raise Invalid(_("请输入日期，例如2030年5月1日。"))
    match = next((m for form in _DATE_FORMS if (m := form.fullmatch(value))), None)
    if match is None:
        raise Invalid(_("请按“年-月-日”填写日期，例如2030-05-01或2030年5月1日。"))
    try:
        result = date(*(int(part) for part in match.groups()))
    except ValueError:
        raise Invalid(_("这个日期不存在，请核对月份和日子（例如2月没有30日）。")) from None
    if earliest and result < earliest:
        raise Invalid(_("日期不能早于%(date)s。", date=dates.date_text(earliest)))
    if latest and result > latest:
        raise Invalid(_("日期不能晚于%(date)s。", date=dates.date_text(latest)))
    return result


# ── WTForms validators ─────────────────────────────────────────────────────────────────────

class _Check:
    """Run a check on the field's text, keep the normalised value, stop at the first problem.

    `optional=True`: an empty answer is fine (the field is then marked optional). Other keyword
    options go to the check; a callable option is called first (e.g. `latest=date.today`).
    """

    empty = ""

    def __init__(self, optional: bool = False, **options):
        self.optional = optional
        self.options = options
        self.field_flags = {} if optional else {"required": True}

    def __call__(self, form, field):
        if self.optional and not (field.data or "").strip():
            field.data = self.empty
            return
        options = {name: value() if callable(value) else value
                   for name, value in self.options.items()}
        try:
            field.data = self.store(self.check(field.data, **options))
        except Invalid as problem:
            raise StopValidation(problem.message) from None

    @staticmethod
    def check(raw, **options):
        raise NotImplementedError

    @staticmethod
    def store(value):
        return value


class IdNumberValid(_Check):
    check = staticmethod(check_id_number)

    @staticmethod
    def store(value):
        return value.value


class BankCardValid(_Check):
    check = staticmethod(check_bank_card)


class NameValid(_Check):
    check = staticmethod(check_name)


class DateValid(_Check):
    check = staticmethod(check_date)
    empty = None
