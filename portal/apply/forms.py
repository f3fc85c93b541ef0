"""The forms of the application journey (网上申请), one per page.

Choices that come from data (streets, the eligibility fact table) are filled in when the form is
built, in the reader's language. Errors are written for people; the normalised value of each
field (a clean ID number, a card number without spaces) is what the views receive.
"""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from markupsafe import Markup
from wtforms import BooleanField, RadioField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from portal.account.validators import MobileNumber
from portal.apply import programmes
from portal.apply.relationships import ON_BEHALF
from portal.content.streets import all_streets
from portal.labels import PAYMENT_METHODS as PAYMENT_METHOD_LABELS
from portal.labels import RELATIONSHIPS as RELATIONSHIP_LABELS
from portal.labels import fact_value
from portal.people import identity
from portal.web.forms import PortalForm
from portal.web.i18n import localized, zh_text
from portal.web.validators import (
    BankCardValid,
    DateValid,
    IdNumberValid,
    Invalid,
    NameValid,
    check_certificate_digits,
    check_certificate_number,
)

YES_NO = (("yes", _l("是")), ("no", _l("否")))


def _street_choices(language: str):
    return [(s.code, s.name(language)) for s in all_streets()]


class WhoForm(PortalForm):
    """Whom the application is for: oneself, someone applied for before, or someone new."""

    who = RadioField(_l("您在为谁申请？"),
                     validators=[InputRequired(message=_l("请选择您在为谁申请。"))])

    def __init__(self, people=(), *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("self", _("为我自己申请"))]
        # (the name marked as Chinese on pages in another language: the label is markup)
        choices += [(f"person-{p.id}", Markup(_("为%(name)s申请（身份证号码%(id)s）")) % {
                        "name": zh_text(p.full_name), "id": identity.masked_id(p)})
                    for p in people]
        choices.append(("other", _("为其他人申请")))
        self.who.choices = choices


class RelationshipForm(PortalForm):
    relationship = RadioField(
        _l("您和申请对象是什么关系？"),
        choices=[(code, RELATIONSHIP_LABELS[code]) for code, _hint in ON_BEHALF],
        validators=[InputRequired(message=_l("请选择您和申请对象的关系。"))],
    )

    def __init__(self, *args, guardian_reason=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.guardian_reason = guardian_reason

    def validate_relationship(self, field):
        if self.guardian_reason and field.data != "guardian":
            raise ValidationError(_("%(reason)s如果您是申请对象的监护人，请选择“监护人”；"
                                    "如果不是，请由监护人来申请。", reason=self.guardian_reason))


class PersonalDetailsForm(PortalForm):
    full_name = StringField(_l("姓名"), validators=[NameValid()])
    id_number = StringField(_l("身份证号码"), validators=[IdNumberValid()])
    phone = StringField(_l("手机号码"), validators=[
        InputRequired(message=_l("请输入手机号码")), MobileNumber()])
    address = StringField(_l("居住地址"), validators=[
        InputRequired(message=_l("请输入居住地址。")),
        Length(max=200, message=_l("居住地址不能超过200个字。")),
    ])
    street = RadioField(_l("户籍所在的街道（镇）"),
                        validators=[InputRequired(message=_l("请选择户籍所在的街道（镇）。"))])

    def __init__(self, *args, language="zh", id_saved=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.street.choices = _street_choices(language)
        self.id_saved = id_saved
        if id_saved:  # a number is on file: leave blank to keep it
            self.id_number.validators = [IdNumberValid(optional=True)]
            self.id_number.flags.required = False


class CertificateForm(PortalForm):
    has_certificate = RadioField(
        _l("申请对象有残疾人证吗？"), choices=YES_NO,
        validators=[InputRequired(message=_l("请选择申请对象是否有残疾人证。"))])
    certificate_number = StringField(_l("残疾人证号"))
    category = RadioField(_l("残疾类别"), validate_choice=False)
    grade = RadioField(_l("残疾等级"), validate_choice=False)
    valid_until = StringField(_l("残疾人证有效期至"),
                              validators=[DateValid(optional=True, earliest=date(1990, 1, 1))])

    def __init__(self, *args, id_number_hash=None, saved_number=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.id_number_hash = id_number_hash
        # the last four of the number on file: its last two digits are category and grade
        self.saved_number = saved_number
        category, grade = programmes.fact("disability_category"), programmes.fact("disability_grade")
        self.category.choices = [(v, localized(label))
                                 for v, label in category.value_labels.items()]
        self.grade.choices = [(str(v), localized(label))
                              for v, label in grade.value_labels.items()]
        for field in (self.category, self.grade):
            field.flags.required = True  # when there is a certificate (see the hint)
        self.certificate_number.flags.required = not saved_number
        self.certificate = None

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if self.has_certificate.data != "yes":
            return valid
        for field, message in ((self.category, _("请选择残疾类别。")),
                               (self.grade, _("请选择残疾等级。"))):
            if field.data not in {value for value, _label in field.choices}:
                field.errors.append(message)
                field.data = None
                valid = False
        try:
            if self.saved_number and not (self.certificate_number.data or "").strip():
                check_certificate_digits(self.saved_number, category=self.category.data,
                                         grade=self.grade.data,
                                         labels=fact_value)
            else:
                self.certificate = check_certificate_number(
                    self.certificate_number.data, id_number_hash=self.id_number_hash,
                    category=self.category.data, grade=self.grade.data,
                    labels=fact_value)
                self.certificate_number.data = self.certificate.number
        except Invalid as problem:
            self.certificate_number.errors.append(problem.message)
            valid = False
        return valid


class HouseholdForm(PortalForm):
    household = RadioField(_l("申请对象的家庭属于哪种情况？"),
                           validators=[InputRequired(message=_l("请选择申请对象家庭的情况。"))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        fact = programmes.fact("household")
        self.household.choices = [(v, localized(label))
                                  for v, label in fact.value_labels.items()]


PAYMENT_METHODS = tuple(PAYMENT_METHOD_LABELS.items())


class PaymentForm(PortalForm):
    method = RadioField(_l("补贴发到哪种卡上？"), choices=PAYMENT_METHODS,
                        validators=[InputRequired(message=_l("请选择银行卡或社会保障卡。"))])
    bank_name = StringField(_l("开户银行"), validators=[
        InputRequired(message=_l("请输入开户银行的名称。")),
        Length(max=60, message=_l("开户银行的名称不能超过60个字。")),
    ])
    account_holder = StringField(_l("持卡人姓名"), validators=[NameValid()])
    card_number = StringField(_l("卡号"), validators=[BankCardValid()])


def questions_form(facts, data=None):
    """A form with one yes/no or choice question per eligibility fact, labelled from the fact
    table. `data`: answers already given ({fact: value})."""

    class QuestionsForm(PortalForm):
        pass

    initial = {}
    for fact in facts:
        if fact.type == "bool":
            choices = [("true", localized(fact.value_labels[True])),
                       ("false", localized(fact.value_labels[False]))]
        else:
            choices = [(v, localized(label)) for v, label in fact.value_labels.items()]
        label = localized(fact.label)
        setattr(QuestionsForm, fact.name, RadioField(
            label, choices=choices,
            validators=[InputRequired(message=_("请回答：%(question)s", question=label))]))
        if data and fact.name in data:
            value = data[fact.name]
            initial[fact.name] = ("true" if value else "false") if fact.type == "bool" else value
    return QuestionsForm(data=initial)


def question_value(fact, raw: str):
    """The fact value a question's answer stands for."""
    return raw == "true" if fact.type == "bool" else raw


class UploadForm(PortalForm):
    """One upload box; a page holds one per document, told apart by `prefix`."""

    file = FileField(_l("选择文件"), validators=[FileRequired(message=_l("请选择要上传的文件。"))])


class DocumentsDoneForm(PortalForm):
    pass


class RemoveDocumentForm(PortalForm):
    pass


class ConsentForm(PortalForm):
    consent = BooleanField(
        _l("我同意上述部门为办理这项申请处理申请对象的残疾和健康等敏感个人信息"),
        validators=[DataRequired(message=_l("请勾选同意后再继续。不同意的，可以拨打12385了解其他办理方式。"))],
    )


class DeclarationForm(PortalForm):
    declaration = BooleanField(
        _l("我声明：以上填写的内容和上传的材料真实、完整"),
        validators=[DataRequired(message=_l("请勾选声明后再提交申请。"))],
    )
