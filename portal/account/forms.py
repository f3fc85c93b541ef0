"""Forms for residents' accounts and staff sign-in."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, RadioField, StringField
from wtforms.validators import InputRequired, Length

from portal.account.validators import MobileNumber, NewPassword, OneTimeCodeFormat
from portal.web.forms import PortalForm


def _phone_field():
    return StringField(_l("手机号码"), validators=[
        InputRequired(message=_l("请输入手机号码")), MobileNumber()])


class SignInForm(PortalForm):
    phone = _phone_field()
    password = PasswordField(_l("密码"), validators=[InputRequired(message=_l("请输入密码"))])


class PhoneForm(PortalForm):
    """First step of registration and of password reset."""
    phone = _phone_field()


class CodeForm(PortalForm):
    code = StringField(_l("验证码"), validators=[
        InputRequired(message=_l("请输入短信里的验证码")), OneTimeCodeFormat()])


class ResendCodeForm(PortalForm):
    """Only the button and the CSRF token: the phone number is the one already entered."""


class RegisterDetailsForm(PortalForm):
    display_name = StringField(_l("您的姓名"), validators=[
        InputRequired(message=_l("请输入您的姓名")),
        Length(max=30, message=_l("姓名不能超过30个字")),
    ], filters=[lambda value: value.strip() if isinstance(value, str) else value])
    password = PasswordField(_l("设置密码"), validators=[
        InputRequired(message=_l("请设置密码")), NewPassword()])


class NewPasswordForm(PortalForm):
    password = PasswordField(_l("新密码"), validators=[
        InputRequired(message=_l("请设置新密码")), NewPassword()])


class ChangePasswordForm(PortalForm):
    current_password = PasswordField(_l("现在的密码"), validators=[
        InputRequired(message=_l("请输入现在的密码"))])
    password = PasswordField(_l("新密码"), validators=[
        InputRequired(message=_l("请设置新密码")), NewPassword()])


class SignOutForm(PortalForm):
    """The sign-out button: a POST with the CSRF token."""


class StaffSignInForm(SignInForm):
    pass


class SecondFactorCodeForm(PortalForm):
    """The 6-digit code from the authenticator app or the text message."""
    code = StringField(_l("验证码"), validators=[
        InputRequired(message=_l("请输入6位数字的验证码")), OneTimeCodeFormat()])


class RecoveryCodeForm(PortalForm):
    code = StringField(_l("恢复码"), validators=[
        InputRequired(message=_l("请输入一个恢复码")),
        Length(max=40, message=_l("恢复码是10个字母和数字，例如 abcde-23456"))])


class SecondFactorMethodForm(PortalForm):
    method = RadioField(_l("您想用哪种方式进行登录验证？"), choices=[
        ("totp", _l("手机上的验证器应用（推荐）")),
        ("sms", _l("短信验证码")),
    ], validators=[InputRequired(message=_l("请选择一种登录验证方式"))])
