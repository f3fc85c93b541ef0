"""用统一身份认证登录: off to the provider (`start`), and back (`callback`). The work is in
portal/unified_identity/service.py; signing in is portal/account/session.py's, as for a
password."""
from __future__ import annotations

from authlib.common.errors import AuthlibBaseError
from flask import Blueprint, abort, current_app, flash, redirect, session, url_for
from flask_babel import gettext as _
from joserfc.errors import JoseError
from requests import RequestException

from portal.account import session as sessions
from portal.account.pages import next_path
from portal.unified_identity import service
from portal.web.safe_redirect import same_site_path

bp = Blueprint("unified_identity", __name__, url_prefix="/account/unified-id")
NEXT = "_unified_id_next"


@bp.record_once
def _configure(state):
    state.app.add_template_global(service.configured, "unified_id_configured")


@bp.get("/start")
def start():
    client = service.client()
    if client is None:
        abort(404)
    session[NEXT] = next_path()
    try:
        return client.authorize_redirect(url_for(".callback", _external=True))
    except (AuthlibBaseError, RequestException, ValueError):
        current_app.logger.warning("unified identity provider not reached", exc_info=True)
        return _refused()


@bp.get("/callback")
def callback():
    client = service.client()
    if client is None:
        abort(404)
    target = session.pop(NEXT, None)
    try:
        token = client.authorize_access_token()
        userinfo = token.get("userinfo")
        if not userinfo:
            raise service.LoginRefused("claims")
        claims = service.read_claims(userinfo, client.load_server_metadata()["issuer"])
        account = service.sign_in_verified(claims)
    except service.LoginRefused as refused:
        return _refused(refused.reason)
    except (AuthlibBaseError, JoseError, RequestException, ValueError, KeyError):
        current_app.logger.warning("unified identity login not verified", exc_info=True)
        return _refused()
    sessions.start(account)
    flash(_("已通过统一身份认证为您登录。"), "success")
    return redirect(same_site_path(target, url_for("account.home")), 303)


def _refused(reason: str | None = None):
    if reason == "phone_taken":
        flash(_("统一身份认证中的手机号码已经注册过本平台的账户。请用这个号码和密码登录；"
                "忘记密码可以用短信验证码重设。"), "info")
    else:
        flash(_("没能通过统一身份认证登录，请重试，或者用手机号码和密码登录。"), "info")
    return redirect(url_for("account.sign_in"), 303)
