"""The browser suite's fixtures: a live portal with demo data, headless Chromium, axe-core.

Nothing here skips: without Chromium, its driver, axe-core or Java the suite fails and says
what to install (`make browser-deps` does it).
"""
from __future__ import annotations

import os
import shutil
import tempfile
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(os.environ.get("A11Y_RESULTS", ROOT / "a11y_results"))
AXE_JS = ROOT / "node_modules/axe-core/axe.min.js"
AXE_LOCALE = ROOT / "node_modules/axe-core/locales/zh_CN.json"
VNU_JAR = ROOT / "node_modules/vnu-jar/build/dist/vnu.jar"


def _require(condition: bool, what: str) -> None:
    if not condition:
        pytest.fail(f"{what} – run `make browser-deps` (the browser suite never skips)",
                    pytrace=False)


PAGES = RESULTS / "pages"   # every page version as the browser built it, for the whole-run checks
_RECORDER: dict = {}        # this session's a11y_tests/run_record.Recorder (not in workers)


def pytest_configure(config):
    """Start from an empty results folder – once per run, in the process that runs the workers
    (pytest-xdist), and not when only the whole-run checks run (they read the pages). That
    process also records every test's outcome for the report (a11y_tests/run_record.py)."""
    if hasattr(config, "workerinput"):
        return
    from a11y_tests.run_record import KEPT_PREVIOUS, Recorder, previous_summary

    _RECORDER["current"] = config.a11y_recorder = Recorder(config)   # outcomes, for the report
    if config.option.markexpr.strip() == "whole_run":
        return
    previous = previous_summary(RESULTS)
    if RESULTS.exists():
        shutil.rmtree(RESULTS)
    if previous:
        RESULTS.mkdir(parents=True)
        (RESULTS / KEPT_PREVIOUS).write_bytes(previous)


def pytest_collection_modifyitems(items):
    from a11y_tests.run_record import label_item

    for item in items:
        label_item(item)


def pytest_runtest_logreport(report):
    """(In the process that started the run: pytest-xdist sends the workers' reports here.)"""
    recorder = _RECORDER.get("current")
    if recorder is not None:
        recorder.add(report)


def pytest_sessionfinish(session):
    """The report (a11y_results/index.html) from whatever this session and the ones before it
    in the same run left in the results folder (a11y_tests/report.py)."""
    recorder = getattr(session.config, "a11y_recorder", None)
    if recorder is None or not recorder.tests:
        return
    from a11y_tests.run_record import finish

    try:
        session.config.a11y_report_lines = finish(recorder, RESULTS)
    except Exception as error:  # noqa: BLE001 – said at the end; the run fails
        import traceback

        session.config.a11y_report_lines = [f"the report could not be built: {error!r}",
                                            traceback.format_exc()]
        session.exitstatus = session.exitstatus or 1


@pytest.fixture(scope="session")
def results_dir() -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    return RESULTS


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """The portal on a free local port, on its own SQLite file, seeded with the demo data."""
    from flask_migrate import upgrade

    from portal import create_app
    from portal.cli import demo_content as demo

    folder = tmp_path_factory.mktemp("live")
    app = create_app({
        "ENV_NAME": "testing",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'live.sqlite3'}",
        "UPLOAD_FOLDER": str(folder / "uploads"),
    })
    with app.app_context():
        upgrade()
        demo.seed()
        _second_factor_accounts()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    # 统一身份认证: the stand-in provider on this same server (visits/identity.py)
    app.config["UNIFIED_ID_ISSUER"] = f"http://127.0.0.1:{server.server_port}/dev-identity"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.app = app
    yield server
    server.shutdown()


def _second_factor_accounts() -> None:
    """Two more street officers for the second sign-in step's pages (visits/staff.py): one who
    has yet to set up a second factor, one who chose SMS codes."""
    from a11y_tests.visits.staff import NOT_ENROLLED, SMS_USER
    from portal.accounts.models import Account
    from portal.accounts.passwords import hash_password
    from portal.cli.demo_content import DEMO_PASSWORD
    from portal.extensions import db

    for phone, name, method in ((NOT_ENROLLED, "吴新", None), (SMS_USER, "郑短信", "sms")):
        db.session.add(Account(phone=phone, password_hash=hash_password(DEMO_PASSWORD),
                               display_name=name, role="street_officer", street="ganting",
                               second_factor=method))
    db.session.commit()


@pytest.fixture(scope="session")
def base_url(live_server) -> str:
    return f"http://127.0.0.1:{live_server.server_port}"


@pytest.fixture(scope="session")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_path = shutil.which("chromedriver")
    _require(chromium is not None, "Chromium is not installed")
    _require(driver_path is not None, "chromedriver is not installed")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    profile = tempfile.mkdtemp(prefix="a11y-chromium-")
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-extensions",
                 "--window-size=1280,900", f"--user-data-dir={profile}",
                 "--force-device-scale-factor=1", "--lang=zh-CN"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(60)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="session")
def browser_state(browser, base_url):
    """The one browser's sign-in state, shared by every module (so none is fooled about who
    is signed in after another module)."""
    from a11y_tests.browser_session import BrowserState

    return BrowserState(browser, base_url)


@pytest.fixture(scope="session")
def axe_script() -> str:
    _require(AXE_JS.exists(), f"axe-core is missing ({AXE_JS})")
    locale = AXE_LOCALE.read_text(encoding="utf-8")
    return AXE_JS.read_text(encoding="utf-8") + f"\n;axe.configure({{locale: {locale}}});"



def pytest_terminal_summary(terminalreporter):
    """Say how much the suite checked (the accessibility statement quotes these numbers)."""
    reports = [r for group in terminalreporter.stats.values() for r in group
               if getattr(r, "nodeid", "").startswith("a11y_tests/")]
    if reports:
        from a11y_tests.coverage import summary

        terminalreporter.write_sep("-", "accessibility checks run")
        terminalreporter.write_line(summary())
    for line in getattr(terminalreporter.config, "a11y_report_lines", []):
        terminalreporter.write_line(line)
