"""The forms of a 差评's follow-up: the call-back, and what was done (told to the rater)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, TextAreaField
from wtforms.validators import InputRequired, Length

from portal.labels import CONTACT_METHODS, FOLLOW_UP_OUTCOMES
from portal.ratings.follow_ups import MAX_TEXT
from portal.web.forms import PortalForm

_TOO_LONG = _l("请写在2000个字以内")


class CallBackForm(PortalForm):
    method = RadioField(_l("怎样回访的"), choices=list(CONTACT_METHODS.items()),
                        validators=[InputRequired(message=_l("请选择回访的方式"))])
    finding = TextAreaField(_l("回访核实的情况"), validators=[
        InputRequired(message=_l("请写下回访核实的情况")),
        Length(max=MAX_TEXT, message=_TOO_LONG)])


class CloseForm(PortalForm):
    outcome = RadioField(_l("处理结果"), choices=list(FOLLOW_UP_OUTCOMES.items()),
                         validators=[InputRequired(message=_l("请选择处理结果"))])
    action_taken = TextAreaField(_l("做了什么（内部记录）"), validators=[
        InputRequired(message=_l("请写下做了什么")), Length(max=MAX_TEXT, message=_TOO_LONG)])
    message_to_rater = TextAreaField(_l("告诉评价人的说明"), validators=[
        InputRequired(message=_l("请写下告诉评价人的说明")),
        Length(max=MAX_TEXT, message=_TOO_LONG)])
