"""The staff's forms for a written question: the answer, and publishing it on the guide."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField
from wtforms.validators import InputRequired, Length

from portal.questions.questions import MAX_TEXT
from portal.web.forms import PortalForm

_TOO_LONG = _l("请写在2000个字以内")


class AnswerForm(PortalForm):
    answer = TextAreaField(_l("答复"), validators=[
        InputRequired(message=_l("请写下答复")), Length(max=MAX_TEXT, message=_TOO_LONG)])


class PublishForm(PortalForm):
    published_question = TextAreaField(_l("公开的问题"), validators=[
        InputRequired(message=_l("请写下公开的问题")), Length(max=MAX_TEXT, message=_TOO_LONG)])
    published_answer = TextAreaField(_l("公开的答复"), validators=[
        InputRequired(message=_l("请写下公开的答复")), Length(max=MAX_TEXT, message=_TOO_LONG)])
