"""Staff sign-in, kept apart from the residents' one, and a small landing page.

Signing in takes two steps: the password (/staff/sign-in), then the second factor
(/staff/sign-in/verify: a code from the authenticator app or a texted code; or
/staff/sign-in/recovery: a recovery code). Staff who have no second factor yet set one up
right after the password (/staff/second-factor/enrol…). Between the steps nobody is signed in
(portal/account/session.py PENDING): only these pages know the half-way state.
"""
from __future__ import annotations

from functools import wraps

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from portal.account import session as sessions
from portal.account.forms import (
    RecoveryCodeForm,
    SecondFactorCodeForm,
    SecondFactorMethodForm,
    SignOutForm,
    StaffSignInForm,
)
from portal.account.pages import (
    go_on,
    next_path,
    page_locale,
    sign_in_page,
)
from portal.account.validators import code_message
from portal.accounts import one_time_codes, second_factor
from portal.people import phone_numbers
from portal.staff_auth.access import staff_required
from portal.web.rate_limits import limit
from portal.web.safe_redirect import same_site_path

bp = Blueprint("staff_auth", __name__, url_prefix="/staff")


@bp.route("/sign-in", methods=["GET", "POST"])
@limit("RATE_LIMIT_SIGN_IN")
def sign_in():
    def second_step(account):   # the password was right: the second factor next
        sessions.start_pending(account)
        if not second_factor.is_enrolled(account):
            return redirect(url_for("staff_auth.enrol", next=next_path()), 303)
        if account.second_factor == second_factor.SMS:
            second_factor.send_sms_code(account, locale=page_locale())
        return redirect(url_for("staff_auth.verify", next=next_path()), 303)

    return sign_in_page(StaffSignInForm, staff=True, home="staff_auth.home",
                        template="staff_auth/sign_in.html", then=second_step)


# ------------------------------------------------------------------ the second step

def _half_way(enrolled: bool):
    """For the pages between the password and being signed in: the view is given the person
    half-way through signing in (`enrolled`: whether they have a second factor yet); anyone
    else is sent to the step they are at."""
    def decorate(view):
        @wraps(view)
        def page():
            account = sessions.pending_account()
            if account is None:
                flash(_("请先输入手机号码和密码。"), "info")
                return redirect(url_for("staff_auth.sign_in", next=next_path()), 303)
            if second_factor.is_enrolled(account) != enrolled:
                endpoint = "staff_auth.verify" if second_factor.is_enrolled(account) else \
                    "staff_auth.enrol"
                return redirect(url_for(endpoint, next=next_path()), 303)
            return view(account)
        return page
    return decorate


def _result_message(result: second_factor.Result, method: str) -> str:
    outcome = second_factor.Outcome
    if result.outcome is outcome.WAIT:
        minutes = max(1, (result.wait_seconds + 59) // 60)
        return _("输错的次数太多，请等%(num)s分钟后再试。", num=minutes)
    if result.outcome is outcome.EXPIRED:
        return code_message(one_time_codes.Check.EXPIRED)
    if result.outcome is outcome.TOO_MANY:
        return code_message(one_time_codes.Check.TOO_MANY)
    if method == second_factor.TOTP:
        return _("验证码不正确或已经用过。请等应用里出现新的验证码，再输入一次。")
    if method == "recovery":
        return _("这个恢复码不正确或已经用过，请检查后重新输入")
    return code_message(one_time_codes.Check.WRONG)


def _signed_in(account, method: str):
    sessions.start(account, second_factor=method)  # a new session: messages come after it
    if method == "recovery":
        flash(_("您已用恢复码登录，还剩%(num)s个恢复码。可以在“登录验证”页生成新的一组；"
                "如果手机丢了，请联系系统管理员重置登录验证方式。",
                num=second_factor.recovery_codes_left(account)), "info")
    return go_on("staff_auth.home")


def _second_step(account, form, check, by: str, template: str, **context):
    """The second step's page: a valid POST checks the code (`check(account, code)` gives a
    second_factor.Result) and signs in by `by` (the method); otherwise the page, saying why
    not."""
    if form.validate_on_submit():
        result = check(account, form.code.data)
        if result.ok:
            return _signed_in(account, by)
        form.code.errors.append(_result_message(result, by))
    return render_template(template, form=form, next=next_path(), **context)


@bp.route("/sign-in/verify", methods=["GET", "POST"])
@limit("RATE_LIMIT_VERIFY_CODE")
@_half_way(enrolled=True)
def verify(account):
    return _second_step(account, SecondFactorCodeForm(), second_factor.verify_code,
                        account.second_factor, "staff_auth/verify.html",
                        method=account.second_factor,
                        masked_phone=phone_numbers.mask(account.phone),
                        minutes=current_app.config["ONE_TIME_CODE_MINUTES"])


@bp.post("/sign-in/send-code")
@limit("RATE_LIMIT_SEND_CODE")
def send_code():
    """Text a (new) code: on the second step of an SMS user, or while choosing SMS codes."""
    account = sessions.pending_account()
    form = SignOutForm()  # only the CSRF token
    if account is None or not form.validate_on_submit():
        return redirect(url_for("staff_auth.sign_in", next=next_path()), 303)
    enrolling = not second_factor.is_enrolled(account)
    if enrolling or account.second_factor == second_factor.SMS:
        second_factor.send_sms_code(account, locale=page_locale())
        flash(_("我们已发送新的验证码，请使用最新收到的那一条。"), "success")
    return redirect(url_for("staff_auth.enrol_sms" if enrolling else "staff_auth.verify",
                            next=next_path()), 303)


@bp.route("/sign-in/recovery", methods=["GET", "POST"])
@limit("RATE_LIMIT_VERIFY_CODE")
@_half_way(enrolled=True)
def recovery(account):
    return _second_step(account, RecoveryCodeForm(), second_factor.verify_recovery_code,
                        "recovery", "staff_auth/recovery.html")


# ------------------------------------------------------------------ enrolment

@bp.route("/second-factor/enrol", methods=["GET", "POST"])
@_half_way(enrolled=False)
def enrol(account):
    form = SecondFactorMethodForm()
    if form.validate_on_submit():
        if form.method.data == second_factor.SMS:
            second_factor.send_sms_code(account, locale=page_locale())
            return redirect(url_for("staff_auth.enrol_sms", next=next_path()), 303)
        return redirect(url_for("staff_auth.enrol_app", next=next_path()), 303)
    return render_template("staff_auth/enrol.html", form=form, next=next_path(),
                           masked_phone=phone_numbers.mask(account.phone))


@bp.route("/second-factor/enrol/app", methods=["GET", "POST"])
@limit("RATE_LIMIT_VERIFY_CODE")
@_half_way(enrolled=False)
def enrol_app(account):
    secret = second_factor.pending_totp_secret(account)
    form = SecondFactorCodeForm()
    if form.validate_on_submit():
        codes = second_factor.enrol_totp(account, secret, form.code.data)
        if codes is not None:
            return _enrolled(account, codes)
        form.code.errors.append(_("验证码不正确。请确认已添加上面的密钥，再输入应用里现在显示的6位数字。"))
    uri = second_factor.provisioning_uri(account, secret)
    return render_template(
        "staff_auth/enrol_app.html", form=form, next=next_path(),
        qr_code=second_factor.qr_svg(uri, _("二维码：用验证器应用扫描，添加本平台的登录验证")),
        key_groups=second_factor.grouped(secret),
        issuer=current_app.config["TOTP_ISSUER"], account_name=account.phone)


@bp.route("/second-factor/enrol/sms", methods=["GET", "POST"])
@limit("RATE_LIMIT_VERIFY_CODE")
@_half_way(enrolled=False)
def enrol_sms(account):
    form = SecondFactorCodeForm()
    if form.validate_on_submit():
        check, codes = second_factor.enrol_sms(account, form.code.data)
        if codes is not None:
            return _enrolled(account, codes)
        form.code.errors.append(code_message(check))
    return render_template("staff_auth/enrol_sms.html", form=form, next=next_path(),
                           masked_phone=phone_numbers.mask(account.phone),
                           minutes=current_app.config["ONE_TIME_CODE_MINUTES"])


def _enrolled(account, codes: list[str]):
    """Signed in; the recovery codes are shown this once, in this answer (never stored)."""
    sessions.start(account, second_factor=account.second_factor)
    return _show_codes(codes, enrolled=True,
                       continue_to=same_site_path(next_path(), url_for("staff_auth.home")))


def _show_codes(codes: list[str], **context):
    response = make_response(render_template("staff_auth/recovery_codes.html", codes=codes,
                                             **context))
    response.headers["Cache-Control"] = "no-store"
    return response


# ------------------------------------------------------------------ signed in

@bp.get("/")
def home():
    from portal.staff.display import staff_links

    if current_user.is_authenticated and current_user.is_intermediary:
        return redirect(url_for("intermediary.home"), 303)   # a village worker's own home
    return _staff_home(staff_links)


@staff_required
def _staff_home(staff_links):
    return render_template("staff_auth/home.html", staff_links=staff_links())


def _two_step_account(view):
    """Pages of one's own second factor: staff and village workers (who sign in the same way);
    not signed in → the staff sign-in page, a resident → 403."""
    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            from portal.account.access import sign_in_redirect
            return sign_in_redirect("staff_auth.sign_in")
        if not current_user.signs_in_as_staff:
            abort(403)
        return view(*args, **kwargs)
    return wrapped


@bp.get("/second-factor")
@_two_step_account
def second_factor_settings():
    from portal.staff.display import staff_links

    account = current_user._get_current_object()
    return render_template("staff_auth/second_factor.html", form=SignOutForm(),
                           staff_links=staff_links(),
                           method=account.second_factor,
                           codes_left=second_factor.recovery_codes_left(account),
                           masked_phone=phone_numbers.mask(account.phone))


@bp.post("/second-factor/recovery-codes")
@_two_step_account
def new_recovery_codes():
    form = SignOutForm()  # only the CSRF token
    if not form.validate_on_submit():
        abort(400)
    codes = second_factor.new_recovery_codes(current_user._get_current_object())
    return _show_codes(codes, enrolled=False,
                       continue_to=url_for("staff_auth.second_factor_settings"))
