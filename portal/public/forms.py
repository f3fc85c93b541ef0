"""The form on the accessibility statement for reporting a problem."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from portal.web.forms import PortalForm


class AccessibilityReportForm(PortalForm):
    page = StringField(_l("问题出现在哪个页面"), validators=[
        Optional(), Length(max=300, message=_l("页面名称或网址不能超过300个字")),
    ])
    description = TextAreaField(_l("遇到了什么问题"), validators=[
        DataRequired(_l("请写下您遇到的问题")),
        Length(max=2000, message=_l("问题描述不能超过2000个字")),
    ])
    contact = StringField(_l("联系电话"), validators=[
        Optional(), Length(max=40, message=_l("联系电话不能超过40个字")),
    ])
