"""Forms of the status pages: the family look-up, withdrawing, answering a request for more
information, and giving or ending a family member's access."""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from wtforms import HiddenField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, StopValidation

from portal.account.forms import CodeForm
from portal.account.validators import MobileNumber
from portal.accounts import family_lookup
from portal.applications import information_requests
from portal.apply.forms import PaymentForm, UploadForm
from portal.changes.kinds import Kind
from portal.content.streets import all_streets
from portal.labels import CARE_PLACES, CHANGE_FIELDS, HOUSEHOLD_CHANGES
from portal.people import identity
from portal.web.forms import PortalForm
from portal.web.i18n import zh_text
from portal.web.validators import DateValid, IdNumberValid

__all__ = ["AnswerForm", "CodeForm", "ConfirmForm", "GrantForm", "LookupForm", "ProveForm",
           "UploadForm", "VersionForm", "change_form"]


class ReferenceNumber:
    """A 受理编号 in any reasonable spelling; leaves "HY-2026-7K3QX9" in field.data."""

    def __call__(self, form, field):
        value = family_lookup.parse_reference(field.data)
        if value is None:
            raise StopValidation(_("受理编号的格式是“HY-年份-6位字母或数字”，例如 HY-2026-7K3QX9。"
                                   "请对照回执或短信核对。"))
        field.data = value


class LookupForm(PortalForm):
    reference = StringField(_l("受理编号"), validators=[
        InputRequired(message=_l("请输入受理编号")), ReferenceNumber()])
    id_number = StringField(_l("申请对象的身份证号码"), validators=[IdNumberValid()])


class ConfirmForm(PortalForm):
    """Only the button and the CSRF token."""


class VersionForm(PortalForm):
    """A confirmation that carries the version of the application it was shown for."""
    version = HiddenField()

    def version_number(self) -> int | None:
        try:
            return int(self.version.data)
        except (TypeError, ValueError):
            return None


class AnswerForm(VersionForm):
    answer = TextAreaField(_l("您的答复"), validators=[
        Length(max=information_requests.MAX_ANSWER,
               message=_l("答复不能超过2000个字。内容较多的，可以拍照或存成PDF文件上传。"))])


class ProveForm(PortalForm):
    """Which person the account proves it is (those it applied for "for myself")."""
    person = RadioField(_l("您要验证的是哪一位？"),
                        validators=[InputRequired(message=_l("请选择要验证的申请对象"))])

    def __init__(self, people=(), *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.person.choices = [SelectChoice(str(p.person_id), p.name) for p in people]
        if len(self.person.choices) == 1 and not self.person.data:
            self.person.data = self.person.choices[0].value


class GrantForm(PortalForm):
    person = RadioField(_l("让家人查看谁的申请？"),
                        validators=[InputRequired(message=_l("请选择让家人查看谁的申请"))])
    phone = StringField(_l("家人的手机号码"), validators=[
        InputRequired(message=_l("请输入家人的手机号码")), MobileNumber()])

    def __init__(self, people=(), *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.person.choices = [
            SelectChoice(str(p.id), Markup(_("%(name)s（身份证号码%(id)s）")) % {
                "name": zh_text(p.full_name), "id": identity.masked_id(p)})
            for p in people]


# ── a change of circumstances (portal.changes): one page per kind, its fields from this table ─

def _day(name: str):
    return StringField(CHANGE_FIELDS[name], validators=[
        DateValid(earliest=date(2000, 1, 1), latest=date.today)])


CHANGE_FIELDS_FORM = {
    # The bank or 社保卡 account: the application journey's own fields and checks.
    "method": PaymentForm.method, "bank_name": PaymentForm.bank_name,
    "account_holder": PaymentForm.account_holder, "card_number": PaymentForm.card_number,
    "new_street": RadioField(CHANGE_FIELDS["new_street"], validators=[
        InputRequired(message=_l("请选择新的户籍街道（镇）。"))]),
    "household_change": RadioField(
        CHANGE_FIELDS["household_change"], choices=list(HOUSEHOLD_CHANGES.items()),
        validators=[InputRequired(message=_l("请选择家庭发生了什么变化。"))]),
    "place": RadioField(CHANGE_FIELDS["place"], choices=list(CARE_PLACES.items()),
                        validators=[InputRequired(message=_l("请选择住在医院还是机构。"))]),
    **{name: _day(name) for name in ("moved_on", "changed_on", "work_from", "stay_from",
                                     "left_on", "died_on")},
}


class _ChangeForm(PortalForm):
    def answers(self) -> dict:
        return {name: field.data for name, field in self._fields.items()
                if name != "csrf_token"}


def change_form(kind: Kind, current_street: str, language: str, data: dict | None = None):
    """The form of `kind`'s page: its fields (CHANGE_FIELDS_FORM), in the kind's order."""
    form_class = type(f"ChangeForm_{kind.code}", (_ChangeForm,),
                      {name: CHANGE_FIELDS_FORM[name] for name in kind.fields})
    form = form_class(data=data)
    if "new_street" in form:
        form.new_street.choices = [(s.code, s.name(language)) for s in all_streets()
                                   if s.code != current_street]
    return form
