"""Issue 15: the staff case page's rules check is as of the day the application was submitted –
the conditions in force that day – so a decision can be re-explained by the rules it was made
under, not today's."""
from datetime import datetime, timezone

import pytest

from portal.extensions import db as _db
from tests.support.staff import make_application
from tests.support.accounts import make_account, sign_in

# Grade 3 multiple disability, needing care: before the plan period (2021) the nursing
# allowance was for grades 1 and 2 only (the condition's first version); since then it may
# cover grade 3 and 4 intellectual or mental disabilities, and a certificate saying "multiple"
# is checked by the federation (maybe).
ANSWERS = {
    "certificate": {"has_certificate": True, "category": "multiple", "grade": 3,
                    "valid_until": "2035-01-01"},
    "household": {"household": "none"},
    "questions": {"hukou": "huyi", "needs_long_term_care": True, "work_injury_nursing": False},
}


@pytest.fixture()
def staff(db):
    return {"resident": make_account("resident"),
            "street": make_account("street_officer", street="ganting", name="赵刚")}


def rules_part(client, application):
    html = client.get(f"/staff/applications/{application.reference}").get_data(as_text=True)
    return html.split("政策规则核对")[1].split("办理记录")[0]


def test_the_rules_check_is_as_of_the_submission_day(client, staff):
    first_day = make_application(staff["resident"], answers=ANSWERS)
    # 00:30 on 1 January 2021 in Xi'an is still 31 December 2020 in UTC.
    first_day.submitted_at = datetime(2020, 12, 31, 16, 30, tzinfo=timezone.utc)
    day_before = make_application(staff["resident"], answers=ANSWERS)
    day_before.submitted_at = datetime(2020, 12, 31, 15, 30, tzinfo=timezone.utc)  # 23:30 in Xi'an
    _db.session.commit()
    sign_in(client, staff["street"])
    on_new_rules = rules_part(client, first_day)
    assert "按提交日期（2021年1月1日）的规则" in on_new_rules
    assert "可能符合" in on_new_rules and "三级、四级智力、精神残疾人" in on_new_rules
    on_old_rules = rules_part(client, day_before)
    assert "按提交日期（2020年12月31日）的规则，规则判断：不符合条件。" in on_old_rules
    assert "护理补贴发给一级、二级残疾人。家庭困难的" in on_old_rules   # the old version's words
