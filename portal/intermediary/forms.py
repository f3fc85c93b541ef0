"""The forms of the village workers' pages, the officer's pages and the person's consents."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from portal.account.validators import MobileNumber
from portal.accounts import consents
from portal.applications.decisions import local_today
from portal.checker.forms import MultiCheckboxField
from portal.web.forms import PortalForm
from portal.web.validators import DateValid, IdNumberValid, NameValid


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class WorkerForm(PortalForm):
    """A street officer makes a village worker's account for their own street."""
    display_name = StringField(_l("姓名"), validators=[
        InputRequired(message=_l("请输入姓名")),
        Length(max=60, message=_l("姓名不能超过60个字"))], filters=[_strip])
    phone = StringField(_l("手机号码"), validators=[
        InputRequired(message=_l("请输入手机号码")), MobileNumber()])
    village = StringField(_l("所在村（社区）"), validators=[
        InputRequired(message=_l("请输入所在的村或社区")),
        Length(max=60, message=_l("村（社区）名称不能超过60个字"))], filters=[_strip])


class ConsentTermsForm(PortalForm):
    """Whom the consent is for, what it covers and until when (both ways of giving it)."""
    full_name = StringField(_l("居民姓名"), validators=[NameValid()])
    id_number = StringField(_l("居民身份证号码"), validators=[IdNumberValid()])
    given_by = RadioField(_l("谁同意"), default="person",
                          choices=[SelectChoice(code, label)
                                   for code, label in consents.GIVERS.items()],
                          validators=[InputRequired(message=_l("请选择是居民本人还是监护人同意"))])
    scopes = MultiCheckboxField(_l("同意您代办哪些事"),
                                choices=[SelectChoice(code, label)
                                         for code, label in consents.SCOPES.items()],
                                validate_choice=False,
                                validators=[InputRequired(message=_l("请至少选一项"))])
    until = StringField(_l("同意到哪一天为止"), validators=[DateValid(
        earliest=local_today, latest=consents.latest_until)])

    def validate_scopes(self, field):
        from wtforms.validators import StopValidation
        chosen = [code for code in (field.data or []) if code in consents.SCOPES]
        if not chosen:
            raise StopValidation(_l("请至少选一项"))
        field.data = chosen


class PaperConsentForm(ConsentTermsForm):
    form_photo = FileField(_l("签好字的同意书照片"), validators=[
        FileRequired(message=_l("请选择同意书的照片或PDF文件。"))])


class CodeForm(PortalForm):
    code = StringField(_l("验证码"), validators=[InputRequired(message=_l("请输入验证码"))],
                       filters=[_strip])


class StartApplicationForm(PortalForm):
    programme = SelectField(_l("申请哪一项"), validate_choice=False)

    def __init__(self, choices, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme.choices = [SelectChoice(code, label) for code, label in choices]

    def validate_programme(self, field):
        from wtforms.validators import ValidationError
        if field.data not in {choice.value for choice in self.programme.choices}:
            raise ValidationError(_l("请从列表中选择要申请的项目"))


class ConfirmForm(PortalForm):
    """Only the CSRF token: a confirmation button."""
