"""The checks for what residents type, each at its edges, with the words people read."""
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict
from wtforms import Form, StringField

from portal.cli.demo_content import make_id_number
from portal.people import identity
from portal.web.validators import (
    BankCardValid,
    DateValid,
    IdNumberValid,
    Invalid,
    NameValid,
    check_bank_card,
    check_certificate_digits,
    check_certificate_number,
    check_date,
    check_id_number,
    check_name,
    luhn_ok,
    mask_card,
)
from tests.support.apply import luhn_complete


def message(check, *args, **kwargs) -> str:
    with pytest.raises(Invalid) as caught:
        check(*args, **kwargs)
    return caught.value.message


# ── 身份证号 ──────────────────────────────────────────────────────────────────────────────

@pytest.mark.parametrize("number, born, sex", [
    ("11010519491231002X", date(1949, 12, 31), "female"),
    ("440524188001010014", date(1880, 1, 1), "male"),
])
def test_the_documented_examples_are_valid_and_give_birth_date_and_sex(number, born, sex):
    parsed = check_id_number(number)
    assert (parsed.value, parsed.birth_date, parsed.sex) == (number, born, sex)


def test_id_number_accepts_lower_case_x_spaces_and_full_width_digits():
    assert check_id_number("110105 1949 1231 002x").value == "11010519491231002X"
    assert check_id_number("４４０５２４１８８００１０１００１４").value == "440524188001010014"


@pytest.mark.parametrize("raw, expected", [
    ("", "请输入身份证号码。"),
    ("   ", "请输入身份证号码。"),
    ("11010519491231002", "身份证号码应为18位，您输入了17位。"),
    ("11010519491231002X1", "身份证号码应为18位，您输入了19位。"),
    ("1101051949123100XX", "身份证号码只能包含数字，最后一位可以是字母X。"),
    ("A1010519491231002X", "身份证号码只能包含数字，最后一位可以是字母X。"),
    ("110105194902300020", "身份证号码的第7至14位是出生日期，这个日期不正确，请核对。"),
    ("110105179912310020", "身份证号码的第7至14位是出生日期，这个日期不正确，请核对。"),
    ("110105194912310021", "身份证号码的最后一位与前面17位对不上，可能有数字输错了。请对照身份证逐位核对。"),
])
def test_id_number_problems_are_explained(raw, expected):
    assert message(check_id_number, raw) == expected


def test_an_id_number_born_tomorrow_is_refused():
    tomorrow = date.fromordinal(date.today().toordinal() + 1)
    assert "出生日期" in message(check_id_number, make_id_number("610118", tomorrow, 1))
    assert check_id_number(make_id_number("610118", date.today(), 1)).birth_date == date.today()


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2020, 12, 31)),
       st.integers(min_value=0, max_value=999))
def test_every_number_with_its_check_character_is_valid_and_any_other_is_not(born, sequence):
    number = make_id_number("610118", born, sequence)
    parsed = check_id_number(number)
    assert parsed.birth_date == born
    assert parsed.sex == ("male" if sequence % 2 else "female")
    for wrong in "0123456789X":
        if wrong != number[-1]:
            with pytest.raises(Invalid):
                check_id_number(number[:17] + wrong)


# ── 残疾人证号 ────────────────────────────────────────────────────────────────────────────

ID = "11010519491231002X"
LABELS = {("disability_category", "physical"): "肢体残疾",
          ("disability_category", "visual"): "视力残疾",
          ("disability_grade", 2): "二级", ("disability_grade", 1): "一级"}


def label(fact, value):
    return LABELS[(fact, value)]


def test_a_certificate_number_gives_category_and_grade():
    certificate = check_certificate_number(ID + "42")
    assert (certificate.number, certificate.id_number) == (ID + "42", ID)
    assert (certificate.category, certificate.grade) == ("physical", 2)
    assert check_certificate_number(ID.lower() + " 7 1").category == "multiple"


@pytest.mark.parametrize("digit, category", [("1", "visual"), ("2", "hearing"), ("3", "speech"),
                                             ("4", "physical"), ("5", "intellectual"),
                                             ("6", "mental"), ("7", "multiple")])
def test_every_category_digit(digit, category):
    assert check_certificate_number(ID + digit + "3").category == category


@pytest.mark.parametrize("raw, expected", [
    ("", "请输入残疾人证号。"),
    (ID + "4", "残疾人证号应为20位：18位身份证号码，加上表示残疾类别和等级的两位数字。您输入了19位。"),
    (ID + "421", "残疾人证号应为20位：18位身份证号码，加上表示残疾类别和等级的两位数字。您输入了21位。"),
    ("110105194912310021" + "42", "残疾人证号的前18位应是持证人的身份证号码，这部分不正确，请核对。"),
    (ID + "02", "残疾人证号的第19位表示残疾类别，应为1至7中的一个数字，请核对。"),
    (ID + "82", "残疾人证号的第19位表示残疾类别，应为1至7中的一个数字，请核对。"),
    (ID + "40", "残疾人证号的第20位表示残疾等级，应为1至4中的一个数字，请核对。"),
    (ID + "45", "残疾人证号的第20位表示残疾等级，应为1至4中的一个数字，请核对。"),
    (ID + "4X", "残疾人证号的第20位表示残疾等级，应为1至4中的一个数字，请核对。"),
])
def test_certificate_number_problems_are_explained(raw, expected):
    assert message(check_certificate_number, raw) == expected


def test_the_certificate_must_be_the_applicants(app):
    with app.test_request_context():
        other = identity.lookup_hash("440524188001010014")
        own = identity.lookup_hash(ID)
        assert message(check_certificate_number, ID + "42", id_number_hash=other) == \
            "残疾人证号的前18位应与申请对象的身份证号码相同，但两者不一致，请核对。"
        assert check_certificate_number(ID + "42", id_number_hash=own).grade == 2


def test_a_category_mismatch_explains_itself():
    assert message(check_certificate_number, ID + "42", category="visual", labels=label) == \
        "残疾人证号的第19位表示残疾类别，您的证号显示为肢体残疾，但您选择了视力残疾。请核对。"


def test_a_grade_mismatch_explains_itself():
    assert message(check_certificate_number, ID + "42", category="physical", grade="1",
                   labels=label) == \
        "残疾人证号的第20位表示残疾等级，您的证号显示为二级，但您选择了一级。请核对。"
    assert check_certificate_number(ID + "42", category="physical", grade=2).grade == 2


def test_a_saved_masked_number_is_cross_checked_by_its_last_two_digits():
    masked = identity.mask(ID + "42")
    assert check_certificate_digits(masked, category="physical", grade="2") == ("physical", 2)
    assert "显示为肢体残疾" in message(check_certificate_digits, masked, category="visual",
                                    labels=label)


# ── 银行卡号 ──────────────────────────────────────────────────────────────────────────────

@pytest.mark.parametrize("length", [16, 17, 18, 19])
def test_card_numbers_of_16_to_19_digits_with_a_good_check_digit(length):
    number = luhn_complete("6" + "2" * (length - 2))
    assert check_bank_card(number) == number
    assert check_bank_card(" ".join(number[i:i + 4] for i in range(0, length, 4))) == number


@pytest.mark.parametrize("length", [15, 20])
def test_card_numbers_of_other_lengths(length):
    number = luhn_complete("6" + "2" * (length - 2))
    assert message(check_bank_card, number) == f"卡号应为16至19位数字，您输入了{length}位。"


def test_card_number_problems_are_explained():
    assert message(check_bank_card, "") == "请输入卡号。"
    assert message(check_bank_card, "6222 0212 3456 789O") == "卡号只能包含数字。"
    good = luhn_complete("622202123456789")
    wrong = good[:-1] + str((int(good[-1]) + 1) % 10)
    assert message(check_bank_card, wrong).startswith("这个卡号不正确")


@given(st.text(alphabet="0123456789", min_size=15, max_size=18), st.data())
def test_luhn_catches_every_single_wrong_digit(prefix, data):
    number = luhn_complete(prefix)
    assert luhn_ok(number)
    position = data.draw(st.integers(min_value=0, max_value=len(number) - 1))
    replacement = data.draw(st.sampled_from([d for d in "0123456789" if d != number[position]]))
    assert not luhn_ok(number[:position] + replacement + number[position + 1:])


def test_masks():
    assert mask_card("6222021234567894") == "6222 **** **** 7894"


# ── 姓名 ──────────────────────────────────────────────────────────────────────────────────

@pytest.mark.parametrize("raw, expected", [
    ("王芳", "王芳"),
    (" 王 秀兰 ", "王秀兰"),
    ("买买提·艾力", "买买提·艾力"),
    ("买买提•艾力", "买买提·艾力"),
    ("买买提．艾力", "买买提·艾力"),
    ("买买提・艾力", "买买提·艾力"),
    ("阿卜杜拉·买买提·艾力", "阿卜杜拉·买买提·艾力"),
    ("𠀾明", "𠀾明"),  # a character outside the basic plane
    ("王" * 30, "王" * 30),
])
def test_names(raw, expected):
    assert check_name(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    ("", "请输入姓名。"),
    ("王", "姓名应为2至30个字，您输入了1个。"),
    ("王" * 31, "姓名应为2至30个字，您输入了31个。"),
    ("Wang Fang", "姓名请用汉字填写。少数民族姓名中间的圆点请用“·”，例如：买买提·艾力。"),
    ("王芳1", "姓名请用汉字填写。少数民族姓名中间的圆点请用“·”，例如：买买提·艾力。"),
    ("·艾力", "姓名中的“·”应在两个字之间，例如：买买提·艾力。"),
    ("艾力·", "姓名中的“·”应在两个字之间，例如：买买提·艾力。"),
    ("买买提··艾力", "姓名中的“·”应在两个字之间，例如：买买提·艾力。"),
    ("买买提•·艾力", "姓名中的“·”应在两个字之间，例如：买买提·艾力。"),
])
def test_name_problems_are_explained(raw, expected):
    assert message(check_name, raw) == expected


# ── 日期 ──────────────────────────────────────────────────────────────────────────────────

@pytest.mark.parametrize("raw", ["2030-05-01", "2030-5-1", "2030/5/1", "2030.05.01",
                                 "2030年5月1日", "2030年05月01号", "20300501", "２０３０－０５－０１",
                                 " 2030 年 5 月 1 日 "])
def test_dates_in_the_forms_people_type(raw):
    assert check_date(raw) == date(2030, 5, 1)


@pytest.mark.parametrize("raw, expected", [
    ("", "请输入日期，例如2030年5月1日。"),
    ("下个月", "请按“年-月-日”填写日期，例如2030-05-01或2030年5月1日。"),
    ("2030-05", "请按“年-月-日”填写日期，例如2030-05-01或2030年5月1日。"),
    ("30-05-01", "请按“年-月-日”填写日期，例如2030-05-01或2030年5月1日。"),
    ("2030-02-30", "这个日期不存在，请核对月份和日子（例如2月没有30日）。"),
    ("2030-13-01", "这个日期不存在，请核对月份和日子（例如2月没有30日）。"),
    ("2029-02-29", "这个日期不存在，请核对月份和日子（例如2月没有30日）。"),
])
def test_date_problems_are_explained(raw, expected):
    assert message(check_date, raw) == expected


def test_date_limits_are_inclusive(app):
    with app.test_request_context():
        limit = date(2030, 5, 1)
        assert check_date("2030-05-01", earliest=limit, latest=limit) == limit
        assert message(check_date, "2030-04-30", earliest=limit) == "日期不能早于2030年5月1日。"
        assert message(check_date, "2030-05-02", latest=limit) == "日期不能晚于2030年5月1日。"
        assert check_date("2028-02-29") == date(2028, 2, 29)


# ── as WTForms validators ─────────────────────────────────────────────────────────────────

class SampleForm(Form):
    id_number = StringField(validators=[IdNumberValid()])
    card = StringField(validators=[BankCardValid(optional=True)])
    name = StringField(validators=[NameValid()])
    until = StringField(validators=[DateValid(optional=True, latest=lambda: date(2030, 1, 1))])


def test_the_form_gets_the_normalised_values_and_one_message_per_field(app):
    with app.test_request_context():
        form = SampleForm(MultiDict({"id_number": "11010519491231002x", "card": "",
                                     "name": "买买提•艾力", "until": "2029年12月31日"}))
        assert form.validate(), form.errors
        assert form.data == {"id_number": "11010519491231002X", "card": "",
                             "name": "买买提·艾力", "until": date(2029, 12, 31)}
        assert form.id_number.flags.required and not form.card.flags.required

        form = SampleForm(MultiDict({"id_number": "", "card": "1", "name": "",
                                     "until": "2030-01-02"}))
        assert not form.validate()
        assert form.errors == {
            "id_number": ["请输入身份证号码。"],
            "card": ["卡号应为16至19位数字，您输入了1位。"],
            "name": ["请输入姓名。"],
            "until": ["日期不能晚于2030年1月1日。"],
        }
