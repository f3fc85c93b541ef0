"""Finding 6: the staff search put full ID numbers into GET URLs (and so into every server,
proxy and browser-history log). The search is sent by POST; the pages after it carry the search
sealed (portal/staff/search_token.py), never the text."""
from __future__ import annotations

import html as html_lib
import re

import pytest

from portal.staff import search_token
from tests.conftest import csrf_token
from tests.support.staff import make_application, make_person
from tests.support.accounts import make_account, sign_in


@pytest.fixture()
def staff(db):
    return {"resident": make_account("resident"),
            "street": make_account("street_officer", street="ganting", name="赵刚"),
            "district": make_account("district_reviewer", name="陈静")}


def _urls(page: str) -> list[str]:
    return [html_lib.unescape(url) for url in
            re.findall(r'\s(?:href|action|formaction|src)="([^"]*)"', page)]


def _search(client, text: str, **filters):
    token = csrf_token(client, "/staff/queue")
    return client.post("/staff/queue", data={"csrf_token": token, "view": "all", "q": text,
                                             **filters})


def test_searching_by_id_number_puts_it_in_no_url(client, staff):
    person, id_number = make_person(name="欧阳秀英")
    for i in range(26):   # more than a page, so that there are paging links too
        make_application(staff["resident"], person=person if i == 0 else None,
                         name="欧阳秀英" if i == 0 else f"他人{i:02d}")
    sign_in(client, staff["district"])
    response = _search(client, id_number)
    assert response.status_code == 303
    location = response.headers["Location"]
    assert id_number not in location and id_number[-4:] not in location
    assert id_number.lower() not in location
    page = client.get(location)
    text = page.get_data(as_text=True)
    assert "欧阳秀英" in text and "按身份证号码查找" in text
    assert "他人01" not in text            # the search applied
    urls = _urls(text)
    assert any("export.csv" in url for url in urls)
    for url in urls:
        assert id_number not in url and id_number[:6] + id_number[6:14] not in url, url
    # the export link carries the same sealed search
    export = next(url for url in urls if "export.csv" in url)
    csv_text = client.get(export).get_data(as_text=True)
    assert "欧阳秀英" in csv_text and "他人01" not in csv_text


def test_a_search_by_name_pages_on_with_the_search_sealed(client, staff):
    for i in range(27):
        make_application(staff["resident"], name=f"翻页{i:02d}")
    make_application(staff["resident"], name="别人")
    sign_in(client, staff["street"])
    first = client.get(_search(client, "翻页").headers["Location"]).get_data(as_text=True)
    link = html_lib.unescape(re.search(r'href="([^"]+)" rel="next"', first).group(1))
    assert "翻页" not in link and "%E7%BF%BB" not in link.upper() and "s=" in link
    second = client.get(link).get_data(as_text=True)
    assert "翻页" in second and "别人" not in second


def test_a_search_text_in_the_url_is_ignored(client, staff):
    person, id_number = make_person(name="欧阳秀英")
    make_application(staff["resident"], person=person)
    make_application(staff["resident"], name="别人")
    sign_in(client, staff["district"])
    text = client.get("/staff/queue", query_string={"view": "all", "q": id_number}) \
        .get_data(as_text=True)
    assert "按身份证号码查找" not in text and "别人" in text


def test_a_sealed_search_expires_and_belongs_to_one_account(app, client, staff, monkeypatch):
    make_application(staff["resident"], name="欧阳秀英")
    sign_in(client, staff["district"])
    location = _search(client, "欧阳").headers["Location"]
    assert "欧阳秀英" in client.get(location).get_data(as_text=True)
    # another officer with the same link sees no search, and is told
    sign_in(client, staff["street"])
    text = client.get(location).get_data(as_text=True)
    assert "这次搜索的结果已经过期" in text and "按姓名开头查找" not in text
    # and the searcher, a working day later
    sign_in(client, staff["district"])
    monkeypatch.setitem(app.config, "SEARCH_TOKEN_HOURS", -1)   # made over an hour "ago"
    text = client.get(location).get_data(as_text=True)
    assert "这次搜索的结果已经过期" in text


def test_the_search_form_needs_its_csrf_token(client, staff):
    sign_in(client, staff["district"])
    response = client.post("/staff/queue", data={"view": "all", "q": "欧阳"})
    assert response.status_code == 400


def test_a_token_is_opaque(app, staff):
    with app.test_request_context():
        token = search_token.seal(staff["district"].id, "610118195103140024")
        assert "6101" not in token and "0024" not in token
        assert search_token.open_token(staff["district"].id, token) == "610118195103140024"
        with pytest.raises(search_token.Expired):
            search_token.open_token(staff["district"].id, token[:-4] + "AAAA")
