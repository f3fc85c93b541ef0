"""The self-check's forms: one form per question page, built from the question's data."""
from __future__ import annotations

from flask import request
from flask_babel import gettext as _
from wtforms import HiddenField, RadioField, SelectMultipleField, StringField
from wtforms.validators import ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

try:  # WTForms 3.3 names its choices; older versions take (value, label) pairs
    from wtforms.fields.choices import SelectChoice as _choice
except ImportError:  # pragma: no cover
    def _choice(value, label):
        return (value, label)

from portal.checker import flow
from portal.eligibility import FACTS
from portal.web.forms import PortalForm
from portal.web.i18n import localized


class MultiCheckboxField(SelectMultipleField):
    """Checkboxes (the form macros render a field of this type as a checkbox group)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class TokenlessForm(PortalForm):
    """The self-check's forms carry no CSRF token: its pages are the same for every visitor
    and kept whole; a POST from another site is refused by portal/web/same_origin.py."""

    class Meta:
        csrf = False


class StartForm(TokenlessForm):
    """Starting again: a button, nothing else."""


class ResumeForm(TokenlessForm):
    """Taking the answers of a results link into this browser, to change them."""

    a = HiddenField()


def question_form(question: flow.Question, token: str | None = None) -> TokenlessForm:
    """A form with one field, ``answer``, for ``question``; ``token``: the answer given before
    (shown when the page is opened, never mixed into what is sent)."""

    class QuestionForm(TokenlessForm):
        pass

    label = localized(question.text)
    if question.kind == flow.NUMBER:
        field = StringField(label, validators=[_number_check(question)])
    elif question.kind == flow.CHECKBOXES:
        choices = [_choice(o.token, localized(o.label)) for o in question.options]
        choices.append(_choice(flow.NONE_CHOSEN, localized(question.none_label)))
        field = MultiCheckboxField(label, choices=choices, validate_choice=False,
                                   validators=[_boxes_check(question)])
    else:
        choices = [_choice(o.token, localized(o.label)) for o in question.options]
        field = RadioField(label, choices=choices, validate_choice=False,
                           validators=[_choice_check(question)])
    QuestionForm.answer = field
    if request.method == "GET" and token is not None:
        # Only when showing the page: a radio button left empty on sending must stay empty.
        return QuestionForm(data={"answer": question.form_data(token)})
    return QuestionForm()


def _choice_check(question: flow.Question):
    tokens = {option.token for option in question.options}

    def check(form, field):
        if field.data not in tokens:
            raise ValidationError(localized(question.error))

    check.field_flags = {"required": True}  # said as a required radio group (aria-required)
    return check


def _boxes_check(question: flow.Question):
    tokens = {option.token for option in question.options} | {flow.NONE_CHOSEN}

    def check(form, field):
        chosen = field.data or []
        if not chosen or not set(chosen) <= tokens or len(set(chosen)) != len(chosen):
            raise ValidationError(localized(question.error))
        if flow.NONE_CHOSEN in chosen and len(chosen) > 1:
            raise ValidationError(_("选择了“%(none)s”，就请不要再选择其他项", none=localized(question.none_label)))

    return check


def _number_check(question: flow.Question):
    fact = FACTS[question.fact]

    def check(form, field):
        if not (field.data or "").strip():
            raise ValidationError(localized(question.error))
        try:
            value = flow.parse_number(field.data)
        except ValueError:
            raise ValidationError(localized(question.errors["not_a_number"])) from None
        if not fact.minimum <= value <= fact.maximum:
            raise ValidationError(localized(question.errors["out_of_range"]))

    check.field_flags = {"required": True}  # an answer is needed: the page says nothing is optional
    return check
