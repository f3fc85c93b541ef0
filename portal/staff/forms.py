"""Forms of the staff console. Errors are written for people, in Chinese."""
from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    Optional,
    Regexp,
    ValidationError,
)

from portal import dates
from portal.account.validators import MobileNumber, NewPassword
from portal.applications import decisions, queues, references, status_machine
from portal.audit import log as audit
from portal.content import streets
from portal.labels import (
    END_REASONS,
    STAFF_END_REASONS,
    STAFF_ROLES,
    SUSPEND_REASONS,
    change_outcome_label,
    programme_name,
    street_name,
)
from portal.staff import programmes
from portal.web.forms import PortalForm
from portal.web.i18n import localized

ROLE_CHOICES = list(STAFF_ROLES.items())


class GetForm(PortalForm):
    """A filter form sent with GET: no CSRF token, nothing changes."""

    class Meta:
        csrf = False


class QueueFilterForm(PortalForm):
    """Sent by POST (with its CSRF token): the search may be an ID number, which must never
    be in a URL (portal/staff/routes.py queue). Read from the URL with meta={"csrf": False}."""

    view = SelectField(_l("显示哪些申请"), default=queues.VIEW_MINE, validate_choice=False)
    programme = SelectField(_l("项目"), default="", validate_choice=False)
    deadline = SelectField(_l("办理时限"), default="", validate_choice=False, choices=[
        SelectChoice("", _l("全部")),
        SelectChoice(queues.OVERDUE, _l("已超期")),
        SelectChoice(queues.DUE_SOON, _l("即将到期")),
    ])
    q = StringField(_l("搜索"), validators=[Optional(), Length(max=40)])

    def __init__(self, actor, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.view.choices = [SelectChoice(queues.VIEW_MINE, _l("等待我处理的")),
                             SelectChoice(queues.VIEW_ALL, _l("全部状态"))] + [
            SelectChoice(code, status.label) for code, status in status_machine.STATUSES.items()]
        self.programme.choices = [SelectChoice("", _l("全部项目"))] + [
            SelectChoice(code, programme_name(code))
            for code in queues.visible_programmes(actor, programmes.online_codes())]

    def lists_key(self) -> str | None:
        """The three lists' chosen values as a key for keeping them rendered (they are the same
        for every officer of a role, in a language, with the same choices made); None when a
        value is not one of its choices – that is rendered as it comes, never kept."""
        chosen = []
        for field in (self.view, self.programme, self.deadline):
            if field.errors or field.data not in {choice.value for choice in field.choices}:
                return None
            chosen.append(field.data)
        return "|".join(chosen)

    def to_filter(self) -> queues.QueueFilter:
        """The filter asked for; anything that is not one of the choices is ignored."""
        def chosen(field):
            values = {choice.value for choice in field.choices}
            return field.data if field.data in values else field.default

        q = (self.q.data or "").strip()[:40] or None
        return queues.QueueFilter(view=chosen(self.view) or queues.VIEW_MINE,
                                  programme=chosen(self.programme) or None,
                                  deadline=chosen(self.deadline) or None, q=q)


def _stripped(value):
    """Spaces and line breaks around a text (full-width spaces too) are not part of it: a
    reason of only spaces is no reason, and gets the form's polite error."""
    return value.strip() if isinstance(value, str) else value


class ActionForm(PortalForm):
    decision_template = None   # the details a decision records (an include), if any
    message = TextAreaField(_l("给申请人的说明"), filters=[_stripped], validators=[
        Optional(), Length(max=500, message=_l("给申请人的说明请不要超过500个字"))])
    note = TextAreaField(_l("内部备注"), filters=[_stripped], validators=[
        Optional(), Length(max=1000, message=_l("内部备注请不要超过1000个字"))])
    version = HiddenField(validators=[InputRequired(), Regexp(r"^\d{1,9}$")])


class RequestInfoForm(ActionForm):
    message = TextAreaField(_l("需要申请人补充什么"), filters=[_stripped], validators=[
        DataRequired(message=_l("请写明需要申请人补充什么材料，申请人会看到这段话")),
        Length(max=500, message=_l("给申请人的说明请不要超过500个字"))])


class RejectForm(ActionForm):
    message = TextAreaField(_l("不予批准的理由"), filters=[_stripped], validators=[
        DataRequired(message=_l("请写明不予批准的理由，申请人会看到这段话")),
        Length(max=500, message=_l("给申请人的说明请不要超过500个字"))])


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class StreetCheckForm(ActionForm):
    """初审通过: what the 入户核查 found, all required (portal.applications.decisions)."""
    decision_template = "staff/_street_check_fields.html"

    checked_on = DateField(_l("核查日期"), validators=[
        DataRequired(message=_l("请填写核查的日期，例如 2026-11-28"))],
        invalid_value_message=_l("请按“2026-11-28”的格式填写核查日期"))
    method = RadioField(_l("核查方式"), validators=[
        InputRequired(message=_l("请选择核查方式"))],
        choices=[SelectChoice(code, label)
                 for code, label in decisions.STREET_CHECK_METHODS.items()])
    checked_by = StringField(_l("核查人"), filters=[_strip], validators=[
        DataRequired(message=_l("请填写核查人的姓名")),
        Length(max=60, message=_l("核查人的姓名请不要超过60个字"))])
    findings = TextAreaField(_l("核查情况"), filters=[_strip], validators=[
        DataRequired(message=_l("请写明核查中看到、了解到的情况")),
        Length(max=1000, message=_l("核查情况请不要超过1000个字"))])

    def __init__(self, *args, application=None, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.application = application
        self.today = today

    def validate_checked_on(self, field):
        if field.data is None or self.application is None:
            return
        problem = decisions.street_check_problem(field.data, self.application.submitted_at,
                                                 self.today)
        if problem == "future":
            raise ValidationError(_l("核查日期不能晚于今天"))
        if problem == "before":
            raise ValidationError(_l("核查日期不能早于申请提交的日期（%(date)s）",
                                     date=decisions.working_days.local_date(
                                         self.application.submitted_at).isoformat()))

    def details(self) -> dict:
        return decisions.street_check_details(self.checked_on.data, self.method.data,
                                              self.checked_by.data, self.findings.data)


AMOUNT_ERRORS = {
    "missing": _l("请填写发放金额"),
    "range": _l("请填写大于0的金额，最多两位小数"),
    "fixed": _l("按所选的标准，发放金额应为%(amount)s元"),
    "ceiling": _l("按所选的标准，发放金额最多为%(amount)s元"),
    "floor": _l("发放金额不能低于%(amount)s元（%(source)s的标准）"),
}


class ApprovalForm(ActionForm):
    """批准 of a programme that pays money: the rate, the amount, the first month paid."""
    decision_template = "staff/_approval_fields.html"

    rate = RadioField(_l("发放标准"), validate_choice=False, validators=[
        InputRequired(message=_l("请选择发放标准"))])
    amount = StringField(_l("发放金额（元）"), filters=[_strip], validators=[
        InputRequired(message=_l("请填写发放金额"))])
    rate_source = StringField(_l("标准的依据"), filters=[_strip], validators=[
        Length(max=200, message=_l("标准的依据请不要超过200个字"))])
    first_month = SelectField(_l("从哪个月开始发放"), validate_choice=False)

    def __init__(self, *args, application=None, today=None, facts=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.application = application
        self.today = today or decisions.local_today()
        self.rates = decisions.rates_for_case(application.programme, facts or {}, self.today)
        self.rules = {rate.id: decisions.amount_rule(application.programme, rate, self.today)
                      for rate in self.rates}
        self.rate.choices = [SelectChoice(rate.id, localized(rate.label))
                             for rate in self.rates]
        months = decisions.allowed_months(application.submitted_at, self.today)
        self.first_month.choices = [SelectChoice(month, month_label(month)) for month in months]
        if self.first_month.data in (None, "None", ""):
            self.first_month.data = months[0]   # payment counts from the month of application
        if not self.rate.data and len(self.rates) == 1:
            self.rate.data = self.rates[0].id
        rule = self.rules.get(self.rate.data)
        if not self.amount.data and rule is not None and rule.fixed is not None \
                and not self.is_submitted():
            self.amount.data = format(rule.fixed, "f")

    @property
    def amount_value(self):
        """The amount typed, as a Decimal (None when it is not a number)."""
        from decimal import Decimal, InvalidOperation

        text = (self.amount.data or "").replace(",", "").replace("，", "").replace("元", "")
        try:
            value = Decimal(text.strip())
        except InvalidOperation:
            return None
        return value if value.is_finite() else None

    @property
    def rule(self):
        return self.rules.get(self.rate.data)

    def rate_hints(self) -> dict[str, str]:
        """Under each rate: its amount and source, or what to do when the data has none."""
        from flask_babel import gettext as _

        hints = {}
        for rate_id, rule in self.rules.items():
            rate = rule.rate
            if rule.typed:
                hint = _("政策资料中没有本区现行的金额（%(note)s）。请按区民政局/区残联最新公布的标准"
                         "填写金额和依据。", note=localized(rate.note or rate.source))
                if rule.floor is not None:
                    hint += _("不能低于%(amount)s元（%(source)s）。", amount=rule.floor,
                              source=localized(rule.floor_entry.source))
            elif rule.ceiling is not None:
                hint = _("最多%(amount)s %(unit)s（%(source)s）。", amount=rule.ceiling,
                         unit=localized(rate.unit), source=localized(rate.source))
            else:
                hint = _("%(amount)s %(unit)s（%(source)s）。", amount=rule.fixed,
                         unit=localized(rate.unit), source=localized(rate.source))
            hints[rate_id] = hint
        return hints

    def validate_rate(self, field):
        if field.data not in self.rules:
            raise ValidationError(_l("请从列出的标准中选择一项"))

    def validate_first_month(self, field):
        if field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(_l("发放月份不能早于申请的月份，也不能晚于下个月"))

    def validate_amount(self, field):
        rule = self.rule
        if rule is None:
            return
        value = self.amount_value
        if value is None:
            raise ValidationError(_l("请用数字填写金额，例如 60 或 82.5"))
        problem = decisions.amount_problem(rule, value, self.rate_source.data)
        if problem == "source":
            return   # said at the source field
        if problem in ("fixed", "ceiling"):
            value = rule.fixed if problem == "fixed" else rule.ceiling
            raise ValidationError(AMOUNT_ERRORS[problem] % {"amount": format(value, "f")})
        if problem == "floor":
            raise ValidationError(AMOUNT_ERRORS[problem] % {
                "amount": format(rule.floor, "f"), "source": localized(rule.floor_entry.source)})
        if problem:
            raise ValidationError(AMOUNT_ERRORS[problem])

    def validate_rate_source(self, field):
        rule = self.rule
        if rule is not None and rule.typed and not field.data:
            raise ValidationError(_l("这项标准在政策资料中没有收录金额，请写明依据的文件名称和文号"))

    def details(self) -> dict:
        return decisions.approval_details(self.application.programme, self.rule,
                                          self.amount_value, self.rate_source.data,
                                          self.first_month.data, self.today)


month_label = dates.month_label


ACTION_FORMS = {"request_info": RequestInfoForm, "reject": RejectForm,
                "street_check": StreetCheckForm}


def action_form(action_code: str, application=None, **kwargs) -> ActionForm:
    """The form of an action; the street check and (for a programme that pays money) the
    approval record their details (portal.applications.decisions)."""
    if action_code == "approve" and application is not None \
            and decisions.pays_money(application.programme):
        from portal.applications.casefile import facts_for

        return ApprovalForm(application=application, facts=facts_for(application), **kwargs)
    form_class = ACTION_FORMS.get(action_code, ActionForm)
    if form_class is StreetCheckForm:
        return form_class(application=application, **kwargs)
    return form_class(**kwargs)


def DayField(label):  # noqa: N802 – a field factory
    """A date typed as 2026-11-28 (the browser's date picker sends the same)."""
    return DateField(label, validators=[Optional()],
                     invalid_value_message=_l("请按“2026-11-28”的格式输入日期"))


class AuditFilterForm(GetForm):
    actor = StringField(_l("工作人员"), validators=[Optional(), Length(max=60)])
    reference = StringField(_l("受理编号"), validators=[Optional(), Length(max=20)])
    action = SelectField(_l("操作"), default="", validate_choice=False)
    date_from = DayField(_l("从哪天"))
    date_to = DayField(_l("到哪天"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.action.choices = [SelectChoice("", _l("全部操作"))] + [
            SelectChoice(code, label) for code, label in audit.ACTIONS.items()]

    def to_query(self) -> audit.AuditQuery:
        return audit.AuditQuery(
            actor=(self.actor.data or "").strip() or None,
            reference=references.normalise(self.reference.data or "") or None,
            action=self.action.data if self.action.data in audit.ACTIONS else None,
            date_from=self.date_from.data, date_to=self.date_to.data)

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("结束日期不能早于开始日期"))


class StaffAccountForm(PortalForm):
    """An administrator creates a staff account with its role, street and first password."""

    display_name = StringField(_l("姓名"), validators=[
        InputRequired(message=_l("请输入姓名")),
        Length(max=60, message=_l("姓名不能超过60个字"))],
        filters=[lambda value: value.strip() if isinstance(value, str) else value])
    phone = StringField(_l("手机号码"), validators=[
        InputRequired(message=_l("请输入手机号码")), MobileNumber()])
    role = RadioField(_l("角色"), validators=[InputRequired(message=_l("请选择角色"))],
                      choices=[SelectChoice(role, label) for role, label in ROLE_CHOICES])
    street = SelectField(_l("所属街道、镇"), default="", validate_choice=False)
    password = PasswordField(_l("初始密码"), validators=[
        InputRequired(message=_l("请设置初始密码")), NewPassword(staff=True)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.street.choices = [SelectChoice("", _l("不属于某个街道、镇（区级）"))] + [
            SelectChoice(street.code, street_name(street.code)) for street in streets.all_streets()]

    def validate_street(self, field):
        known = {choice.value for choice in field.choices}
        if field.data not in known:
            raise ValidationError(_l("请从列表中选择街道、镇"))
        if self.role.data == "street_officer" and not field.data:
            raise ValidationError(_l("街道工作人员请选择所属街道、镇"))

    @property
    def street_code(self) -> str | None:
        """Only street officers belong to a street."""
        return self.street.data if self.role.data == "street_officer" else None


class SetPasswordForm(PortalForm):
    """A staff member sets their own new password from the link sent by text."""
    password = PasswordField(_l("新密码"), validators=[
        InputRequired(message=_l("请输入新密码")), NewPassword(staff=True)])
    confirm = PasswordField(_l("再输入一次新密码"), validators=[
        InputRequired(message=_l("请再输入一次新密码"))])

    def validate_confirm(self, field):
        if field.data != self.password.data:
            raise ValidationError(_l("两次输入的密码不一样，请再输入一次"))


class ConfirmForm(PortalForm):
    """A button and the CSRF token."""


class CounterLinkForm(PortalForm):
    """Linking an account to its person at the counter: the officer says what they saw."""
    checked = BooleanField(_l("我已当面核验了原件"), validators=[
        InputRequired(message=_l("请先当面核验原件，再勾选这一项"))])


class DuplicateResolutionForm(PortalForm):
    """How an officer settles a possible second claim, and why (portal.applications.duplicates)."""

    resolution = RadioField(_l("处理结果"), validators=[
        InputRequired(message=_l("请选择处理结果"))])
    reason = TextAreaField(_l("处理理由"), filters=[_strip], validators=[
        DataRequired(message=_l("请写明处理理由，例如核实了什么、和谁核实的")),
        Length(max=1000, message=_l("处理理由请不要超过1000个字"))])

    def __init__(self, flag, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from portal.applications import duplicates

        self.resolution.choices = [SelectChoice(code, duplicates.RESOLUTION_LABELS[code])
                                   for code in duplicates.resolutions_for(flag)]


class BuildRollForm(PortalForm):
    """Build the payment roll of a programme for a month (portal.benefits.rolls.build)."""
    programme = SelectField(_l("项目"), validate_choice=False)
    month = StringField(_l("发放月份"), filters=[_stripped], validators=[
        DataRequired(message=_l("请输入发放月份，例如 2026-07")),
        Regexp(r"^\d{4}-(0[1-9]|1[0-2])$", message=_l("请按“年-月”输入发放月份，例如 2026-07"))])

    def __init__(self, programmes: list[tuple[str, str]], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme.choices = [SelectChoice(code, name) for code, name in programmes]
        self._codes = {code for code, _ in programmes}

    def validate_programme(self, field):
        if field.data not in self._codes:
            raise ValidationError(_l("请选择按月发放的项目"))

    def month_date(self):
        from datetime import date

        year, month = self.month.data.split("-")
        return date(int(year), int(month), 1)


class ConfirmRollForm(PortalForm):
    """Confirm a roll: the version it was read at, so that a second confirmation fails."""
    version = HiddenField()

    def version_number(self) -> int | None:
        return int(self.version.data) if (self.version.data or "").isdigit() else None


class BankResultForm(PortalForm):
    """The bank's result file (CSV: reference, paid|failed, reason)."""
    file = FileField(_l("银行返回的结果文件（CSV）"), validators=[
        FileRequired(message=_l("请选择银行返回的结果文件（CSV）"))])


# ── a recipient's payment: suspend, resume, end, a renewed certificate ────────────────────

MONTH_REQUIRED = _l("请输入月份，例如 2026-07")
MONTH_FORMAT = _l("请按“年-月”输入月份，例如 2026-07")


def _month_field(label):
    return StringField(label, filters=[_stripped], validators=[
        DataRequired(message=MONTH_REQUIRED),
        Regexp(r"^\d{4}-(0[1-9]|1[0-2])$", message=MONTH_FORMAT)])


def _first_of(value: str):
    year, month = value.split("-")
    return date(int(year), int(month), 1)


class SuspendRecipientForm(PortalForm):
    """Suspend payment (portal.benefits.lifecycle.suspend): why, and from which month."""
    suspend_reason = RadioField(_l("暂停原因"), validators=[
        InputRequired(message=_l("请选择暂停发放的原因"))])
    suspend_since = _month_field(_l("从哪个月起暂停"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.suspend_reason.choices = [SelectChoice(code, label)
                                      for code, label in SUSPEND_REASONS.items()]

    def since_month(self):
        return _first_of(self.suspend_since.data)


class ResumeRecipientForm(PortalForm):
    """Resume payment (portal.benefits.lifecycle.resume): from which month, with back pay?"""
    resume_start = _month_field(_l("从哪个月起恢复发放"))
    resume_back_pay = RadioField(_l("暂停期间的月份是否补发"),
                                 choices=[SelectChoice("yes", _l("补发")),
                                          SelectChoice("no", _l("不补发"))],
                                 validators=[InputRequired(
                                     message=_l("请选择暂停期间的月份是否补发"))])

    def from_month(self):
        return _first_of(self.resume_start.data)


class EndRecipientForm(PortalForm):
    """End payment (portal.benefits.lifecycle.end): why, and the last month paid."""
    end_reason = RadioField(_l("停止原因"), validators=[
        InputRequired(message=_l("请选择停止发放的原因"))])
    end_last = _month_field(_l("最后发放的月份"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.end_reason.choices = [SelectChoice(code, END_REASONS[code])
                                  for code in STAFF_END_REASONS]

    def last_month(self):
        return _first_of(self.end_last.data)


class CertificateForm(PortalForm):
    """A renewed 残疾人证 (portal.benefits.lifecycle.record_certificate): its last valid day."""
    valid_until = StringField(_l("新证有效期至"), filters=[_stripped], validators=[
        DataRequired(message=_l("请输入新证的有效期，例如 2036-07-01")),
        Regexp(r"^\d{4}-\d{2}-\d{2}$", message=_l("请按“年-月-日”输入有效期，例如 2036-07-01"))])

    def validate_valid_until(self, field):
        try:
            date.fromisoformat(field.data)
        except ValueError:
            raise ValidationError(
                _l("这个日期不存在，请检查后重新输入，例如 2036-07-01")) from None

    def day(self):
        return date.fromisoformat(self.valid_until.data)


class ChangeDecisionForm(PortalForm):
    """A change of circumstances (portal.changes): one of the kind's outcomes, or refused –
    with the reason the resident will read."""
    decision = RadioField(_l("核实结果"), validators=[
        InputRequired(message=_l("请选择核实结果"))])
    refusal_reason = TextAreaField(_l("不予核实的理由"), filters=[_stripped], validators=[
        Length(max=500, message=_l("理由请不要超过500个字"))])
    version = HiddenField()

    REFUSE = "refuse"

    def __init__(self, outcomes=(), *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.decision.choices = [(code, change_outcome_label(code)) for code in outcomes] + \
            [(self.REFUSE, _l("不予核实（请在下面写明理由，申报人会看到）"))]

    def validate_refusal_reason(self, field):
        if self.decision.data == self.REFUSE and not field.data:
            raise ValidationError(_l("请写明不予核实的理由，申报人会看到这段话"))

    def outcome(self) -> str | None:
        return None if self.decision.data == self.REFUSE else self.decision.data

    def version_number(self) -> int | None:
        return int(self.version.data) if (self.version.data or "").isdigit() else None
