"""ID numbers, reference numbers, the status machine and safe redirects."""
import re
from datetime import date

import pytest

from portal.applications import references
from portal.applications import status_machine as sm
from portal.people import identity
from portal.web.safe_redirect import same_site_path


@pytest.mark.parametrize("number, born, sex", [
    ("11010519491231002X", date(1949, 12, 31), "female"),
    ("440524188001010014", date(1880, 1, 1), "male"),
])
def test_valid_id_numbers_from_the_standard(number, born, sex):
    parsed = identity.parse_id_number(number.lower())
    assert (parsed.birth_date, parsed.sex) == (born, sex)


def test_valid_id_number_parses(app):
    parsed = identity.parse_id_number("11010519491231002x")
    assert parsed.value == "11010519491231002X"
    assert parsed.birth_date == date(1949, 12, 31) and parsed.sex == "female"


@pytest.mark.parametrize("number, reason", [
    ("11010519491231002", "length"),
    ("1101051949123100211", "length"),
    ("11010519491231002Y", "characters"),
    ("110105194902300021", "birth_date"),
    ("110105194912310021", "check_character"),
])
def test_invalid_id_numbers_say_why(number, reason):
    with pytest.raises(ValueError, match=reason):
        identity.parse_id_number(number)


def test_masking():
    assert identity.mask("11010519491231002X") == "**************002X"  # for the audit log
    assert identity.mask_name("王秀兰") == "王*兰"
    assert identity.mask_name("李梅") == "李*"


def test_lookup_hash_is_keyed_and_stable(app):
    with app.app_context():
        first = identity.lookup_hash("11010519491231002X")
        assert first == identity.lookup_hash("11010519491231002x")
        assert "11010519491231002X" not in first and len(first) == 64
        saved, app.config["ID_HASH_KEYS"] = app.config["ID_HASH_KEYS"], "another key"
        try:
            assert identity.lookup_hash("11010519491231002X") != first
        finally:
            app.config["ID_HASH_KEYS"] = saved


def test_reference_numbers_are_random_and_readable():
    refs = {references.new_reference(date(2026, 11, 28)) for _ in range(2000)}
    # 25**6 ≈ 244 million codes: 2000 draws meet a repeat about once in 120 runs (the insert
    # retries on one), but more than a handful would mean the draws are not random.
    assert len(refs) >= 1995
    for ref in refs:
        assert re.fullmatch(r"HY-2026-[34679ACDEFGHJKMNPQRTUVWXY]{6}", ref)
    assert references.normalise(" hy－2026－7k3qx9 ") == "HY-2026-7K3QX9"


def test_status_machine_offers_only_allowed_actions():
    codes = {a.code for a in sm.allowed_actions("submitted", "street_officer")}
    assert codes == {"accept", "request_info", "reject"}
    assert sm.allowed_actions("approved", "street_officer") == []
    assert {a.code for a in sm.allowed_actions("needs_info", "applicant")} == {"resubmit",
                                                                                "withdraw"}
    assert sm.target_of("accept", "submitted") == "accepted"
    assert sm.target_of("resubmit", "needs_info", previous_status="accepted") == "accepted"
    with pytest.raises(sm.TransitionNotAllowed):
        sm.target_of("approve", "submitted")
    with pytest.raises(sm.TransitionNotAllowed):
        sm.target_of("withdraw", "approved")


def test_every_action_leads_to_a_known_status():
    for action in sm.ACTIONS.values():
        assert set(action.sources) <= set(sm.STATUSES)
        assert action.target is None or action.target in sm.STATUSES
    assert set(sm.DEFAULT_TIME_LIMITS) <= set(sm.STATUSES)


@pytest.mark.parametrize("target, expected", [
    ("/help", "/help"), ("/a?b=c", "/a?b=c"), ("//x.com", "/"), ("https://x.com", "/"),
    ("/\\x.com", "/"), (None, "/"), ("x", "/"), ("/a\nb", "/"),
])
def test_same_site_path(target, expected):
    assert same_site_path(target) == expected
