"""Validators for account forms: mobile numbers, new passwords, one-time codes.

Each turns a rule of the domain packages (portal/people, portal/accounts) into a sentence a person can act on.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms.validators import StopValidation, ValidationError

from portal.accounts import one_time_codes, password_policy
from portal.people import phone_numbers

PHONE_MESSAGES = {
    "empty": _l("请输入手机号码"),
    "characters": _l("手机号码只能包含数字，例如 139 1234 5678"),
    "length": _l("手机号码应为11位数字，例如 139 1234 5678"),
    "prefix": _l("请输入中国大陆的手机号码，以13至19开头，例如 139 1234 5678"),
}

PASSWORD_MESSAGES = {
    "empty": _l("请设置密码"),
    "too_short": _l("密码至少需要8个字符。把三四个好记的词连在一起，就是一个好密码。"),
    "too_long": _l("密码不能超过128个字符"),
    "common": _l("这个密码太常见，别人很容易猜到。请换一个，例如把三四个不相关的词连在一起。"),
    "own_phone": _l("密码里不能有您的手机号码，别人很容易猜到。请换一个。"),
    "date_or_phone": _l("这个密码像日期或电话号码，别人很容易猜到。请换一个。"),
    "repeated_or_run": _l("这个密码是重复或连续的字符，别人很容易猜到。请换一个。"),
    "staff_too_short": _l("工作人员的密码至少需要12个字符"),
    "staff_not_mixed": _l("工作人员的密码需要包含以下至少三种：小写字母、大写字母、数字、符号"),
}

CODE_MESSAGES = {
    "empty": _l("请输入短信里的验证码"),
    "format": _l("验证码是6位数字，请检查后重新输入"),
    one_time_codes.Check.WRONG: _l("验证码不正确，请检查后重新输入"),
    one_time_codes.Check.EXPIRED: _l("验证码已过期或已失效，请重新获取验证码"),
    one_time_codes.Check.TOO_MANY: _l("输错的次数太多，这个验证码已失效，请重新获取验证码"),
}


class MobileNumber:
    """Accepts spaces, hyphens and +86; leaves the 11 digits in field.data."""

    def __call__(self, form, field):
        try:
            field.data = phone_numbers.normalise(field.data)
        except ValueError as problem:
            raise StopValidation(str(PHONE_MESSAGES[str(problem)])) from None


class NewPassword:
    """The password rules (portal/accounts/password_policy.py). The person's phone number is
    read from `form.phone_number` (set by the view) or a field named `phone`."""

    def __init__(self, staff: bool = False):
        self.staff = staff

    def __call__(self, form, field):
        phone = getattr(form, "phone_number", None)
        if phone is None and "phone" in form:
            phone = form["phone"].data
        reason = password_policy.problem(field.data or "", phone=phone, staff=self.staff)
        if reason:
            raise StopValidation(str(PASSWORD_MESSAGES[reason]))


class OneTimeCodeFormat:
    """Six digits (full-width digits and spaces allowed); leaves the digits in field.data."""

    def __call__(self, form, field):
        typed = one_time_codes.normalise(field.data)
        if not typed:
            raise StopValidation(str(CODE_MESSAGES["empty"]))
        if not (typed.isdigit() and typed.isascii() and len(typed) == one_time_codes.LENGTH):
            raise ValidationError(str(CODE_MESSAGES["format"]))
        field.data = typed


def code_message(check: one_time_codes.Check) -> str:
    return str(CODE_MESSAGES[check])
