"""The main pages run a fixed, small number of SQL statements, whatever the amount of data:
each is rendered with N and with 10 × N applications and must send the same number of
statements, at most its bound. A page that loads something per row (N+1) fails here."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from bench import pages
from bench.queue import BENCH_PHONES, QueryCounter, seed
from portal.accounts.models import Account
from portal.applications.models import Application
from portal.extensions import db

N = 6

# page -> (path, who is signed in, the most statements it may send). The bounds are what the
# pages send today; a new statement on one of them should be a decision, not an accident.
PAGES = {
    "home": ("/", None, 0),
    "service guide": (pages.GUIDE, None, 1),                      # its sign-language video
    "self-check results": ("results", None, 0),
    "my applications": ("/status/", "resident", 3),
    # +2: the services the person may rate that are no status event – changes of
    # circumstances decided and yearly reviews done (portal.ratings.service_events), one each.
    "one application's status": ("status", "resident", 9),
    # +1 for the staff queue and the application view: the people the officer may not decide
    # about (conflicts of interest, one statement). The view besides: +2, its audit row is
    # chained (the chain's lock and its head); +1, the person's other active applications for
    # the programme; +1, the accounts linked to the person (counter staff confirm and end
    # links there). +1 on both: the possible second claims (portal.applications.duplicates) – on
    # the queue, which rows carry an open flag; on the view, the flags on the case. The view
    # +1: the declared facts compared with the registries at submission (portal.registries).
    "staff queue": (pages.QUEUE + "?view=all", "street_officer", 6),
    "staff application view": ("staff", "street_officer", 16),
}


def _path(kind: str) -> str:
    if kind == "results":
        return pages.results_link()
    if kind == "status":   # the bench resident's first application (others filed the rest)
        resident = select(Account.id).where(Account.phone == BENCH_PHONES["resident"])
        own = db.session.scalar(select(Application.reference).where(
            Application.applicant_account_id == resident.scalar_subquery())
            .order_by(Application.id))
        return f"/status/applications/{own}/"
    first = db.session.scalar(select(Application.reference).order_by(Application.id))
    if kind == "staff":
        return f"/staff/applications/{first}"
    return kind


def _statements(client, path: str, who: str | None) -> int:
    client.get("/_test/sign-out")
    if who:
        client.get(f"/_test/sign-in/{BENCH_PHONES[who]}")
    assert client.get(path).status_code == 200  # warm: caches filled, as on a busy server
    # Each request in production starts with an empty database session; here the tests hold
    # one open, and whether it still has the account depends on when Python's garbage
    # collector last ran – which any change of code moves. Start from what production has.
    db.session.expire_all()
    with QueryCounter(db.engine) as counter:
        response = client.get(path)
    assert response.status_code == 200, path
    return counter.count


def _officer_on_the_first_applications_street() -> None:
    """The bench officer works in the street of the first application, so that the staff view
    can open it and the queue lists rows whatever streets the seed chose."""
    officer = db.session.scalar(select(Account).where(
        Account.phone == BENCH_PHONES["street_officer"]))
    officer.street = db.session.scalar(select(Application.street).order_by(Application.id))
    db.session.commit()


@pytest.mark.parametrize("name", PAGES)
def test_a_page_sends_as_many_statements_with_ten_times_the_data(client, name):
    path_kind, who, bound = PAGES[name]
    seed(N)
    _officer_on_the_first_applications_street()
    path = _path(path_kind)
    few = _statements(client, path, who)
    seed(10 * N)
    many = _statements(client, path, who)
    assert few == many, f"{name}: {few} statements with {N} applications, {many} with {10 * N}"
    assert many <= bound, f"{name}: {many} statements (bound {bound})"
