"""The accessibility statement shows the figures of the last complete run of this suite
(portal/data/accessibility_run.yaml, written by the run itself at its end: a11y_tests/
run_record.py). They must still be true of the suite as it is now: it may have grown since the
run, never shrunk below what the statement says; the languages and display modes match exactly.
Until a complete run has written them, the statement says that it has none."""
from a11y_tests.coverage import counts
from portal.public import statement

# The statement's figure → the suite's count it may not exceed (a11y_tests/coverage.py).
AT_MOST = {"pages": "pages", "page_versions": "axe_runs", "keyboard_journeys":
           "keyboard_journeys", "focus_pages": "focus_pages", "layout_pages": "layout_pages"}


def test_statement_numbers_are_still_true(live_server):
    run, actual = statement.load_run(), counts()
    html = live_server.app.test_client().get("/accessibility").get_data(as_text=True)
    if run is None:
        assert "还没有完整检查的记录。" in html
        return
    assert f"<tr><th scope=\"row\">检查的页面</th><td>{run.pages}</td></tr>" in html
    assert (run.modes, run.languages) == (actual["modes"], actual["languages"])
    more = {name: (getattr(run, name), actual[count]) for name, count in AT_MOST.items()
            if getattr(run, name) > actual[count]}
    assert not more, f"the statement says more was checked than the suite now checks: {more}"
