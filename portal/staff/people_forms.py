"""The staff's forms for the person's file (一人一档): the search, and the timeline's filter."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from portal.checker.forms import MultiCheckboxField
from portal.people.record import KIND_LABELS
from portal.web.forms import PortalForm


class PersonSearchForm(PortalForm):
    """Sent by POST (with its CSRF token): what is typed may be an ID number or a phone
    number, which must never be in a URL (portal/staff/people.py seals it)."""

    q = StringField(_l("查找服务对象"), validators=[
        DataRequired(message=_l("请输入受理编号、身份证号码、手机号码或姓名")),
        Length(max=40, message=_l("请输入40个字以内"))])


class TimelineFilterForm(PortalForm):
    """The kinds of entry to show, read from the query string (a GET form: no CSRF, nothing
    personal in it). None ticked: every kind."""

    kind = MultiCheckboxField(_l("显示哪些记录"), validate_choice=False,
                              choices=[SelectChoice(code, label)
                                       for code, label in KIND_LABELS.items()])

    def kinds(self) -> tuple[str, ...]:
        return tuple(code for code in (self.kind.data or []) if code in KIND_LABELS)
