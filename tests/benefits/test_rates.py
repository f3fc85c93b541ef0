"""Rates as dated data in the programme files: read, checked, in force by month; 择高."""
from __future__ import annotations

import copy
from datetime import date

import pytest

from portal.benefits import rates
from portal.eligibility import ProgrammeFileError, programme, validate_programme_file
from tests.benefits.helpers import file_data
from tests.eligibility.test_eligibility_schema import write


def test_the_two_allowances_pay_monthly_by_band_with_the_shaanxi_baseline_marked_weak():
    assert rates.rate_in_force("living_allowance", "under_18", date(2018, 6, 9)).amount_fen \
        == 10000
    assert rates.rate_in_force("living_allowance", "from_18", date(2018, 6, 1)).amount_fen \
        == 6000
    grade_1 = rates.rate_in_force("nursing_allowance", "grade_1", date(2019, 1, 31))
    assert (grade_1.amount_fen, grade_1.confidence) == (12000, "weak")
    assert rates.rate_in_force("nursing_allowance", "grade_2", date(2016, 1, 1)).amount_fen \
        == 8000
    # The current local amount is not known: the file says so, and who has the final word.
    now = rates.rate_in_force("nursing_allowance", "grade_1", date(2026, 7, 1))
    assert now.amount_fen is None and now.confidence == "unknown"
    assert "以区民政局/区残联最新公布为准" in now.note
    # Monthly cash only: a one-off grant has no rates, a free service none either.
    assert rates.pays_monthly("living_allowance") and rates.pays_monthly("nursing_allowance")
    assert not rates.pays_monthly("education_aid") and not rates.pays_monthly("rehab_services")
    assert programme("education_aid").rates is None


def test_the_approved_amount_is_paid_where_the_files_rate_is_not_known():
    assert rates.month_amount_fen("nursing_allowance", "grade_1", date(2026, 3, 1), 15000) \
        == 15000
    assert rates.month_amount_fen("nursing_allowance", "grade_1", date(2020, 3, 1), 15000) \
        == 12000
    # A band without rates in the file (the extension to grades 3 and 4): the approval's.
    assert rates.month_amount_fen("nursing_allowance", "grade_3_4_extension",
                                  date(2026, 3, 1), 9000) == 9000


def _band(data, band_id):
    return next(b for b in data["rates"]["bands"] if b["id"] == band_id)


MALFORMED = {
    "a float for money": (lambda d: _band(d, "grade_1")["values"][0].update(amount=120.5),
                          "rates.bands[0].values[0].amount"),
    "three decimal places": (lambda d: _band(d, "grade_1")["values"][0].update(amount="1.005"),
                             "rates.bands[0].values[0].amount"),
    "not the first of a month": (
        lambda d: _band(d, "grade_1")["values"][0].update({"from": date(2016, 1, 15)}),
        "rates.bands[0].values[0].from"),
    "out of order": (
        lambda d: _band(d, "grade_1")["values"][1].update({"from": date(2015, 1, 1)}),
        "rates.bands[0].values[1].from"),
    "a band that no amount shows": (lambda d: _band(d, "grade_1").update(id="grade_9"),
                                    "rates.bands[0].id"),
    "disagrees with the amounts": (
        lambda d: _band(d, "grade_1")["values"][0].update(amount=125),
        "rates.bands[0].values[0].amount"),
    "unknown without the note": (lambda d: _band(d, "grade_1")["values"][1].pop("note"),
                                 "rates.bands[0].values[1].note"),
    "no source": (lambda d: _band(d, "grade_1")["values"][0].pop("source"),
                  "rates.bands[0].values[0].source"),
    "a confidence not in the list": (
        lambda d: _band(d, "grade_1")["values"][0].update(confidence="sure"),
        "rates.bands[0].values[0].confidence"),
    "an unknown field": (lambda d: _band(d, "grade_1").update(rate=1), "rates.bands[0]"),
    "similar to itself": (lambda d: d["rates"].update(higher_of=["nursing_allowance"]),
                          "rates.higher_of"),
    "rates without payment into an account": (lambda d: d.update(pays_into_account=False),
                                              "rates"),
}


@pytest.mark.parametrize("case", MALFORMED, ids=list(MALFORMED))
def test_a_malformed_rate_is_refused_naming_the_field(tmp_path, case):
    change, field = MALFORMED[case]
    data = copy.deepcopy(file_data())
    change(data)
    with pytest.raises(ProgrammeFileError) as error:
        validate_programme_file(write(tmp_path, data))
    assert error.value.field == field, str(error.value)


def test_a_quoted_decimal_amount_is_read_exactly_in_fen(tmp_path):
    data = copy.deepcopy(file_data())
    for entry in data["amounts"]:
        if entry["id"] == "grade_2":
            entry["values"].append({"from": date(2026, 7, 1), "value": 82.5,
                                    "source": {"zh": "测试", "en": "Test"},
                                    "confidence": "confirmed"})
    _band(data, "grade_2")["values"].append({"from": date(2026, 7, 1), "amount": "82.50",
                                             "source": {"zh": "测试", "en": "Test"},
                                             "confidence": "confirmed"})
    found = validate_programme_file(write(tmp_path, data))
    assert found.rates.band("grade_2").on(date(2026, 9, 3)).amount_fen == 8250
    assert found.rates.band("grade_2").on(date(2026, 6, 30)).amount_fen is None


def test_the_higher_of_two_similar_allowances_is_taken_and_the_two_allowances_are_not_similar():
    kept, set_aside = rates.higher_taken([rates.Claim("a", 8000), rates.Claim("b", 12000)])
    assert kept == rates.Claim("b", 12000) and set_aside == [rates.Claim("a", 8000)]
    # 国发〔2015〕52号: the living and the nursing allowance may be held together.
    assert not rates.similar("living_allowance", "nursing_allowance")
