"""A page sent after the session ended is not lost (issues #14, #16 – WCAG 2.2.1).

What was sent is kept server-side (encrypted, tied to the account and the draft, never in a
URL), put back into the form after the same account signs in again, and the pages say only
what is true about it."""
import re
import time

from sqlalchemy import select

from portal.account import session as sessions
from portal.applications.models import KeptAnswers
from tests.support.apply import MOTHER_ID, PNG, personal, start_for_other, token
from tests.support.accounts import APPLICANT, make_account, sign_in


def _age_session(client, seconds):
    with client.session_transaction() as session:
        session[sessions.SEEN] = time.time() - seconds


def _expire(app, client):
    _age_session(client, app.config["SESSION_IDLE_MINUTES"] * 60 + 1)


def _typed(draft_id):
    path, data = personal(draft_id, full_name="王秀英", address="鄠邑区甘亭街道东街社区18号")
    return path, data


def _sent_after_the_time_out(app, client):
    """Sign in, type the personal-details page, let the session end, send the page: the
    draft, the page's path and the answer to the sending."""
    sign_in(client, make_account(**APPLICANT))
    draft_id = start_for_other(client)
    path, data = _typed(draft_id)
    csrf = token(client, path)
    _expire(app, client)
    return draft_id, path, client.post(path, data={**data, "csrf_token": csrf})


def test_answers_sent_after_the_time_out_come_back_after_signing_in_again(app, client, db):
    draft_id, path, response = _sent_after_the_time_out(app, client)
    assert response.status_code == 303
    assert response.location.startswith("/account/timed-out?next=")
    # Nothing of it in the address, and kept encrypted.
    assert "18号" not in response.location and MOTHER_ID not in response.location
    row = db.session.scalar(select(KeptAnswers))
    assert row.draft_id == draft_id and row.reason == "timed_out"
    assert MOTHER_ID not in row.answers_encrypted and "18号" not in row.answers_encrypted
    # The time-out page tells the truth: kept, not saved; sign in with the same account.
    html = client.get(response.location).get_data(as_text=True)
    assert "您填写的内容已保存" not in html
    assert "您刚才发送的这一页的内容还没有保存，我们已为您保留24小时" in html
    # The draft itself did not change.
    from portal.applications.models import Draft
    assert "personal" not in (db.session.get(Draft, draft_id).answers or {})

    sign_in(client, make_account(**APPLICANT))
    html = client.get(path).get_data(as_text=True)
    assert 'value="鄠邑区甘亭街道东街社区18号"' in html
    assert f'value="{MOTHER_ID}"' in html
    assert "已经放回表格中，但还没有保存" in html
    assert db.session.scalar(select(KeptAnswers)) is None          # put back once, then gone
    html = client.get(path).get_data(as_text=True)
    assert "鄠邑区甘亭街道东街社区18号" not in html


def test_another_account_signing_in_on_that_browser_gets_nothing(app, client, db):
    _draft, path, _response = _sent_after_the_time_out(app, client)
    sign_in(client, make_account(phone="13922223333", name="陌生人"))
    # The stranger cannot open the draft, and nothing of the answers shows anywhere.
    assert client.get(path).status_code == 404
    other = start_for_other(client)
    html = client.get(f"/apply/drafts/{other}/personal").get_data(as_text=True)
    assert "18号" not in html and MOTHER_ID not in html
    assert db.session.scalar(select(KeptAnswers)) is not None      # still the owner's


def test_a_forged_post_without_the_token_keeps_nothing(app, client, db):
    sign_in(client, make_account(**APPLICANT))
    draft_id = start_for_other(client)
    path, data = _typed(draft_id)
    _expire(app, client)
    response = client.post(path, data=data)          # no CSRF token: another site's form
    assert response.status_code == 400
    assert db.session.scalar(select(KeptAnswers)) is None


def test_kept_answers_expire(app, client, db):
    _draft, path, _response = _sent_after_the_time_out(app, client)
    from datetime import timedelta
    row = db.session.scalar(select(KeptAnswers))
    row.expires_at = row.created_at - timedelta(seconds=1)
    db.session.commit()
    sign_in(client, make_account(**APPLICANT))
    html = client.get(path).get_data(as_text=True)
    assert "18号" not in html
    assert db.session.scalar(select(KeptAnswers)) is None


def test_a_file_sent_after_the_time_out_is_not_claimed_as_kept(app, client, db):
    sign_in(client, make_account(**APPLICANT))
    draft_id = start_for_other(client)
    page = f"/apply/drafts/{draft_id}/documents"
    html = client.get(page).get_data(as_text=True)
    kind = re.search(r'name="([a-z_0-9-]+)-file"', html).group(1)
    csrf = token(client, page)
    _expire(app, client)
    import io
    response = client.post(f"{page}?kind={kind}", data={
        "csrf_token": csrf, f"{kind}-file": (io.BytesIO(PNG), "身份证.png")},
        content_type="multipart/form-data")
    html = client.get(response.location).get_data(as_text=True)
    assert "您选择的文件没有上传，登录后请重新选择。" in html


def test_a_time_out_while_reading_says_what_is_true(app, client, db):
    sign_in(client, make_account(**APPLICANT))
    _expire(app, client)
    response = client.get("/account/")
    html = client.get(response.location).get_data(as_text=True)
    assert "您填写的内容已保存" not in html
    assert "退出时页面上还没有发送的内容没有保存" in html


def test_signed_in_form_pages_say_when_the_session_ends_without_javascript(app, client, db):
    # The page counts from the last request the session saw, rounded down to the second: any
    # minute between signing in and the page's answer (a busy CI machine can cross a minute).
    before = time.time()
    sign_in(client, make_account(**APPLICANT))
    draft_id = start_for_other(client)
    html = client.get(f"/apply/drafts/{draft_id}/personal").get_data(as_text=True)
    after = time.time()
    from datetime import datetime, timedelta, timezone
    idle = app.config["SESSION_IDLE_MINUTES"] * 60
    ends = {datetime.fromtimestamp(moment + idle, timezone(timedelta(hours=8))).strftime("%H:%M")
            for moment in (before - 1, before, after, after + 1)}
    text = re.sub(r"<[^>]+>", "", html)
    assert any(f"本页将在{at}后因长时间未操作退出，请在此之前保存。" in text for at in ends)
    assert re.search(r'<time class="session-ends__time" data-session-ends>\d\d:\d\d</time>', html)
    # The absolute limit, when it comes first, is named instead.
    with client.session_transaction() as session:
        hours = app.config["SESSION_ABSOLUTE_HOURS"]
        session[sessions.SIGNED_IN] = time.time() - hours * 3600 + 600
    html = client.get(f"/apply/drafts/{draft_id}/personal").get_data(as_text=True)
    text = re.sub(r"<[^>]+>", "", html)
    assert "本次登录将在" in text and "到时退出，请在此之前保存。" in text
    # Not on pages for people who are not signed in.
    client.get("/_test/sign-out")
    assert "session-ends" not in client.get("/account/sign-in").get_data(as_text=True)


def test_the_warning_dialog_does_not_claim_unsent_answers_are_saved(client, db):
    sign_in(client, make_account(**APPLICANT))
    html = client.get("/help").get_data(as_text=True)
    assert 'role="alertdialog"' in html
    assert "您填写的内容已保存" not in html
    assert "本页上还没有保存的内容不会自动保存" in html


def test_the_migration_adds_and_removes_the_table(app, db):
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import inspect

    db.session.close()
    downgrade(revision="0012_person_links")
    try:
        assert "kept_answers" not in inspect(db.engine).get_table_names()
    finally:
        upgrade()
    assert "kept_answers" in inspect(db.engine).get_table_names()


# ── changing a display setting on a form page (issue #14) ─────────────────────────────────

def test_the_settings_bar_on_a_form_page_sends_that_form_along(client, db):
    sign_in(client, make_account(**APPLICANT))
    draft_id = start_for_other(client)
    html = client.get(f"/apply/drafts/{draft_id}/personal").get_data(as_text=True)
    assert '<form id="page-form" method="post"' in html
    bar = html[html.index('class="preferences-bar"'):html.index("</section>")]
    buttons = re.findall(r"<button [^>]*>", bar)
    assert buttons and all('form="page-form"' in b and "formaction=" in b for b in buttons)


def _change_setting_while_typing(client, path, data, setting=("size", "large")):
    csrf = token(client, path)
    return client.post(f"/preferences?next={path}&bar=1",
                       data={**data, setting[0]: setting[1], "csrf_token": csrf})


def test_changing_a_setting_mid_form_keeps_what_was_typed(client, db):
    sign_in(client, make_account(**APPLICANT))
    draft_id = start_for_other(client)
    path, data = _typed(draft_id)
    response = _change_setting_while_typing(client, path, data)
    assert response.status_code == 303
    assert response.location == f"{path}#bar-size-large"       # back to the pressed button
    assert "size-large" in client.get("/help").get_data(as_text=True)  # the setting took
    html = client.get(path).get_data(as_text=True)
    assert 'value="鄠邑区甘亭街道东街社区18号"' in html and f'value="{MOTHER_ID}"' in html
    assert "已经放回表格中" not in html          # no time-out message for a setting change
    from portal.applications.models import Draft
    assert "personal" not in (db.session.get(Draft, draft_id).answers or {})   # not saved


def test_answers_kept_for_a_setting_change_stay_with_that_browser(app, client, db):
    path = "/status/lookup"
    response = _change_setting_while_typing(client, path, {"reference": "HY-TEST-1"},
                                            ("elder", "on"))
    assert response.status_code == 303
    with app.test_client() as other:           # another browser, same page: nothing
        assert "HY-TEST-1" not in other.get(path).get_data(as_text=True)
    assert "HY-TEST-1" in client.get(path).get_data(as_text=True)


def test_reset_from_the_bar_keeps_what_was_typed_too(client, db):
    sign_in(client, make_account(**APPLICANT))
    draft_id = start_for_other(client)
    path, data = _typed(draft_id)
    _change_setting_while_typing(client, path, {}, ("elder", "on"))
    csrf = token(client, path)
    response = client.post(f"/preferences/reset?next={path}&bar=1",
                           data={**data, "csrf_token": csrf})
    assert response.status_code == 303 and response.location.startswith(path)
    assert 'value="鄠邑区甘亭街道东街社区18号"' in client.get(path).get_data(as_text=True)


def test_answers_sealed_with_a_retired_key_are_dropped_not_a_500(app, client, db):
    _draft, path, _response = _sent_after_the_time_out(app, client)
    row = db.session.scalar(select(KeptAnswers))
    row.answers_encrypted = "enc:" + "x" * 100       # not readable with any listed key
    db.session.commit()
    sign_in(client, make_account(**APPLICANT))
    response = client.get(path)
    assert response.status_code == 200 and "18号" not in response.get_data(as_text=True)
    assert db.session.scalar(select(KeptAnswers)) is None


def test_a_change_of_circumstances_sent_after_the_time_out_comes_back_too(app, client, db):
    """Not only an application's pages: every resident form page (here a change's page)."""
    from datetime import datetime, timezone

    from tests.benefits.helpers import paying

    resident = make_account("resident")
    recipient = paying(resident, make_account("civil_affairs"),
                       submitted=datetime(2026, 3, 10, tzinfo=timezone.utc))
    path = f"/status/applications/{recipient.application.reference}/changes/new/work"
    sign_in(client, resident)
    csrf = token(client, path)
    _expire(app, client)
    response = client.post(path, data={"csrf_token": csrf, "work_from": "2026-04-15"})
    assert response.location.startswith("/account/timed-out?next=")
    assert "2026-04-15" not in response.location
    row = db.session.scalar(select(KeptAnswers))
    assert row.path == path and row.draft_id is None and "2026-04-15" not in row.answers_encrypted
    sign_in(client, make_account("resident"))          # someone else on that browser: nothing
    assert client.get(path).status_code == 404
    sign_in(client, resident)
    assert 'value="2026-04-15"' in client.get(path).get_data(as_text=True)
