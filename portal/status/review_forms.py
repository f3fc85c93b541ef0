"""Forms of the yearly review (年审): the resident's (has anything changed? which? the new
values of only those) and the street officer's visit (every fact prefilled, the visit's day,
a note). One field per fact the review asks (portal.benefits.reviews.REVIEW_FACTS), made here
once for both."""
from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, Regexp, ValidationError

from portal.benefits.reviews import ReviewFact, facts_asked
from portal.checker.forms import MultiCheckboxField
from portal.content import streets
from portal.eligibility import FACTS
from portal.labels import review_fact_label, street_name
from portal.web.forms import PortalForm
from portal.web.i18n import localized

YES_NO = {"yes": True, "no": False}
MAX_NOTE = 2000


class ChangedForm(PortalForm):
    changed = RadioField(_l("上面这些情况有变化吗？"),
                         choices=[SelectChoice("no", _l("没有变化")),
                                  SelectChoice("yes", _l("有变化"))],
                         validators=[InputRequired(message=_l("请选择这些情况有没有变化"))])


class WhichForm(PortalForm):
    which = MultiCheckboxField(_l("哪些情况有变化？"), validate_choice=False, validators=[
        InputRequired(message=_l("请至少选择一项有变化的情况"))])

    def __init__(self, programme: str, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.which.choices = [SelectChoice(f.name, review_fact_label(f.name))
                              for f in facts_asked(programme)]

    def chosen(self) -> list[str]:
        allowed = {value for value, *_ in self.which.choices}
        return [name for name in self.which.data or [] if name in allowed]


def _valid_day(form, field):
    if not field.data:
        return
    try:
        date.fromisoformat(field.data)
    except ValueError:
        raise ValidationError(_l("这个日期不存在，请检查后重新输入，例如 2036-07-01")) from None


def _stripped(value):
    return value.strip() if isinstance(value, str) else value


def _field(fact: ReviewFact, date_required: bool = True):
    """The field asking `fact`'s new value (None for the card: choosing it says it all).
    `date_required`: False on a visit, where a date not known may stay blank."""
    required = InputRequired(message=_l("请回答：%(label)s", label=review_fact_label(fact.name)))
    label = review_fact_label(fact.name)
    if fact.kind == "fact":
        known = FACTS[fact.name]
        if known.type == "bool":
            choices = [SelectChoice("yes", localized(known.value_labels.get(True)) or _l("是")),
                       SelectChoice("no", localized(known.value_labels.get(False)) or _l("否"))]
        else:
            choices = [SelectChoice(v, localized(known.value_labels[v])) for v in known.values]
        return RadioField(label, choices=choices, validators=[required])
    if fact.kind == "street":
        return RadioField(label, choices=[SelectChoice(s.code, street_name(s.code))
                                          for s in streets.all_streets()],
                          validators=[required])
    if fact.kind == "date":
        return StringField(label, filters=[_stripped], validators=[
            required if date_required else Optional(), Regexp(r"^\d{4}-\d{2}-\d{2}$",
                             message=_l("请按“年-月-日”输入日期，例如 2036-07-01")), _valid_day])
    return None


def to_form_value(fact: ReviewFact, value):
    if value is None:
        return None
    if fact.kind == "fact" and FACTS[fact.name].type == "bool":
        return "yes" if value else "no"
    return str(value)


def from_form_value(fact: ReviewFact, value):
    if fact.kind == "fact" and FACTS[fact.name].type == "bool":
        return YES_NO.get(value)
    return value


def details_form(programme: str, names: list[str], **kwargs) -> PortalForm:
    """Only the chosen facts' fields (the card needs none)."""
    class DetailsForm(PortalForm):
        pass

    for fact in facts_asked(programme):
        if fact.name in names:
            made = _field(fact)
            if made is not None:
                setattr(DetailsForm, fact.name, made)
    return DetailsForm(**kwargs)


def changes_from(form, programme: str, names: list[str]) -> dict:
    changes = {}
    for fact in facts_asked(programme):
        if fact.name not in names:
            continue
        changes[fact.name] = "changed" if fact.kind == "card" \
            else from_form_value(fact, form[fact.name].data)
    return changes


def visit_form(programme: str, known: dict, **kwargs) -> PortalForm:
    """The officer's visit: the day, every fact prefilled with what is known, a note."""
    class VisitForm(PortalForm):
        visited_on = StringField(_l("上门核实的日期"), filters=[_stripped], validators=[
            InputRequired(message=_l("请输入上门核实的日期，例如 2026-03-15")),
            Regexp(r"^\d{4}-\d{2}-\d{2}$",
                   message=_l("请按“年-月-日”输入日期，例如 2026-03-15")), _valid_day])
        note = TextAreaField(_l("备注"), filters=[_stripped], validators=[
            Optional(), Length(max=MAX_NOTE, message=_l("备注请不要超过%(max)s个字",
                                                          max=MAX_NOTE))])

        def visited_day(self) -> date:
            return date.fromisoformat(self.visited_on.data)

        def validate_visited_on(self, field):
            try:
                if date.fromisoformat(field.data) > date.today():
                    raise ValidationError(_l("上门核实的日期不能晚于今天"))
            except ValueError:
                return

    data = {}
    for fact in facts_asked(programme):
        if fact.kind == "card":
            setattr(VisitForm, "card", RadioField(
                review_fact_label("card"),
                choices=[SelectChoice("same", _l("还在使用")),
                         SelectChoice("changed", _l("不再使用，需要登记新的账户"))],
                validators=[InputRequired(message=_l("请选择收款账户是否还在使用"))]))
            data["card"] = "same"
        else:
            setattr(VisitForm, fact.name, _field(fact, date_required=False))
            data[fact.name] = to_form_value(fact, known.get(fact.name))
    kwargs.setdefault("data", data)
    return VisitForm(**kwargs)


def visit_changes(form, programme: str, known: dict) -> dict:
    """What the officer recorded differently from what was known."""
    changes = {}
    for fact in facts_asked(programme):
        if fact.kind == "card":
            if form.card.data == "changed":
                changes["card"] = "changed"
            continue
        value = from_form_value(fact, form[fact.name].data)
        if value not in (None, "") and value != known.get(fact.name):
            changes[fact.name] = value
    return changes


__all__ = ["ChangedForm", "WhichForm", "changes_from", "details_form", "visit_changes",
           "visit_form"]
