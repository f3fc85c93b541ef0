"""Residents' accounts: sign in and out, register with an SMS code, reset and change the password,
the time-out page and the keep-alive used by static/js/session-timeout.js.

Registration and reset are three short pages each: the phone number, the code sent to it, then
the details or the new password. Between the pages the session remembers only the number and
whether its code was verified (never the code or a password).
"""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from portal.account import session as sessions
from portal.account.access import resident_required
from portal.account.forms import (
    ChangePasswordForm,
    CodeForm,
    NewPasswordForm,
    PhoneForm,
    RegisterDetailsForm,
    SignInForm,
    SignOutForm,
)
from portal.account.limits import per_phone
from portal.account.pages import (
    go_on,
    next_path,
    page_locale,
    sign_in_page,
)
from portal.account.validators import code_message
from portal.accounts import family_lookup, one_time_codes
from portal.accounts import sign_in as accounts
from portal.extensions import login_manager
from portal.people import phone_numbers
from portal.web import kept_answers
from portal.web.rate_limits import limit
from portal.web.safe_redirect import same_site_path

bp = Blueprint("account", __name__, url_prefix="/account")

# How long a verified code lets someone finish registering or choosing a new password.
VERIFIED_FOR_SECONDS = 30 * 60


@bp.record_once
def _configure(state):
    sessions.init_app(state.app)
    login_manager.login_view = "account.sign_in"


@login_manager.unauthorized_handler
def _unauthorized():
    """`login_required` pages send people here with a same-site `next`."""
    flash(_("请先登录，再继续办理。"), "info")
    return redirect(url_for("account.sign_in", next=sessions.current_path()), 303)


# ------------------------------------------------------------------ sign in and out

@bp.route("/sign-in", methods=["GET", "POST"])
@limit("RATE_LIMIT_SIGN_IN")
def sign_in():
    def signed_in(account):
        sessions.start(account)
        return go_on("account.home")

    return sign_in_page(SignInForm, staff=False, home="account.home",
                        template="account/sign_in.html", then=signed_in)


@bp.post("/sign-out")
def sign_out():
    form = SignOutForm()
    if not form.validate_on_submit():
        abort(400)
    staff = current_user.is_authenticated and current_user.signs_in_as_staff
    if staff:
        accounts.record_sign_out(current_user._get_current_object())
    if current_user.is_authenticated:
        accounts.end_all_sessions(current_user._get_current_object())
    sessions.end()
    return redirect(url_for("account.signed_out", staff=1 if staff else None), 303)


@bp.get("/signed-out")
def signed_out():
    return render_template("account/signed_out.html", staff=request.args.get("staff") == "1")


@bp.get("/timed-out")
def timed_out():
    target = next_path()
    if current_user.is_authenticated:  # still active (e.g. used in another tab): carry on
        return redirect(same_site_path(target), 303)
    expired = g.get("session_timed_out") or {}
    staff = expired.get("staff") or request.args.get("staff") == "1"
    about_answers = kept_answers.messages(session.pop(kept_answers.NOTICE, None))
    return render_template("account/timed_out.html", next=target, staff=staff,
                           about_answers=about_answers)


@bp.post("/keep-alive")
def keep_alive():
    """"继续使用" in the time-out warning: the session starts counting again."""
    wants_json = request.accept_mimetypes.best == "application/json"
    if not current_user.is_authenticated:
        if wants_json:
            return jsonify(signed_in=False), 401
        return redirect(url_for("account.timed_out", next=next_path()), 303)
    sessions.touch()
    if wants_json:
        return jsonify(signed_in=True, remaining_seconds=sessions.remaining_seconds())
    return redirect(same_site_path(next_path()), 303)


# ------------------------------------------------------------------ my account

@bp.get("/")
@resident_required
def home():
    return render_template("account/home.html",
                           masked_phone=phone_numbers.mask(current_user.phone))


@bp.route("/change-password", methods=["GET", "POST"])
@resident_required
def change_password():
    form = ChangePasswordForm()
    form.phone_number = current_user.phone
    if form.validate_on_submit():
        account = current_user._get_current_object()
        if accounts.change_password(account, form.current_password.data, form.password.data):
            sessions.start(account)  # other sessions have ended; this one goes on
            flash(_("密码已修改。其他设备上的登录已全部退出。"), "success")
            return redirect(url_for("account.home"), 303)
        form.current_password.errors.append(_("现在的密码不正确"))
    return render_template("account/change_password.html", form=form)


# ------------------------------------------------------------------ registering, password reset

@dataclass(frozen=True)
class _Flow:
    """Registering and choosing a new password go alike: the phone number (page `purpose`),
    the code texted to it (`purpose`_code, `purpose`_resend), then the endpoint `finish`."""
    purpose: str                  # also the session key and the code's purpose
    send: Callable[[str], None]   # text a code to the number (if it should have one)
    finish: str


def _start_registration(phone: str) -> None:
    """Text a code to a new number, or tell the owner of a registered one that someone tried.
    Paced: the answer takes as long either way (REGISTER_MIN_RESPONSE_SECONDS)."""
    with family_lookup.paced(current_app.config["REGISTER_MIN_RESPONSE_SECONDS"]):
        accounts.start_registration(phone, locale=page_locale())


def _start_reset(phone: str) -> None:
    """Text a code if the number has a resident's account. Paced: the answer takes as long
    whether or not it has one (RESET_MIN_RESPONSE_SECONDS)."""
    with family_lookup.paced(current_app.config["RESET_MIN_RESPONSE_SECONDS"]):
        accounts.start_reset(phone, locale=page_locale())


FLOWS = {flow.purpose: flow for flow in (
    _Flow("register", _start_registration, finish="account.register_details"),
    _Flow("reset", _start_reset, finish="account.reset_password"),
)}


def _sends_code(view):
    """The limits on texting codes, counted together with every other page that sends one."""
    return limit("RATE_LIMIT_SEND_CODE")(
        limit("RATE_LIMIT_SEND_CODE_PER_PHONE", key_func=per_phone)(view))


def _phone_page(flow: _Flow):
    form = PhoneForm()
    if form.validate_on_submit():
        flow.send(form.phone.data)
        session[flow.purpose] = {"phone": form.phone.data}
        return redirect(url_for(f"account.{flow.purpose}_code", next=next_path()), 303)
    return render_template(f"account/{flow.purpose}_phone.html", form=form, next=next_path())


@bp.route("/register", methods=["GET", "POST"])
@limit("RATE_LIMIT_REGISTER")
@_sends_code
def register():
    return _phone_page(FLOWS["register"])


@bp.route("/reset", methods=["GET", "POST"])
@limit("RATE_LIMIT_RESET")
@_sends_code
def reset():
    return _phone_page(FLOWS["reset"])


@bp.route("/register/code", endpoint="register_code", methods=["GET", "POST"],
          defaults={"purpose": "register"})
@bp.route("/reset/code", endpoint="reset_code", methods=["GET", "POST"],
          defaults={"purpose": "reset"})
@limit("RATE_LIMIT_VERIFY_CODE")
def code(purpose: str):
    flow = FLOWS[purpose]
    phone = (session.get(purpose) or {}).get("phone")
    if not phone:
        return redirect(url_for(f"account.{purpose}", next=next_path()), 303)
    form = CodeForm()
    if form.validate_on_submit():
        result = one_time_codes.verify(phone, purpose, form.code.data)
        if result.ok:
            session[purpose] = {"phone": phone, "verified_at": time.time()}
            return redirect(url_for(flow.finish, next=next_path()), 303)
        form.code.errors.append(code_message(result))
    return render_template(f"account/{purpose}_code.html", form=form, next=next_path(),
                           masked_phone=phone_numbers.mask(phone),
                           minutes=current_app.config["ONE_TIME_CODE_MINUTES"])


@bp.post("/register/code/resend", endpoint="register_resend", defaults={"purpose": "register"})
@bp.post("/reset/code/resend", endpoint="reset_resend", defaults={"purpose": "reset"})
@_sends_code
def resend(purpose: str):
    form = SignOutForm()  # only the CSRF token
    phone = (session.get(purpose) or {}).get("phone")
    if not phone or not form.validate_on_submit():
        return redirect(url_for(f"account.{purpose}", next=next_path()), 303)
    FLOWS[purpose].send(phone)
    flash(_("我们已重新发送验证码，请使用最新收到的那一条。"), "success")
    return redirect(url_for(f"account.{purpose}_code", next=next_path()), 303)


# ------------------------------------------------------------------ the last steps

@bp.route("/register/details", methods=["GET", "POST"])
def register_details():
    return _last_step("register", RegisterDetailsForm, _register, "account/register_details.html",
                      again="account.sign_in", done=_("您的账户已创建，已为您登录。"))


def _register(phone: str, form: RegisterDetailsForm):
    return accounts.register(phone, form.display_name.data, form.password.data)


@bp.route("/reset/password", methods=["GET", "POST"])
def reset_password():
    return _last_step("reset", NewPasswordForm, _new_password, "account/reset_password.html",
                      again="account.reset", done=_("密码已重设，已为您登录。其他设备上的登录已全部退出。"))


def _new_password(phone: str, form: NewPasswordForm):
    return accounts.reset_password(phone, form.password.data, verified_at=_verified_at("reset"))


def _last_step(purpose: str, form_class, act, template: str, *, again: str, done: str):
    """The page after a right code: `act(phone, form)`
    registers the account or sets its new password, then it is signed in; an AccountError
    (the number taken or gone meanwhile) forgets the number and leads to the page `again`."""
    phone = _verified_phone(purpose)
    if phone is None:
        return redirect(url_for(f"account.{purpose}", next=next_path()), 303)
    form = form_class()
    form.phone_number = phone
    if form.validate_on_submit():
        try:
            account = act(phone, form)
        except accounts.AccountError:
            session.pop(purpose, None)
            return redirect(url_for(again, next=next_path()), 303)
        sessions.start(account)
        flash(done, "success")
        return go_on("account.home")
    return render_template(template, form=form, next=next_path(),
                           masked_phone=phone_numbers.mask(phone))


def _verified_at(purpose: str) -> datetime:
    return datetime.fromtimestamp(float(session[purpose]["verified_at"]), timezone.utc)


def _verified_phone(purpose: str) -> str | None:
    state = session.get(purpose) or {}
    verified_at = state.get("verified_at")
    if not verified_at or time.time() - float(verified_at) > VERIFIED_FOR_SECONDS:
        return None
    return state.get("phone")
