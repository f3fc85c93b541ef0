"""The question form: what it is about, the question, an optional number for a text reply and
an optional sign-language video."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from portal.account.validators import MobileNumber
from portal.eligibility import programmes
from portal.labels import QUESTION_TOPICS, programme_name
from portal.questions.questions import MAX_TEXT
from portal.web.forms import PortalForm


class QuestionForm(PortalForm):
    about = RadioField(_l("您想问什么？"), choices=list(QUESTION_TOPICS.items()),
                       validators=[InputRequired(message=_l("请选择您想问的是什么"))])
    programme = SelectField(_l("哪一项服务或补贴"), validate_choice=False,
                            validators=[Optional()])
    application = SelectField(_l("哪一份申请"), validate_choice=False, validators=[Optional()])
    text = TextAreaField(_l("您的问题"), validators=[
        InputRequired(message=_l("请写下您的问题")),
        Length(max=MAX_TEXT, message=_l("问题请写在2000个字以内"))])
    phone = StringField(_l("接收答复短信的手机号码"), validators=[Optional(), MobileNumber()])
    video = FileField(_l("手语视频"))

    def __init__(self, applications=(), *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme.choices = [SelectChoice("", _l("请选择"))] + [
            SelectChoice(p.code, programme_name(p.code)) for p in programmes()]
        self.application.choices = [SelectChoice("", _l("请选择"))] + [
            SelectChoice(a.reference, f"{programme_name(a.programme)} {a.reference}")
            for a in applications]
        self.signed_in_applications = list(applications)

    def validate_programme(self, field):
        if self.about.data == "programme" and not field.data:
            raise ValidationError(_l("请选择哪一项服务或补贴"))

    def validate_application(self, field):
        if self.about.data == "application" and not field.data:
            raise ValidationError(_l("请选择哪一份申请；如果还没有登录，请先登录"))
