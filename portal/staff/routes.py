"""The staff console: queues, the application view and its actions, documents, CSV export,
the audit log. (/staff/ itself and /staff/sign-in belong to the accounts area.)"""
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
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

from portal.accounts import person_links
from portal.accounts import staff as staff_accounts
from portal.accounts.sign_in import AccountError
from portal.applications import answers as stored
from portal.applications import (
    casefile,
    conflicts,
    duplicates,
    status_changes,
    status_machine,
)
from portal.audit import log as audit
from portal.people import phone_numbers
from portal.staff import case_view, display, export, forms, search_token
from portal.staff.access import QUEUE_ROLES, staff_required
from portal.status import display as status_display
from portal.web.delivery import private_file
from portal.web.templating import spoken_mask

ACCOUNT_ERRORS = {
    "exists": _l("这个手机号码已经有账号了。请换一个号码，或在列表中找到原来的账号"),
    "phone": _l("请输入正确的手机号码，例如 139 1234 5678"),
    "name": _l("请输入姓名"),
    "role": _l("请选择角色"),
    "street": _l("街道工作人员请选择所属街道、镇"),
    "password": _l("这个密码不符合工作人员密码的要求，请换一个"),
}

# Why a member of staff may not act on an application (conflicts.conflict_of). Says only
# what the officer already knows – nothing about the person.
CONFLICT_TEXTS = {
    "submitted": _l("这份申请是用您自己的账号提交的。"),
    "self": _l("这份申请与您本人有关。"),
    "family": _l("申请对象是您的亲属（您曾为其提交申请，或已登记为需要回避的亲属）。"),
}

bp = Blueprint("staff", __name__, url_prefix="/staff")


@bp.route("/queue", methods=["GET", "POST"])
@staff_required(*QUEUE_ROLES)
def queue():
    """The queue. Its filter form is sent by POST and answered with a redirect to the queue's
    URL, where the search text is sealed (search_token): never an ID number in a URL."""
    expired, after = False, None
    if request.method == "POST":
        form = forms.QueueFilterForm(current_user)
        if form.validate_on_submit():
            return redirect(url_for(".queue", **_link_args(form.to_filter())), 303)
    else:
        form, expired = _filter_form_from_url()
        after = request.args.get("after")
    filters = form.to_filter()
    view = casefile.open_queue(current_user, filters, after=after)
    related = conflicts.related_person_ids(current_user)
    conflicted = {row.application.id for row in view.page.rows
                  if conflicts.conflict_of(current_user, row.application, related)}
    flagged = duplicates.flagged_ids(row.application.id for row in view.page.rows)
    return render_template(
        "staff/queue.html", form=form, filters=filters, result=view.page,
        lines=display.queue_lines(view.page.rows, conflicted, flagged),
        summary=view.summary, first_page=not after, link_args=_link_args(filters),
        search_expired=expired)


def _filter_form_from_url():
    """(the filter form as the URL gives it, whether a sealed search could not be opened).
    A plain `q` in the URL is ignored: search text only ever comes sealed."""
    args = request.args.copy()
    args.pop("q", None)
    form = forms.QueueFilterForm(current_user, formdata=args, meta={"csrf": False})
    form.validate()
    try:
        form.q.data = search_token.open_token(current_user.id, args.get(search_token.PARAMETER))
        return form, False
    except search_token.Expired:
        form.q.data = None
        return form, True


def _link_args(filters) -> dict[str, str]:
    """The filters as query-string arguments for links (paging, export), the search sealed."""
    args = {key: value for key, value in filters.as_args().items() if key != "q"}
    if filters.q:
        args[search_token.PARAMETER] = search_token.seal(current_user.id, filters.q)
    return args


@bp.get("/export.csv")
@staff_required(*QUEUE_ROLES)
def export_csv():
    return _export("csv")


@bp.get("/export.xlsx")
@staff_required(*QUEUE_ROLES)
def export_xlsx():
    return _export("xlsx")


def _export(file_format: str):
    """The filtered queue as a spreadsheet, streamed (portal/staff/export.py): only the
    applications this member of staff may see, audited by what was actually sent."""
    form, expired = _filter_form_from_url()
    if expired:   # the queue says so, and offers the search again
        return redirect(url_for(".queue", **request.args), 303)
    name = f"applications-{date.today().isoformat()}.{file_format}"
    return export.response(current_user, form.to_filter(), file_format, name)


@bp.get("/applications/<reference>")
@staff_required(*QUEUE_ROLES)
def application(reference: str):
    return _show(casefile.open_application(current_user, reference))


def _show(application, stale: bool = False, code: int = 200, link_form=None,
          refused: bool = False, held: bool = False):
    links = person_links.linked_accounts(application.person_id)
    conflict = conflicts.conflict_of(current_user, application)
    flags = duplicates.flags_of(application)
    duplicates.record_comparison_viewed(current_user, application, flags)
    return render_template(
        "staff/application.html", application=application,
        conflict=conflict, refused=refused, held=held,
        duplicate_panel=_duplicate_panel(application, flags),
        conflict_text=CONFLICT_TEXTS[conflict] if conflict else None,
        actions=status_changes.available_actions(application, current_user),
        timeline=casefile.timeline(application),
        answers=case_view.answer_sections(application),
        documents=casefile.current_documents(application),
        document_labels=status_display.document_labels(application),
        outcome=casefile.eligibility_outcome(application),
        rules_on=casefile.rules_date(application),
        stage_role=status_machine.stage_role(application.status, application.programme),
        stale=stale, reveal_form=forms.ConfirmForm(),
        same_programme=[other for other in
                        casefile.same_programme_applications(current_user, application)
                        if other.id not in {f.application_id for f in flags}
                        | {f.other_application_id for f in flags}],
        links=links if person_links.may_manage(current_user, application) else [],
        mask_phone=phone_numbers.mask,
        link_role=person_links.counter_role(current_user, application, links),
        link_form=link_form or forms.CounterLinkForm(formdata=None),
        form=link_form,   # its errors make the page's title start with "错误："
        may_reveal=current_user.role in PAYMENT_ROLES
        and bool(stored.read(application).payment.card_number),
        may_reveal_id=current_user.role in IDENTITY_ROLES
        and application.person is not None
        and bool(application.person.id_number_encrypted)), code


def _duplicate_panel(application, flags) -> list[dict]:
    """Each flag on the case, as the panel shows it: the other application, the comparison
    (only for an officer who may see both), the resolution, who may resolve."""
    panel = []
    for flag in flags:
        other = duplicates.other_side(flag, application)
        sees = duplicates.sees_both(current_user, flag)
        panel.append({
            "flag": flag, "other": other, "sees_other": sees,
            "newer": flag.application_id == application.id,
            "rows": case_view.compare(flag) if sees else [],
            "may_resolve": duplicates.may_resolve(current_user, flag),
            "holds": duplicates.holds(flag),
            "resolved_text": duplicates.RESOLVED_TEXTS.get(flag.resolution),
        })
    return panel


@bp.route("/applications/<reference>/actions/<action_code>", methods=["GET", "POST"])
@staff_required(*QUEUE_ROLES)
def act(reference: str, action_code: str):
    application = casefile.find_visible(current_user, reference)
    action = status_machine.ACTIONS.get(action_code)
    if action is None:
        abort(404)
    form = forms.action_form(action_code, application=application)
    if request.method == "GET":
        form.version.data = str(application.version)
    conflict = conflicts.conflict_of(current_user, application)
    if conflict:
        # Another officer must act. A POST here is a forged or old form: refused and audited.
        if request.method == "POST":
            status_changes.refuse_conflict(current_user, application, action_code, conflict)
        return _show(casefile.open_application(current_user, reference), code=403,
                     refused=True)
    if action not in status_changes.available_actions(application, current_user):
        # Held by an unresolved duplicate flag, already handled by someone else, or never this
        # person's to take.
        held = action_code in status_machine.HELD_BY_DUPLICATE and \
            duplicates.is_held(application)
        return _show(casefile.open_application(current_user, reference), stale=not held,
                     held=held, code=409)
    if form.validate_on_submit():
        try:
            status_changes.apply_action(
                application, action_code, current_user, message=form.message.data,
                note=form.note.data, expected_version=int(form.version.data),
                details=form.details() if hasattr(form, "details") else None)
        except status_changes.ConflictOfInterest:   # recorded and audited by apply_action
            return _show(casefile.open_application(current_user, reference), code=403,
                         refused=True)
        except (status_changes.StaleApplication, status_changes.ActionNotAllowed,
                status_changes.DetailsRequired):
            return _show(casefile.open_application(current_user, reference), stale=True,
                         code=409)
        flash(_("已完成：%(action)s。申请人会收到短信通知。", action=action.label))
        return redirect(url_for(".application", reference=application.reference), 303)
    return render_template("staff/action.html", application=application, action=action,
                           form=form)


@bp.route("/applications/<reference>/duplicates/<int:flag_id>", methods=["GET", "POST"])
@staff_required(*status_machine.STAFF_ACTING_ROLES)
def resolve_duplicate(reference: str, flag_id: int):
    """An officer settles a possible second claim: merge, reject as duplicate, or confirm as
    legitimate – with a reason (portal.applications.duplicates; audited)."""
    application = casefile.find_visible(current_user, reference)
    flag = duplicates.flag_on(application, flag_id)
    if flag is None or not duplicates.sees_both(current_user, flag):
        abort(404)
    if not flag.open:   # settled a moment ago by someone else
        return _show(casefile.open_application(current_user, reference), stale=True, code=409)
    if not duplicates.may_resolve(current_user, flag):
        conflict = conflicts.conflict_of(current_user, flag.application) or \
            conflicts.conflict_of(current_user, flag.other)
        if conflict and request.method == "POST":   # a forged or old form: recorded
            status_changes.refuse_conflict(current_user, application, "resolve_duplicate",
                                           conflict)
        abort(403)
    form = forms.DuplicateResolutionForm(flag)
    if form.validate_on_submit():
        try:
            duplicates.resolve(current_user, flag, form.resolution.data, form.reason.data)
        except duplicates.ResolutionError:
            return _show(casefile.open_application(current_user, reference), stale=True,
                         code=409)
        flash(_("已处理可能重复的申请：%(what)s。",
                what=duplicates.RESOLVED_TEXTS[form.resolution.data]))
        return redirect(url_for(".application", reference=application.reference), 303)
    rows = case_view.compare(flag)
    duplicates.record_comparison_viewed(current_user, application, [flag])
    return render_template("staff/duplicate_resolve.html", application=application, flag=flag,
                           rows=rows, form=form), 400 if form.errors else 200


@bp.post("/applications/<reference>/link")
@staff_required(*person_links.COUNTER_STAFF)
def confirm_link(reference: str):
    """At the counter: the officer saw the applicant's ID card (or the guardianship papers)
    and links the account that submitted the application to its person. Audited."""
    application = casefile.find_visible(current_user, reference)
    form = forms.CounterLinkForm()
    if person_links.counter_role(current_user, application) is None:
        abort(404)
    if not form.validate_on_submit():
        return _show(application, code=400, link_form=form)
    person_links.confirm_at_counter(current_user, application)
    flash(_("已确认关联。申请人的账户现在可以看到申请对象的所有申请；我们已发短信告诉申请对象。"))
    return redirect(url_for(".application", reference=application.reference), 303)


@bp.post("/applications/<reference>/links/<int:link_id>/end")
@staff_required(*person_links.COUNTER_STAFF)
def end_link(reference: str, link_id: int):
    """Counter staff end a wrong link to the person (audited; the account holder is told)."""
    application = casefile.find_visible(current_user, reference)
    link = person_links.link_for(application, link_id)
    if link is None or not person_links.may_manage(current_user, application):
        abort(404)
    if not forms.ConfirmForm().validate_on_submit():
        abort(400)
    person_links.end(current_user, link)
    flash(_("已解除这个账户与申请对象的关联。我们已发短信告诉账户持有人。"))
    return redirect(url_for(".application", reference=application.reference), 303)


# The roles deciding on payment may see the full card number – one application at a time, on
# purpose (a POST), and each viewing is in the audit log.
PAYMENT_ROLES = ("district_reviewer", "civil_affairs")


@bp.post("/applications/<reference>/payment-account")
@staff_required(*PAYMENT_ROLES)
def payment_account(reference: str):
    return _revealed(reference, casefile.reveal_card_number, "staff/payment_account.html")


# The roles that verify who the person is may see the full ID number – one application at a
# time, on purpose (a POST), and each viewing is in the audit log. The street officer is one of
# them: the street's first check (街道初审) is where the resident's ID card and disability
# certificate are checked against the application in person, and the masked number cannot
# show a wrong middle digit; they see only their own street's applications (find_visible).
# The district reviewer and civil affairs check identity again before approval and payment.
# Admins and content editors never need it.
IDENTITY_ROLES = ("street_officer", "district_reviewer", "civil_affairs")


@bp.post("/applications/<reference>/id-number")
@staff_required(*IDENTITY_ROLES)
def id_number(reference: str):
    return _revealed(reference, casefile.reveal_id_number, "staff/id_number.html")


def _revealed(reference: str, reveal, template: str) -> Response:
    """A full number on purpose (a confirmed POST), for an application the officer may see;
    `reveal` audits the viewing. Never stored by the browser."""
    if not forms.ConfirmForm().validate_on_submit():
        abort(400)
    application = casefile.find_visible(current_user, reference)
    number = reveal(current_user, application)
    if number is None:
        abort(404)
    response = Response(render_template(template, application=application, number=number,
                                        answers=stored.read(application)))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/applications/<reference>/documents/<int:document_id>")
@staff_required(*QUEUE_ROLES)
def document(reference: str, document_id: int):
    opened = casefile.open_document(current_user, reference, document_id,
                                    inline=request.args.get("view") == "1")
    # Only images and PDFs are shown in the browser; anything else is a plain download.
    mimetype = opened.document.content_type if opened.inline else "application/octet-stream"
    return private_file(opened.path, mimetype, opened.document.original_name,
                        inline=opened.inline)


@bp.get("/audit")
@staff_required("admin")
def audit_log():
    form = forms.AuditFilterForm(formdata=request.args)
    results = None
    if form.validate():
        results = audit.search_recorded(current_user, form.to_query(),
                                        before_id=request.args.get("before", type=int))
    page_args = {k: v for k, v in request.args.items() if k != "before" and v}
    return render_template("staff/audit.html", form=form, results=results, page_args=page_args)


@bp.context_processor
def staff_context():
    return {**display.helpers(), "staff_links": display.staff_links()}


@bp.get("/accounts")
@staff_required("admin")
def accounts():
    return render_template("staff/accounts.html", accounts=staff_accounts.staff_accounts())


@bp.route("/accounts/new", methods=["GET", "POST"])
@staff_required("admin")
def new_account():
    form = forms.StaffAccountForm()
    if form.validate_on_submit():
        try:
            account = staff_accounts.create(
                current_user, display_name=form.display_name.data, phone=form.phone.data,
                role=form.role.data, street=form.street_code, password=form.password.data)
        except AccountError as error:
            field = {"exists": form.phone, "phone": form.phone, "name": form.display_name,
                     "role": form.role, "street": form.street}.get(error.reason, form.password)
            field.errors.append(ACCOUNT_ERRORS.get(error.reason, ACCOUNT_ERRORS["password"]))
        else:
            flash(_("已为%(name)s新建工作人员账号。请当面或打电话把初始密码告诉本人，不要用短信或微信发送。",
                    name=account.display_name))
            return redirect(url_for(".accounts"), 303)
    return render_template("staff/account_new.html", form=form)


def _on_a_colleague(account_id: int, template: str, act, done_message, **page):
    """An admin's action on another active staff account, confirmed on its own page: `act`
    does it, `done_message(account)` is flashed on the accounts list. Not on one's own account
    (another admin does that, or the `flask` commands)."""
    account = staff_accounts.find_staff(account_id)
    if account is None or not account.active or account.id == current_user.id:
        abort(404)
    form = forms.ConfirmForm()
    if form.validate_on_submit():
        act(current_user, account)
        flash(done_message(account))
        return redirect(url_for(".accounts"), 303)
    return render_template(template, form=form, account=account, **page)


@bp.route("/accounts/<int:account_id>/deactivate", methods=["GET", "POST"])
@staff_required("admin")
def deactivate_account(account_id: int):
    return _on_a_colleague(account_id, "staff/account_deactivate.html",
                           staff_accounts.deactivate,
                           lambda account: _("已停用%(name)s的账号。", name=account.display_name))


@bp.route("/accounts/<int:account_id>/second-factor/reset", methods=["GET", "POST"])
@staff_required("admin")
def reset_second_factor(account_id: int):
    return _on_a_colleague(
        account_id, "staff/account_second_factor_reset.html", staff_accounts.reset_second_factor,
        lambda account: _("已重置%(name)s的登录验证方式。此人已退出登录，下次登录时需要重新设置。",
                          name=account.display_name))


@bp.route("/accounts/<int:account_id>/password/reset", methods=["GET", "POST"])
@staff_required("admin")
def reset_password(account_id: int):
    """A colleague forgot their password: a one-time link goes to their own phone
    (staff_accounts.reset_password says why not a temporary password)."""
    target = staff_accounts.find_staff(account_id)
    masked = phone_numbers.mask(target.phone) if target is not None else ""
    return _on_a_colleague(
        account_id, "staff/account_password_reset.html", staff_accounts.reset_password,
        lambda account: Markup(_("已重置%(name)s的密码：原密码已失效，此人已退出登录。设置新密码的链接已用短信发到"
                                 "%(phone)s，%(hours)s小时内有效，只能用一次。")) % {
            "name": account.display_name, "phone": spoken_mask(masked),
            "hours": staff_accounts.link_hours()},
        hours=staff_accounts.link_hours(), masked_phone=masked)


@bp.route("/password/<token>", methods=["GET", "POST"])
def set_password(token: str):
    """The link from the text: the staff member sets a new password (no sign-in needed; the
    second factor is still asked at the next sign-in). Used once; never stored by the browser."""
    account = staff_accounts.account_for_link(token)
    if account is None:
        response = Response(render_template("staff/password_link_invalid.html"), 404)
    else:
        form = forms.SetPasswordForm()
        form.phone_number = account.phone
        if form.validate_on_submit():
            try:
                staff_accounts.set_password_by_link(account, form.password.data)
            except AccountError:
                form.password.errors.append(ACCOUNT_ERRORS["password"])
            else:
                response = Response(render_template("staff/password_set.html", done=True))
                response.headers["Cache-Control"] = "no-store"
                return response
        response = Response(render_template("staff/password_set.html", form=form,
                                            account=account, token=token, done=False))
    response.headers["Cache-Control"] = "no-store"
    return response
