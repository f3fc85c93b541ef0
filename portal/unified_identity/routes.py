"""用统一身份认证登录: off to the provider (`start`), and back (`callback`). The work is in
portal/unified_identity/service.py; signing in is portal/account/session.py's, as for a
password. A signed-in resident links the identity to their account the same way (`link`, a
form with its CSRF token: the way back then links instead of signing in)."""
from __future__ import annotations

from authlib.common.errors import AuthlibBaseError
from flask import Blueprint, abort, current_app, flash, redirect, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from joserfc.errors import JoseError
from requests import RequestException

from portal.account import session as sessions
from portal.account.access import resident_required
from portal.account.pages import next_path
from portal.unified_identity import service
from portal.web.safe_redirect import same_site_path

bp = Blueprint("unified_identity", __name__, url_prefix="/account/unified-id")
NEXT = "_unified_id_next"
LINKING = "_unified_id_link"        # the account that asked to link, until the way back


@bp.record_once
def _configure(state):
    state.app.add_template_global(service.configured, "unified_id_configured")


@bp.get("/start")
def start():
    client = service.client()
    if client is None:
        abort(404)
    session[NEXT] = next_path()
    session.pop(LINKING, None)
    return _to_provider(client)


@bp.post("/link")
@resident_required
def link():
    """The form on the page that proves the person: the same trip, then a link, not a sign-in
    (the form's CSRF token shows that the resident asked for it)."""
    client = service.client()
    if client is None:
        abort(404)
    session[LINKING] = current_user.id
    session.pop(NEXT, None)
    return _to_provider(client)


def _to_provider(client):
    try:
        return client.authorize_redirect(url_for(".callback", _external=True))
    except (AuthlibBaseError, RequestException, ValueError):
        current_app.logger.warning("unified identity provider not reached", exc_info=True)
        return _refused(linking=LINKING in session)


@bp.get("/callback")
def callback():
    client = service.client()
    if client is None:
        abort(404)
    target = session.pop(NEXT, None)
    linking = session.pop(LINKING, None)
    linking = linking if linking is not None and current_user.is_authenticated \
        and current_user.id == linking else None
    try:
        token = client.authorize_access_token()
        userinfo = token.get("userinfo")
        if not userinfo:
            raise service.LoginRefused("claims")
        claims = service.read_claims(userinfo, client.load_server_metadata()["issuer"])
        if linking is not None:
            service.link_verified(current_user._get_current_object(), claims)
            flash(_("已通过统一身份认证确认是您本人。以您名义办理的所有申请，现在都会显示在"
                    "“我的申请”中。"), "success")
            return redirect(url_for("status.index"), 303)
        account = service.sign_in_verified(claims)
    except service.LoginRefused as refused:
        return _refused(refused.reason, linking=linking is not None)
    except (AuthlibBaseError, JoseError, RequestException, ValueError, KeyError):
        current_app.logger.warning("unified identity login not verified", exc_info=True)
        return _refused(linking=linking is not None)
    sessions.start(account)
    flash(_("已通过统一身份认证为您登录。"), "success")
    return redirect(same_site_path(target, url_for("account.home")), 303)


def _refused(reason: str | None = None, *, linking: bool = False):
    if linking:
        if reason in ("linked_elsewhere", "other_identity"):
            flash(_("这个统一身份认证账号和本平台的账户不能关联：其中一个已经关联了别的账户。"
                    "请用原来关联的账户登录，或者带上身份证到街道当面确认。"), "info")
        else:
            flash(_("没能通过统一身份认证确认，请重试，或者用短信验证码确认。"), "info")
        return redirect(url_for("status.prove"), 303)
    if reason == "phone_taken":
        flash(_("统一身份认证中的手机号码已经注册过本平台的账户。请用这个号码和密码登录；"
                "忘记密码可以用短信验证码重设。"), "info")
    else:
        flash(_("没能通过统一身份认证登录，请重试，或者用手机号码和密码登录。"), "info")
    return redirect(url_for("account.sign_in"), 303)
