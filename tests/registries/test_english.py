"""The registries' pages in English: the rules' reasons in English, the Chinese names marked."""
from __future__ import annotations

from tests.registries.test_discovery import A, lead_of, registry  # noqa: F401 (the fixture)
from tests.support.accounts import make_account, sign_in


def test_a_lead_in_english(english_client, registry):  # noqa: F811
    sign_in(english_client, make_account("street_officer", street="ganting"))
    html = english_client.get(f"/staff/discovery/{lead_of(A).id}").get_data(as_text=True)
    assert "Programmes and why the person is listed" in html
    assert "Not known yet: " in html and "Still to find out: " in html
    assert 'lang="zh-Hans"' in html            # the masked Chinese name, marked
    assert "Send the invitation text" in html
