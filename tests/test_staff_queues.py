"""The staff queues: who sees what, filters, search and keyset pagination."""
from datetime import datetime, timedelta, timezone

import pytest

from portal.applications import queues
from portal.applications.queues import QueueFilter
from portal.extensions import db as _db
from tests.support.staff import make_application, make_person
from tests.support.accounts import make_account


@pytest.fixture()
def staff(db):
    return {
        "resident": make_account("resident"),
        "street": make_account("street_officer", street="ganting"),
        "yuxia": make_account("street_officer", street="yuxia"),
        "district": make_account("district_reviewer"),
        "civil": make_account("civil_affairs"),
        "admin": make_account("admin"),
        "editor": make_account("content_editor"),
    }


def refs(page):
    return [row.application.reference for row in page.rows]


def test_street_officers_see_only_their_street_district_sees_all_civil_affairs_two_subsidies(
        staff):
    ganting = make_application(staff["resident"], programme="nursing_allowance")
    yuxia = make_application(staff["resident"], programme="assistive_devices", street="yuxia",
                             name="郑春梅")
    everything = QueueFilter(view="all")
    assert refs(queues.page(staff["street"], everything)) == [ganting.reference]
    assert refs(queues.page(staff["yuxia"], everything)) == [yuxia.reference]
    assert set(refs(queues.page(staff["district"], everything))) == {ganting.reference,
                                                                     yuxia.reference}
    assert refs(queues.page(staff["civil"], everything)) == [ganting.reference]
    for outsider in ("admin", "editor", "resident"):
        assert refs(queues.page(staff[outsider], everything)) == []
    assert queues.can_see(staff["street"], ganting) and not queues.can_see(staff["street"], yuxia)
    assert not queues.can_see(staff["civil"], yuxia)


def test_a_street_officer_cannot_find_another_streets_application_by_search(staff):
    yuxia, id_number = make_person(name="郑春梅", street="yuxia")
    application = make_application(staff["resident"], street="yuxia", person=yuxia)
    for q in (application.reference, id_number, id_number[-4:], "郑"):
        assert refs(queues.page(staff["street"], QueueFilter(view="all", q=q))) == [], q
        assert refs(queues.page(staff["yuxia"], QueueFilter(view="all", q=q))) == [
            application.reference], q


def test_the_mine_view_holds_what_waits_for_each_role(staff):
    r = staff["resident"]
    submitted = make_application(r, status="submitted")
    street_checked = make_application(r, status="street_checked", name="刘桂芝")
    allowance_decision = make_application(r, programme="living_allowance",
                                          status="district_reviewed", name="陈志强")
    devices_decision = make_application(r, programme="assistive_devices",
                                        status="district_reviewed", name="马玉芳")
    make_application(r, status="needs_info", name="黄德明")
    make_application(r, status="rejected", name="周海燕")
    mine = QueueFilter()
    assert refs(queues.page(staff["street"], mine)) == [submitted.reference]
    assert set(refs(queues.page(staff["district"], mine))) == {street_checked.reference,
                                                               devices_decision.reference}
    assert refs(queues.page(staff["civil"], mine)) == [allowance_decision.reference]
    assert queues.summary(staff["district"]).waiting == 2


def test_filters_by_status_programme_and_deadline(staff):
    r = staff["resident"]
    now = datetime.now(timezone.utc)
    late = make_application(r, due_at=now - timedelta(days=3))
    soon = make_application(r, programme="living_allowance", due_at=now + timedelta(hours=2),
                            name="张建国")
    later = make_application(r, status="accepted", due_at=now + timedelta(days=40),
                             name="马玉芳")
    officer = staff["street"]
    assert refs(queues.page(officer, QueueFilter(view="all", deadline="overdue"))) == [
        late.reference]
    assert refs(queues.page(officer, QueueFilter(view="all", deadline="due_soon"))) == [
        soon.reference]
    assert refs(queues.page(officer, QueueFilter(view="accepted"))) == [later.reference]
    assert refs(queues.page(officer, QueueFilter(view="all", programme="living_allowance"))) == [
        soon.reference]
    summary = queues.summary(officer)
    assert (summary.waiting, summary.overdue) == (3, 1)


def test_search_by_reference_full_id_last_four_and_name_prefix(staff):
    person, id_number = make_person(name="欧阳秀英")
    wanted = make_application(staff["resident"], person=person)
    make_application(staff["resident"], name="王秀兰")
    officer = staff["street"]

    def found(q):
        page = queues.page(officer, QueueFilter(view="all", q=q))
        return refs(page), page.search.kind

    assert found(wanted.reference.lower().replace("-", " - ")) == ([wanted.reference],
                                                                   "reference")
    assert found(id_number) == ([wanted.reference], "id_number")
    assert found(id_number[-4:]) == ([wanted.reference], "id_last4")
    assert found("欧阳") == ([wanted.reference], "name")
    assert found("秀") == ([], "name")            # a prefix, not anywhere in the name
    assert found("%") == ([], "name")             # wildcards are taken literally
    assert found("_") == ([], "name")


def test_keyset_pagination_walks_every_row_once_in_deadline_order(staff):
    r = staff["resident"]
    now = datetime.now(timezone.utc)
    dues = [now + timedelta(days=d) for d in (5, 1, 3, 3, 3, 9, 2)] + [None, None, None]
    made = [make_application(r, due_at=due, status="rejected" if due is None else "submitted",
                             name=f"测试{i}") for i, due in enumerate(dues)]
    expected = [a.reference for a in sorted(
        made, key=lambda a: (a.due_at is None, a.due_at or now, a.id))]
    seen, after, pages = [], None, 0
    while True:
        page = queues.page(staff["street"], QueueFilter(view="all"), after=after, limit=3)
        seen += refs(page)
        pages += 1
        if page.next_cursor is None:
            break
        after = page.next_cursor
    assert seen == expected
    assert pages == 4


@pytest.mark.parametrize("cursor", ["", "nonsense", "d12-", "n-1", "d1-2-3", "x" * 500])
def test_a_cursor_that_is_not_ours_gives_the_first_page(staff, cursor):
    make_application(staff["resident"])
    assert len(queues.page(staff["street"], QueueFilter(view="all"), after=cursor).rows) == 1


def test_cursor_round_trip(staff):
    application = make_application(staff["resident"])
    _db.session.refresh(application)
    due, ident = queues.decode_cursor(queues.encode_cursor(application))
    assert ident == application.id
    stored = application.due_at if application.due_at.tzinfo else application.due_at.replace(
        tzinfo=timezone.utc)
    assert due == stored


def test_export_reads_every_row_in_batches(staff):
    for i in range(7):
        make_application(staff["resident"], name=f"导出{i}")
    rows = list(queues.every_row(staff["street"], QueueFilter(view="all"), batch=3))
    assert len(rows) == 7 and len({r.application.id for r in rows}) == 7
