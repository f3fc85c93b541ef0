"""What a person typed on a form page is not lost when the page cannot take it.

- **Session ended.** A resident sends a form page (of their application, a change of
  circumstances, a yearly review, a question…) after their session has timed out: the session
  code (portal/account/session.py) calls `keep_timed_out` before signing them out. The answers
  are stored encrypted, tied to the account and the page (and, on an application's page, to
  its draft – which must be theirs), never in a URL or cookie, for KEPT_ANSWERS_HOURS. After
  the same account signs in again and opens that page, they are put back into the form
  (`restore`); another account signing in on the same browser gets nothing. The page then
  says so, and that they still need to save it.
  Files chosen on that page cannot be kept (the browser sends them, but an upload is only
  stored through its checks, by a signed-in person): the page says to choose them again.
- **Display setting changed.** On a form page the settings bar's buttons send the page's form
  along (portal/preferences/routes.py, `keep_for_settings`); its answers come back when the
  page shows in the new setting. Tied to a random value in that browser's session (and to the
  account when signed in).

Only the form's fields are kept, never passwords or codes (SECRET_FIELDS) nor the CSRF token.
A CSRF-checked request is the only way in: Flask-WTF's CSRFProtect checks every POST before
the session code runs, so another site cannot plant answers in someone's form.

`restore` runs only when the session carries the KEPT flag (set when a row was stored for this
browser, or at sign-in when the account has one), so other requests cost nothing.
"""
from __future__ import annotations

import hashlib
import json
import secrets
from datetime import timedelta

from flask import current_app, g, request, session
from sqlalchemy import delete, or_, select
from werkzeug.datastructures import MultiDict

from portal.applications.models import KeptAnswers
from portal.database.columns import aware, utcnow
from portal.extensions import db
from portal.people import crypto

KEPT = "_kept_answers"          # session flag: there may be answers to put back
HOLDER = "_kept_holder"         # session: the random value that ties "settings" rows to it
NOTICE = "_kept_notice"         # session: what the time-out page may truthfully say
SECRET_FIELDS = {"csrf_token", "password", "password_again", "current_password", "code",
                 "recovery_code", "confirm_password"}


def _hours() -> float:
    return float(current_app.config["KEPT_ANSWERS_HOURS"])


def _answers(skip: set[str] = frozenset()) -> MultiDict:
    return MultiDict([(name, value) for name, value in request.form.items(multi=True)
                      if name not in SECRET_FIELDS and name not in skip
                      and "password" not in name and isinstance(value, str)])


def _files_sent() -> bool:
    return any(getattr(upload, "filename", "") for upload in request.files.values())


def _store(answers: MultiDict, *, reason: str, path: str, account_id: int | None,
           draft_id: int | None = None, holder: str | None = None,
           hours: float | None = None) -> KeptAnswers:
    now = utcnow()
    # One row per page and owner: the newest answers replace older ones.
    db.session.execute(delete(KeptAnswers).where(
        KeptAnswers.path == path, KeptAnswers.account_id.is_(None) if account_id is None
        else KeptAnswers.account_id == account_id,
        KeptAnswers.holder_hash == _hash(holder) if holder else KeptAnswers.holder_hash.is_(None)),
        execution_options={"synchronize_session": False})
    row = KeptAnswers(
        account_id=account_id, draft_id=draft_id, holder_hash=_hash(holder) if holder else None,
        path=path, reason=reason, files_left_out=_files_sent(),
        answers_encrypted=crypto.encrypt(json.dumps(list(answers.items(multi=True)),
                                                    ensure_ascii=False)),
        created_at=now, expires_at=now + timedelta(hours=hours or _hours()))
    db.session.add(row)
    db.session.commit()
    return row


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _holder() -> str:
    holder = session.get(HOLDER)
    if not isinstance(holder, str):
        holder = session[HOLDER] = secrets.token_urlsafe(24)
    return holder


def keep_timed_out(account, path: str) -> dict | None:
    """A resident's POST of a form page arrived after the session ended: keep its answers for
    that account and page (on an application's page, only for a draft of theirs). What the
    time-out page may say, or None. They come back only to the same account, on the same
    page – never to anyone else, whatever the page."""
    from portal.applications import filing as applications

    if account is None or account.is_staff or request.method != "POST":
        return None
    draft_id = (request.view_args or {}).get("draft_id")
    application_draft = None
    if request.blueprint == "apply" and isinstance(draft_id, int):
        if applications.draft_of(account.id, draft_id) is None:
            return None
        application_draft = draft_id
    answers = _answers()
    if not answers and not _files_sent():
        return None
    row = _store(answers, reason="timed_out", path=path, account_id=account.id,
                 draft_id=application_draft)
    return {"hours": f"{_hours():g}", "files": row.files_left_out}


def keep_for_settings(path: str, account_id: int | None, skip: set[str]) -> None:
    """The settings bar sent a form page's answers along with a setting: keep them until the
    page shows again (minutes, not hours)."""
    answers = _answers(skip=skip)
    if not answers:
        return
    _store(answers, reason="settings", path=path, account_id=account_id, holder=_holder(),
           hours=0.25)
    session[KEPT] = True


def messages(kept: dict | None) -> list[str]:
    """What the page after a time-out says about the answers that were being sent: only what
    is true."""
    from flask_babel import gettext as _

    if not kept:
        return [_("已经保存或提交的内容都还在。退出时页面上还没有发送的内容没有保存，"
                  "需要重新填写。")]
    said = [_("您刚才发送的这一页的内容还没有保存，我们已为您保留%(hours)s小时。"
              "请用同一个账户重新登录，登录后会放回表格中，请检查后再保存。",
              hours=kept.get("hours", "24"))]
    if kept.get("files"):
        said.append(_("您选择的文件没有上传，登录后请重新选择。"))
    return said


def note_sign_in(account) -> None:
    """At sign-in: does this account have answers waiting? (Sets the KEPT flag.) Answers past
    their time are deleted here, everyone's: sign-ins come often enough for that."""
    db.session.execute(delete(KeptAnswers).where(KeptAnswers.expires_at <= utcnow()),
                       execution_options={"synchronize_session": False})
    db.session.commit()
    waiting = db.session.scalars(select(KeptAnswers.expires_at).where(
        KeptAnswers.account_id == account.id, KeptAnswers.holder_hash.is_(None))).all()
    now = utcnow()
    if any(aware(at) > now for at in waiting):
        session[KEPT] = True


def restore() -> None:
    """Before a GET: put this page's kept answers on `g` for the form to show (see
    portal/web/forms.py), and forget them. Only for their owner."""
    for name in ("kept_answers", "kept_answers_reason", "kept_answers_files_left_out",
                 "kept_answers_used"):
        g.pop(name, None)
    if request.method != "GET" or not session.get(KEPT):
        return
    from flask_login import current_user

    account_id = current_user.id if current_user.is_authenticated else None
    holder = session.get(HOLDER)
    owners = []
    if account_id is not None:   # answers sent when the session ended, for this account only
        owners.append((KeptAnswers.account_id == account_id) & KeptAnswers.holder_hash.is_(None))
    if isinstance(holder, str):  # answers sent with a display setting, from this browser
        owners.append((KeptAnswers.holder_hash == _hash(holder)) & (
            KeptAnswers.account_id.is_(None) if account_id is None
            else KeptAnswers.account_id == account_id))
    if not owners:
        session.pop(KEPT, None)
        return
    now = utcnow()
    rows = db.session.scalars(select(KeptAnswers).where(or_(*owners))
                              .order_by(KeptAnswers.id.desc())).all()
    live = [row for row in rows if aware(row.expires_at) > now]
    here = [row for row in live if row.path == request.path]
    if here:
        row = here[0]
        try:
            g.kept_answers = MultiDict(json.loads(crypto.decrypt(row.answers_encrypted)))
            g.kept_answers_reason = row.reason
            g.kept_answers_files_left_out = row.files_left_out
        except crypto.KeysMissing:   # its key was retired since (`flask rotate-keys` leaves
            pass                     # these short-lived rows alone): the row just goes
    gone = [row.id for row in rows if row not in live or row in here]
    if gone:
        db.session.execute(delete(KeptAnswers).where(KeptAnswers.id.in_(gone)),
                           execution_options={"synchronize_session": False})
        db.session.commit()
    if len(live) == len(here):
        session.pop(KEPT, None)
