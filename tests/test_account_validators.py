"""Mobile numbers, password rules and code formats at their edges."""
import pytest

from portal.accounts import password_policy
from portal.accounts.one_time_codes import normalise as normalise_code
from portal.people import phone_numbers


@pytest.mark.parametrize("typed", [
    "13912345678", "139 1234 5678", "139-1234-5678", "+86 139 1234 5678", "+8613912345678",
    "0086 139 1234 5678", "86 13912345678", " 13912345678 ", "１３９１２３４５６７８",
    "139—1234—5678", "(139) 1234 5678",
])
def test_phone_numbers_are_normalised(typed):
    assert phone_numbers.normalise(typed) == "13912345678"


@pytest.mark.parametrize("first_two", ["13", "14", "15", "16", "17", "18", "19"])
def test_every_mobile_prefix_from_13_to_19_is_accepted(first_two):
    assert phone_numbers.normalise(first_two + "912345678") == first_two + "912345678"


@pytest.mark.parametrize("typed, reason", [
    ("", "empty"), ("   ", "empty"), (None, "empty"),
    ("1391234567", "length"), ("139123456789", "length"), ("+86 139 1234 567", "length"),
    ("12912345678", "prefix"), ("10912345678", "prefix"), ("23912345678", "prefix"),
    ("+1 139 1234 5678", "prefix"), ("+85213912345678", "prefix"),
    ("139l2345678", "characters"), ("139.1234.5678", "characters"), ("电话13912345678", "characters"),
    ("٣٩١٢٣٤٥٦٧٨٩", "characters"),
])
def test_wrong_phone_numbers_say_why(typed, reason):
    with pytest.raises(ValueError) as problem:
        phone_numbers.normalise(typed)
    assert str(problem.value) == reason


def test_phone_numbers_are_masked():
    assert phone_numbers.mask("13912345678") == "139****5678"


@pytest.mark.parametrize("password", [
    "chuntian-huyi-mianpi", "我家门前有两棵枣树", "Correct horse battery", "zhongnan-shan-xue-9",
    "x" * 7 + "yZ", "a" * 3 + "bcdxyz1",
])
def test_good_passwords_pass(password):
    assert password_policy.problem(password, phone="13912345678") is None


@pytest.mark.parametrize("password, reason", [
    ("", "empty"),
    ("abc1234", "too_short"), ("我家有两棵树", "too_short"),
    ("a" * 129, "too_long"),
    ("password", "common"), ("Password123", "common"), ("PASSWORD!", "common"),
    ("woaini1314", "common"), ("5201314520", "common"), ("qwertyuiop", "common"),
    ("88888888", "common"), ("iloveyou!", "common"), ("zhangwei123", "common"),
    ("13912345678", "own_phone"), ("li13912345678", "own_phone"), ("12345678", "common"),
    ("mei-12345678", "own_phone"), ("87654321931", "own_phone"),
    ("15800001111", "date_or_phone"), ("02988889999", "date_or_phone"),
    ("19510314", "date_or_phone"), ("14031951", "date_or_phone"), ("1951-03-14", "date_or_phone"),
    ("510314510314", "date_or_phone"),
    ("aaaaaaaaaa", "repeated_or_run"), ("abababab", "repeated_or_run"),
    ("abcabcabc", "repeated_or_run"), ("abcdefghij", "repeated_or_run"),
    ("hgfedcba", "repeated_or_run"), ("3456789012", "repeated_or_run"), ("asdfghjk", "repeated_or_run"),
])
def test_weak_passwords_are_refused_with_a_reason(password, reason):
    assert password_policy.problem(password, phone="13912345678") == reason


def test_length_edges():
    assert password_policy.problem("kx7-mqpr", phone=None) is None          # 8 characters
    assert password_policy.problem("kx7-mqp", phone=None) == "too_short"    # 7
    assert password_policy.problem("k" + "x7mq" * 31 + "abc", phone=None) is None  # 128
    assert password_policy.problem("k" + "x7mq" * 32, phone=None) == "too_long"     # 129


def test_common_list_is_a_few_thousand_lower_case_passwords():
    common = password_policy.common_passwords()
    assert 3000 <= len(common) <= 20000
    assert all(p == p.lower() and len(p) >= 8 for p in common)
    assert {"password", "woaini1314", "qwerty123", "huyi1234"} <= common


@pytest.mark.parametrize("password, reason", [
    ("Gan-Ting-2026", None), ("gan ting street 7", None), ("GANTING-STREET-7", None),
    ("ganting-rd7", "staff_too_short"), ("gantingstreetroad", "staff_not_mixed"),
    ("gantingstreet77", "staff_not_mixed"), ("Password1234!", "common"),
])
def test_staff_passwords_are_stricter(password, reason):
    assert password_policy.problem(password, staff=True) == reason


def test_resident_rules_accept_what_staff_rules_refuse():
    assert password_policy.problem("ganting-rd7") is None
    assert password_policy.problem("ganting-rd7", staff=True) == "staff_too_short"


@pytest.mark.parametrize("typed, expected", [
    ("123456", "123456"), (" 123 456 ", "123456"), ("１２３４５６", "123456"), ("", ""),
])
def test_codes_are_normalised(typed, expected):
    assert normalise_code(typed) == expected


def test_form_messages_exist_for_every_reason():
    from portal.account.validators import PASSWORD_MESSAGES, PHONE_MESSAGES

    assert set(PASSWORD_MESSAGES) == set(password_policy.REASONS)
    assert set(PHONE_MESSAGES) == {"empty", "characters", "length", "prefix"}
