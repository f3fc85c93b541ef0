"""The forms of a person's requests about their data: correction, deletion (the person's side)
and the staff's decision."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import RadioField, SelectChoice, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from portal.retention.requests import MAX_TEXT
from portal.web.forms import PortalForm

_TOO_LONG = _l("请写在2000个字以内")


class _PersonChoice(PortalForm):
    person = RadioField(_l("这是谁的个人信息？"), coerce=int,
                        validators=[InputRequired(message=_l("请选择是谁的个人信息"))])

    def __init__(self, people=(), *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.person.choices = [SelectChoice(person.id, label) for person, label in people]
        if len(people) == 1 and not self.is_submitted():
            self.person.data = people[0][0].id


class CorrectionForm(_PersonChoice):
    what_is_wrong = TextAreaField(_l("哪里不对"), validators=[
        InputRequired(message=_l("请写下哪一项信息不对")),
        Length(max=MAX_TEXT, message=_TOO_LONG)])
    should_be = TextAreaField(_l("应当是什么"), validators=[
        InputRequired(message=_l("请写下正确的信息应当是什么")),
        Length(max=MAX_TEXT, message=_TOO_LONG)])
    file = FileField(_l("证明材料"))


class DeletionForm(_PersonChoice):
    what_is_wrong = TextAreaField(_l("想删除哪些信息，为什么"), validators=[
        Optional(), Length(max=MAX_TEXT, message=_TOO_LONG)])


class DecisionForm(PortalForm):
    decision = RadioField(_l("办理结果"), validators=[
        InputRequired(message=_l("请选择办理结果"))])
    reason = TextAreaField(_l("告诉申请人的说明"), validators=[
        InputRequired(message=_l("请写下告诉申请人的说明")),
        Length(max=MAX_TEXT, message=_TOO_LONG)])

    def __init__(self, choices=(), *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.decision.choices = [SelectChoice(value, label) for value, label in choices]
