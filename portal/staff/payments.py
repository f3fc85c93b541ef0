"""The staff console's payment rolls (发放名册), for civil affairs: list, build, look at the
lines with totals per street, confirm, download in the bank's form, import the bank's result;
and the recipients. Street officers read the rolls' lines and the recipients of their own
street (portal.benefits.access). Thin: parse, call portal.benefits, render. Every view of the
lines (names, accounts) is audited.
"""
from __future__ import annotations

from datetime import date

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal import dates
from portal.accounts.models import Account
from portal.audit import log as audit
from portal.benefits import access, bank_files, lifecycle, rolls
from portal.benefits import rates as rate_data
from portal.eligibility import programmes
from portal.extensions import db
from portal.labels import programme_name
from portal.staff import display, export
from portal.staff.access import staff_required
from portal.staff.forms import (
    BankResultForm,
    BuildRollForm,
    CertificateForm,
    ConfirmRollForm,
    EndRecipientForm,
    ResumeRecipientForm,
    SuspendRecipientForm,
)

ROLES = access.CHANGING_ROLES
READERS = access.READING_ROLES
LINES_PER_PAGE = 200

BANK_ROW_ERRORS = {
    "columns": _l("第%(row)s行：每行应有三列：参考号、结果（paid 或 failed）、原因"),
    "reference": _l("第%(row)s行：这个参考号不是本名册中的一行"),
    "result": _l("第%(row)s行：结果只能是 paid（已到账）或 failed（未发放成功）"),
    "reason": _l("第%(row)s行：未发放成功的，请写明银行给出的原因"),
    "twice": _l("第%(row)s行：这一行在文件中出现了两次"),
    "settled": _l("第%(row)s行：这一行已经导入过银行结果"),
    "empty": _l("文件中没有发放结果。请选择银行返回的结果文件（CSV）"),
}

bp = Blueprint("payments", __name__, url_prefix="/staff/payments")


@bp.context_processor
def staff_context():
    return {**display.helpers(), "staff_links": display.staff_links()}


def monthly_programmes() -> list[tuple[str, str]]:
    return [(p.code, programme_name(p.code)) for p in programmes()
            if rate_data.pays_monthly(p.code)]


@bp.route("/", methods=["GET", "POST"])
@staff_required(*READERS)
def rolls_list():
    if request.method == "POST" and not access.changes(current_user):
        abort(403)
    form = BuildRollForm(monthly_programmes())
    problem = None
    if form.validate_on_submit():
        try:
            roll = rolls.build(form.programme.data, form.month_date(), current_user)
        except rolls.RollNotDraft:
            problem = _("这个月的名册已经确认，不能再重新生成。")
        except rolls.RollBusy:
            problem = _("同一时间有人在生成名册。请稍后再试一次。")
        else:
            flash(_("已生成名册：%(count)s 人，合计 %(total)s 元。请核对后确认。",
                    count=roll.line_count, total=bank_files.yuan(roll.total_fen)))
            return redirect(url_for(".roll", roll_id=roll.id), 303)
        if problem:
            form.month.errors = [*form.month.errors, problem]
    return render_template("staff/rolls.html", form=form, rolls=rolls.rolls(),
                           changes=access.changes(current_user),
                           street=access.street_of(current_user)), 422 if form.errors else 200


def _roll_or_404(roll_id: int):
    roll = rolls.find(roll_id)
    if roll is None:
        abort(404)
    return roll


def _show(roll, confirm_form=None, bank_form=None, bank_errors=None, stale=False,
          code: int = 200):
    after = request.args.get("after", type=int) or 0
    street = access.street_of(current_user)
    lines = rolls.lines_page(roll.id, after, LINES_PER_PAGE, access.lines_visible(current_user))
    audit.record(current_user, "roll.view", "roll", str(roll.id),
                 {"after": after, "lines": len(lines), "street": street})
    db.session.commit()
    bank_items = [("#file", BANK_ROW_ERRORS[e.problem] % {"row": e.row})
                  for e in (bank_errors or [])]
    page = render_template(
        "staff/roll.html", roll=roll, lines=lines, totals=rolls.street_totals(roll.id, street),
        street=street, changes=access.changes(current_user),
        next_after=lines[-1].id if len(lines) == LINES_PER_PAGE else None, after=after,
        confirm_form=confirm_form or ConfirmRollForm(version=roll.version),
        bank_form=bank_form or BankResultForm(), bank_items=bank_items, stale=stale)
    return page, code


@bp.get("/<int:roll_id>")
@staff_required(*READERS)
def roll(roll_id: int):
    return _show(_roll_or_404(roll_id))


@bp.post("/<int:roll_id>/confirm")
@staff_required(*ROLES)
def confirm(roll_id: int):
    found = _roll_or_404(roll_id)
    form = ConfirmRollForm()
    if not form.validate_on_submit():
        return _show(found, confirm_form=form, code=422)
    try:
        rolls.confirm(roll_id, current_user, expected_version=form.version_number())
    except rolls.AlreadyConfirmed:
        db.session.expire_all()
        return _show(rolls.find(roll_id), stale="confirmed", code=409)
    except rolls.RollChanged:
        db.session.expire_all()
        return _show(rolls.find(roll_id), stale="rebuilt", code=409)
    flash(_("名册已确认。现在可以下载银行格式的文件。"))
    return redirect(url_for(".roll", roll_id=roll_id), 303)


@bp.post("/<int:roll_id>/bank-result")
@staff_required(*ROLES)
def bank_result(roll_id: int):
    found = _roll_or_404(roll_id)
    form = BankResultForm()
    if found.status != "confirmed":
        abort(409)
    if not form.validate_on_submit():
        return _show(found, bank_form=form, code=422)
    try:
        counts = rolls.import_bank_result(roll_id, form.file.data.read(), current_user)
    except rolls.BankFileError as error:
        return _show(found, bank_form=form, bank_errors=error.errors, code=422)
    flash(_("已导入银行结果：已到账 %(paid)s 人，未发放成功 %(failed)s 人，"
            "尚无结果 %(pending)s 人。", **counts))
    return redirect(url_for(".roll", roll_id=roll_id), 303)


@bp.get("/<int:roll_id>/bank.csv")
@staff_required(*ROLES)
def export_csv(roll_id: int):
    return _export(roll_id, "csv")


@bp.get("/<int:roll_id>/bank.xlsx")
@staff_required(*ROLES)
def export_xlsx(roll_id: int):
    return _export(roll_id, "xlsx")


def _export(roll_id: int, file_format: str) -> Response:
    """The roll in the bank's form, streamed in constant memory (portal.benefits.bank_files),
    audited by what was actually sent (as the queue export: portal/staff/export.py)."""
    try:
        found = bank_files.exportable(roll_id)
    except rolls.NotConfirmed:
        abort(404)
    name = f"roll-{found.programme}-{found.month.strftime('%Y-%m')}.{file_format}"
    actor_id, locale = current_user.id, str(get_locale())
    make = bank_files.PARTS[file_format]

    def audited(finished: bool, rows: int) -> None:
        audit.record(db.session.get(Account, actor_id),
                     "roll.export" if finished else "roll.export_failed", "roll",
                     str(roll_id), {"format": file_format, "rows": rows})

    return export.streamed(lambda counter: make(roll_id, locale, counter), file_format, name,
                           audited)


def month_choices(today: date | None = None) -> list[str]:
    today = today or date.today()
    return [m.strftime("%Y-%m") for m in rate_data.months_between(
        date(today.year - 1, today.month, 1), today)][::-1]


# ── recipients: their payment suspended, resumed, ended; a renewed certificate ───────────

LIFECYCLE_ERRORS = {
    "state": _l("发放对象的状态已经变了，不能这样操作。请看下面的当前状态。"),
    "reason": _l("请选择列出的原因"),
    "before_start": _l("这个月份早于开始发放的月份（%(month)s）"),
    "already_paid": _l("%(month)s以前的月份已经交给银行发放，请输入%(month)s或以后的月份"),
    "before_suspension": _l("恢复发放的月份不能早于暂停的月份（%(month)s）"),
    "not_valid": _l("新证的有效期已经过了，请检查后重新输入"),
}


@bp.get("/recipients")
@staff_required(*READERS)
def recipients_list():
    after = request.args.get("after", type=int) or 0
    street = access.street_of(current_user)
    found = lifecycle.recipients_page(after, LINES_PER_PAGE,
                                      access.recipients_visible(current_user))
    audit.record(current_user, "recipient.list", "recipient", None,
                 {"after": after, "rows": len(found), "street": street})
    db.session.commit()
    return render_template(
        "staff/recipients.html", recipients=found, street=street,
        changes=access.changes(current_user),
        next_after=found[-1].id if len(found) == LINES_PER_PAGE else None)


def _recipient_or_404(recipient_id: int):
    found = lifecycle.find(recipient_id)
    if found is None or not access.can_see(current_user, found):
        abort(404)
    return found


def _recipient_page(recipient, forms: dict | None = None, code: int = 200):
    forms = forms or {}
    audit.record(current_user, "recipient.view", "recipient", str(recipient.id), {})
    db.session.commit()
    page = render_template(
        "staff/recipient.html", recipient=recipient, changes=access.changes(current_user),
        valid_until=lifecycle.certificate_valid_until(recipient),
        first_unpaid=lifecycle.first_unpaid_month(recipient),
        payments=rolls.payments_of(recipient.id),
        suspend_form=forms.get("suspend") or SuspendRecipientForm(formdata=None),
        resume_form=forms.get("resume") or ResumeRecipientForm(formdata=None),
        end_form=forms.get("end") or EndRecipientForm(formdata=None),
        certificate_form=forms.get("renewal") or CertificateForm(formdata=None))
    return page, code


@bp.get("/recipients/<int:recipient_id>")
@staff_required(*READERS)
def recipient(recipient_id: int):
    return _recipient_page(_recipient_or_404(recipient_id))


def _refused(form, field, error: lifecycle.LifecycleError) -> None:
    month = dates.month_label(error.month) if error.month else ""
    field.errors = [*field.errors, LIFECYCLE_ERRORS[error.problem] % {"month": month}]


def _change(recipient_id: int, name: str, form, field_of, act, done: str):
    found = _recipient_or_404(recipient_id)
    if form.validate_on_submit():
        try:
            act(found)
        except lifecycle.LifecycleError as error:
            if error.problem == "not_allowed":
                abort(403)
            db.session.rollback()
            _refused(form, field_of(form), error)
        else:
            flash(done)
            return redirect(url_for(".recipient", recipient_id=recipient_id), 303)
    return _recipient_page(found, {name: form}, 422)


@bp.post("/recipients/<int:recipient_id>/suspend")
@staff_required(*ROLES)
def suspend(recipient_id: int):
    form = SuspendRecipientForm()
    return _change(recipient_id, "suspend", form, lambda f: f.suspend_since,
                   lambda r: lifecycle.suspend(r, form.suspend_reason.data, form.since_month(),
                                               current_user),
                   _("已暂停发放，已发短信通知申请人。"))


@bp.post("/recipients/<int:recipient_id>/resume")
@staff_required(*ROLES)
def resume(recipient_id: int):
    form = ResumeRecipientForm()
    return _change(recipient_id, "resume", form, lambda f: f.resume_start,
                   lambda r: lifecycle.resume(r, form.from_month(),
                                              form.resume_back_pay.data == "yes", current_user),
                   _("已恢复发放，已发短信通知申请人。"))


@bp.post("/recipients/<int:recipient_id>/end")
@staff_required(*ROLES)
def end(recipient_id: int):
    form = EndRecipientForm()
    return _change(recipient_id, "end", form, lambda f: f.end_last,
                   lambda r: lifecycle.end(r, form.end_reason.data, form.last_month(),
                                           current_user),
                   _("已停止发放，已发短信通知申请人。"))


@bp.post("/recipients/<int:recipient_id>/certificate")
@staff_required(*ROLES)
def certificate(recipient_id: int):
    form = CertificateForm()
    return _change(recipient_id, "renewal", form, lambda f: f.valid_until,
                   lambda r: lifecycle.record_certificate(r, form.day(), current_user),
                   _("已登记新证的有效期。"))
