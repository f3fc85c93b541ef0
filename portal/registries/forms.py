"""Forms of the registries' pages (the admin's import, the street officers' worklist)."""
from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, Regexp, ValidationError

from portal.registries.discovery import OUTCOME_LABELS
from portal.web.forms import PortalForm

KIND_LABELS = {
    "certificates": _l("残疾人证持证人员（区残联）"),
    "households": _l("低保、低收入、特困人员名单（区民政）"),
}


def _stripped(value):
    return value.strip() if isinstance(value, str) else value


class ImportForm(PortalForm):
    kind = RadioField(_l("导入哪一份名单"), validators=[
        InputRequired(message=_l("请选择要导入的名单"))],
        choices=[SelectChoice(code, label) for code, label in KIND_LABELS.items()])
    as_of = StringField(_l("数据截至日期"), filters=[_stripped], validators=[
        Optional(), Regexp(r"^\d{4}-\d{2}-\d{2}$",
                           message=_l("请按“年-月-日”输入日期，例如 2026-11-30"))])
    file = FileField(_l("名单文件（.xlsx 或 CSV）"), validators=[
        FileRequired(message=_l("请选择名单文件（.xlsx 或 CSV）"))])

    def validate_as_of(self, field):
        if not field.data:
            return
        try:
            day = date.fromisoformat(field.data)
        except ValueError:
            raise ValidationError(
                _l("这个日期不存在，请检查后重新输入，例如 2026-11-30")) from None
        if day > date.today():
            raise ValidationError(_l("数据截至日期不能晚于今天"))

    def day(self) -> date:
        return date.fromisoformat(self.as_of.data) if self.as_of.data else date.today()


class ConfirmImportForm(PortalForm):
    """The import, after the preview: a button and the CSRF token."""


class ContactForm(PortalForm):
    outcome = RadioField(_l("联系结果"), validators=[
        InputRequired(message=_l("请选择联系结果"))],
        choices=[SelectChoice(code, label) for code, label in OUTCOME_LABELS.items()])
    note = TextAreaField(_l("备注"), filters=[_stripped], validators=[
        Optional(), Length(max=500, message=_l("备注最多500个字"))])


class InviteForm(PortalForm):
    """Sending the invitation text: a button and the CSRF token."""
