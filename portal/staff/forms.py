"""Forms of the staff console. Errors are written for people, in Chinese."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, HiddenField, PasswordField, RadioField, SelectField,
                     StringField, TextAreaField)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp, ValidationError

from .. import status_machine, streets
from ..forms.account_validators import MobileNumber, NewPassword
from ..services import audit, queues, references
from . import programmes
from .access import ROLE_LABELS

ROLE_CHOICES = [(role, ROLE_LABELS[role]) for role in
                ("street_officer", "district_reviewer", "civil_affairs", "content_editor", "admin")]


def street_label(street: streets.Street) -> str:
    from flask_babel import get_locale

    return street.name("en" if str(get_locale()).startswith("en") else "zh")


class GetForm(FlaskForm):
    """A filter form sent with GET: no CSRF token, nothing changes."""

    class Meta:
        csrf = False


class QueueFilterForm(FlaskForm):
    """Sent by POST (with its CSRF token): the search may be an ID number, which must never
    be in a URL (portal/staff/routes.py queue). Read from the URL with meta={"csrf": False}."""

    view = SelectField(_l("显示哪些申请"), default=queues.VIEW_MINE, validate_choice=False)
    programme = SelectField(_l("项目"), default="", validate_choice=False)
    deadline = SelectField(_l("办理时限"), default="", validate_choice=False, choices=[
        SelectChoice("", _l("全部")),
        SelectChoice(queues.OVERDUE, _l("已超期")),
        SelectChoice(queues.DUE_SOON, _l("即将到期")),
    ])
    q = StringField(_l("搜索"), validators=[Optional(), Length(max=40)])

    def __init__(self, actor, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.view.choices = [SelectChoice(queues.VIEW_MINE, _l("等待我处理的")),
                             SelectChoice(queues.VIEW_ALL, _l("全部状态"))] + [
            SelectChoice(code, status.label) for code, status in status_machine.STATUSES.items()]
        self.programme.choices = [SelectChoice("", _l("全部项目"))] + [
            SelectChoice(code, programmes.name(code))
            for code in queues.visible_programmes(actor, programmes.online_codes())]

    def to_filter(self) -> queues.QueueFilter:
        """The filter asked for; anything that is not one of the choices is ignored."""
        def chosen(field):
            values = {choice.value for choice in field.choices}
            return field.data if field.data in values else field.default

        q = (self.q.data or "").strip()[:40] or None
        return queues.QueueFilter(view=chosen(self.view) or queues.VIEW_MINE,
                                  programme=chosen(self.programme) or None,
                                  deadline=chosen(self.deadline) or None, q=q)


def _stripped(value):
    """Spaces and line breaks around a text (full-width spaces too) are not part of it: a
    reason of only spaces is no reason, and gets the form's polite error."""
    return value.strip() if isinstance(value, str) else value


class ActionForm(FlaskForm):
    message = TextAreaField(_l("给申请人的说明"), filters=[_stripped], validators=[
        Optional(), Length(max=500, message=_l("给申请人的说明请不要超过500个字"))])
    note = TextAreaField(_l("内部备注"), filters=[_stripped], validators=[
        Optional(), Length(max=1000, message=_l("内部备注请不要超过1000个字"))])
    version = HiddenField(validators=[InputRequired(), Regexp(r"^\d{1,9}$")])


class RequestInfoForm(ActionForm):
    message = TextAreaField(_l("需要申请人补充什么"), filters=[_stripped], validators=[
        DataRequired(message=_l("请写明需要申请人补充什么材料，申请人会看到这段话")),
        Length(max=500, message=_l("给申请人的说明请不要超过500个字"))])


class RejectForm(ActionForm):
    message = TextAreaField(_l("不予批准的理由"), filters=[_stripped], validators=[
        DataRequired(message=_l("请写明不予批准的理由，申请人会看到这段话")),
        Length(max=500, message=_l("给申请人的说明请不要超过500个字"))])


ACTION_FORMS = {"request_info": RequestInfoForm, "reject": RejectForm}


def action_form(action_code: str, **kwargs) -> ActionForm:
    return ACTION_FORMS.get(action_code, ActionForm)(**kwargs)


def DayField(label):  # noqa: N802 – a field factory
    """A date typed as 2026-11-28 (the browser's date picker sends the same)."""
    return DateField(label, validators=[Optional()],
                     invalid_value_message=_l("请按“2026-11-28”的格式输入日期"))


class AuditFilterForm(GetForm):
    actor = StringField(_l("工作人员"), validators=[Optional(), Length(max=60)])
    reference = StringField(_l("受理编号"), validators=[Optional(), Length(max=20)])
    action = SelectField(_l("操作"), default="", validate_choice=False)
    date_from = DayField(_l("从哪天"))
    date_to = DayField(_l("到哪天"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.action.choices = [SelectChoice("", _l("全部操作"))] + [
            SelectChoice(code, label) for code, label in audit.ACTIONS.items()]

    def to_query(self) -> audit.AuditQuery:
        return audit.AuditQuery(
            actor=(self.actor.data or "").strip() or None,
            reference=references.normalise(self.reference.data or "") or None,
            action=self.action.data if self.action.data in audit.ACTIONS else None,
            date_from=self.date_from.data, date_to=self.date_to.data)

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("结束日期不能早于开始日期"))


class StaffAccountForm(FlaskForm):
    """An administrator creates a staff account with its role, street and first password."""

    display_name = StringField(_l("姓名"), validators=[
        InputRequired(message=_l("请输入姓名")),
        Length(max=60, message=_l("姓名不能超过60个字"))],
        filters=[lambda value: value.strip() if isinstance(value, str) else value])
    phone = StringField(_l("手机号码"), validators=[
        InputRequired(message=_l("请输入手机号码")), MobileNumber()])
    role = RadioField(_l("角色"), validators=[InputRequired(message=_l("请选择角色"))],
                      choices=[SelectChoice(role, label) for role, label in ROLE_CHOICES])
    street = SelectField(_l("所属街道、镇"), default="", validate_choice=False)
    password = PasswordField(_l("初始密码"), validators=[
        InputRequired(message=_l("请设置初始密码")), NewPassword(staff=True)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.street.choices = [SelectChoice("", _l("不属于某个街道、镇（区级）"))] + [
            SelectChoice(street.code, street_label(street)) for street in streets.all_streets()]

    def validate_street(self, field):
        known = {choice.value for choice in field.choices}
        if field.data not in known:
            raise ValidationError(_l("请从列表中选择街道、镇"))
        if self.role.data == "street_officer" and not field.data:
            raise ValidationError(_l("街道工作人员请选择所属街道、镇"))

    @property
    def street_code(self) -> str | None:
        """Only street officers belong to a street."""
        return self.street.data if self.role.data == "street_officer" else None


class SetPasswordForm(FlaskForm):
    """A staff member sets their own new password from the link sent by text."""
    password = PasswordField(_l("新密码"), validators=[
        InputRequired(message=_l("请输入新密码")), NewPassword(staff=True)])
    confirm = PasswordField(_l("再输入一次新密码"), validators=[
        InputRequired(message=_l("请再输入一次新密码"))])

    def validate_confirm(self, field):
        if field.data != self.password.data:
            raise ValidationError(_l("两次输入的密码不一样，请再输入一次"))


class ConfirmForm(FlaskForm):
    """A button and the CSRF token."""


class CounterLinkForm(FlaskForm):
    """Linking an account to its person at the counter: the officer says what they saw."""
    checked = BooleanField(_l("我已当面核验了原件"), validators=[
        InputRequired(message=_l("请先当面核验原件，再勾选这一项"))])
