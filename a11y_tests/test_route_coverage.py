"""Every GET route the app registers is visited by the browser suite or excluded with a reason."""
from a11y_tests.registry import all_excluded, all_visits


def test_every_get_route_is_visited_or_excluded(live_server):
    app = live_server.app
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if "GET" in rule.methods}
    visited = {visit.endpoint for visit in all_visits()}
    excluded = all_excluded()
    for endpoint, reason in excluded.items():
        assert reason.strip(), f"{endpoint} is excluded without a reason"
    missing = sorted(endpoints - visited - set(excluded))
    assert not missing, f"GET routes neither visited nor excluded: {missing}"
    stale = sorted((visited | set(excluded)) - endpoints)
    assert not stale, f"visits or exclusions for routes that no longer exist: {stale}"


def test_exclusions_are_few():
    # 17: the staff export became two file downloads (CSV and .xlsx), neither a page.
    # 19: the payment roll in the bank's form, the same two kinds of download.
    # 20: the sign-language video a resident attached to a question (a file, served to staff).
    # 25: the unified identity sign-in's two redirects (to the provider and back) and the
    # stand-in provider's JSON for the client (discovery, keys) and its redirect – no pages.
    # 31: /healthz, /readyz and /metrics – plain text and JSON for machines, no pages; the
    # supporting document of a person's request about their data (a file, to staff); the
    # person's own data as a JSON file (portal/my_data), beside its page; the photographed
    # paper consent form a street officer opens (a file, audited).
    assert len(all_excluded()) <= 31
