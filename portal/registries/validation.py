"""Each registry row checked, and turned into a typed row or the reasons it is refused.

A row is refused for: an ID number that is not one (length, characters, birth date, check
character – portal.people.identity.parse_id_number), no name, a street that is not one of the
district's (portal/data/streets.yaml, by code or Chinese name), an ID number already given on
an earlier row of the same file (duplicate), a category or grade that does not exist, a
validity date that cannot be read, a household kind that is none of 低保/低收入/特困, a phone
that is not a mobile number. The problems are codes; the admin's page words them (PROBLEMS).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from portal.content import streets
from portal.people import identity, phone_numbers
from portal.registries.sources import SourceRow

CATEGORIES = {  # GB/T 26341 order: 1 视力 … 7 多重
    "visual": ("1", "视力", "视力残疾"), "hearing": ("2", "听力", "听力残疾"),
    "speech": ("3", "言语", "言语残疾"), "physical": ("4", "肢体", "肢体残疾"),
    "intellectual": ("5", "智力", "智力残疾"), "mental": ("6", "精神", "精神残疾"),
    "multiple": ("7", "多重", "多重残疾"),
}
GRADES = {"1": 1, "2": 2, "3": 3, "4": 4, "一": 1, "二": 2, "三": 3, "四": 4}
HOUSEHOLD_WORDS = {
    "dibao": ("低保", "低保户", "低保家庭", "城乡低保", "dibao"),
    "low_income": ("低收入", "低收入家庭", "低保边缘", "低保边缘家庭", "low_income"),
    "tekun": ("特困", "特困供养", "特困人员", "tekun"),
}
LONG_TERM = ("长期", "永久", "long-term", "")
DATE = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?")

# The admin's report: one sentence per problem (placeholders: row, other – an earlier row).
PROBLEMS = {
    "id_number.empty": _l("第%(row)s行：没有身份证号码"),
    "id_number.length": _l("第%(row)s行：身份证号码应为18位"),
    "id_number.characters": _l("第%(row)s行：身份证号码只能是数字，最后一位可以是X"),
    "id_number.birth_date": _l("第%(row)s行：身份证号码中的出生日期不存在"),
    "id_number.check_character": _l("第%(row)s行：身份证号码的校验位不对，可能抄错了一位"),
    "id_number.duplicate": _l("第%(row)s行：与第%(other)s行是同一个身份证号码（重复的行）"),
    "name.empty": _l("第%(row)s行：没有姓名"),
    "street.unknown": _l("第%(row)s行：街道（镇）不是鄠邑区的街道、镇"),
    "category.unknown": _l("第%(row)s行：残疾类别应为视力、听力、言语、肢体、智力、精神或多重"),
    "grade.impossible": _l("第%(row)s行：残疾等级只能是一级到四级"),
    "valid_until.date": _l("第%(row)s行：有效期不是日期（应为 2030-06-30 或“长期”）"),
    "household.unknown": _l("第%(row)s行：救助类别应为低保、低收入或特困"),
    "phone.invalid": _l("第%(row)s行：联系电话不是手机号码"),
}


@dataclass(frozen=True)
class RegistryRow:
    """A good row: the ID number as given (upper-case), the name, the street's code, and the
    registry's facts."""
    line: int
    id_number: str
    name: str
    street: str | None
    phone: str | None
    address: str | None = None
    category: str | None = None
    grade: int | None = None
    valid_until: date | None = None
    household: str | None = None


@dataclass(frozen=True)
class RowProblem:
    line: int
    problem: str          # a key of PROBLEMS
    other: int | None = None

    def text(self, locale: str | None = None) -> str:
        """The sentence in the page's language, or in `locale` (a command's report)."""
        if locale is not None:
            with force_locale(locale):
                return self.text()
        return str(PROBLEMS[self.problem] % {"row": self.line, "other": self.other})


@dataclass
class Checker:
    """Checks the rows of one file in order (it remembers the ID numbers seen: duplicates)."""
    kind: str
    seen: dict[str, int] = field(default_factory=dict)

    def check(self, row: SourceRow) -> RegistryRow | list[RowProblem]:
        cells, problems = row.cells, []

        def problem(code: str, other: int | None = None) -> None:
            problems.append(RowProblem(row.line, code, other))

        number = _clean(cells.get("id_number")).upper()
        if not number:
            problem("id_number.empty")
        else:
            try:
                number = identity.parse_id_number(number).value
            except ValueError as error:
                problem(f"id_number.{error}")
            else:
                if number in self.seen:
                    problem("id_number.duplicate", self.seen[number])
                else:
                    self.seen[number] = row.line
        name = _clean(cells.get("name"))
        if not name:
            problem("name.empty")
        street = street_code(cells.get("street"))
        if street is False:
            problem("street.unknown")
        phone = None
        if _clean(cells.get("phone")):
            try:
                phone = phone_numbers.normalise(cells["phone"])
            except ValueError:
                problem("phone.invalid")
        facts: dict = {}
        if self.kind == "certificates":
            facts["category"] = category_code(cells.get("category"))
            if facts["category"] is None:
                problem("category.unknown")
            facts["grade"] = GRADES.get(_clean(cells.get("grade")).removesuffix("级"))
            if facts["grade"] is None:
                problem("grade.impossible")
            valid = parse_validity(cells.get("valid_until"))
            if valid is False:
                problem("valid_until.date")
            facts["valid_until"] = valid or None
            facts["address"] = _clean(cells.get("address"))[:200] or None
        else:
            facts["household"] = household_code(cells.get("household"))
            if facts["household"] is None:
                problem("household.unknown")
        if problems:
            return problems
        return RegistryRow(row.line, number, name[:60], street or None, phone, **facts)


def _clean(value: str | None) -> str:
    return unicodedata.normalize("NFKC", value or "").strip()


def street_code(value: str | None) -> str | None | bool:
    """The street's code; None when none is given; False when it is not one of the district's."""
    text = _clean(value)
    if not text:
        return None
    for street in streets.all_streets():
        if text in (street.code, street.zh, street.zh.removesuffix("街道"),
                    street.zh.removesuffix("镇")):
            return street.code
    return False


def category_code(value: str | None) -> str | None:
    text = _clean(value)
    for code, words in CATEGORIES.items():
        if text == code or text in words:
            return code
    return None


def household_code(value: str | None) -> str | None:
    text = _clean(value)
    for code, words in HOUSEHOLD_WORDS.items():
        if text in words:
            return code
    return None


def parse_validity(value: str | None) -> date | None | bool:
    """The last valid day; None for 长期 (no end); False when it is not a date."""
    text = _clean(value)
    if text in LONG_TERM:
        return None
    match = DATE.fullmatch(text.split("T")[0].split(" ")[0])
    if not match:
        return False
    try:
        day = date(*(int(part) for part in match.groups()))
    except ValueError:
        return False
    return day if 1990 <= day.year <= 2100 else False
