"""The registries' staff pages. Thin: parse, call portal.registries, render.

- /staff/registries/imports (admin): the imports so far; upload a registry file → the preview
  (every row checked, the report in the admin's language) → confirm: imported whole or not
  at all. The admin sees counts and problems, never the people.
- /staff/discovery (street officers: their street; district reviewers: all): the people who
  may qualify and have not applied, why (the rules' reasons, cited) and what is unknown; each
  person's page records contact attempts and sends the invitation text. Every view audited;
  another street's lead is a 404, as for none.
"""
from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from portal.account.access import resident_required
from portal.applications.filing import DuplicateApplication
from portal.registries import discovery, imports, suggestions, uploads
from portal.registries.forms import (
    KIND_LABELS,
    ConfirmImportForm,
    ContactForm,
    ImportForm,
    InviteForm,
)
from portal.registries.sources import FileSource
from portal.staff import display
from portal.staff.access import staff_required

bp = Blueprint("registries", __name__, url_prefix="/staff")
# The resident's side: an application started from the registries' suggestion.
resident_bp = Blueprint("registry_apply", __name__, url_prefix="/apply/suggested")

PENDING = "registry_upload"
WORKLIST_ROLES = ("street_officer", "district_reviewer")


@bp.context_processor
def staff_context():
    return {**display.helpers(), "staff_links": display.staff_links(),
            "kind_label": lambda kind: KIND_LABELS.get(kind, kind),
            "outcome_label": lambda code: discovery.OUTCOME_LABELS.get(code, code)}


@bp.app_context_processor
def registry_context():
    """For every page: the document kinds the registries can stand in for (the guides say
    免提交), and the comparison kept at an application's submission (the staff case page)."""
    from portal.registries import checks

    return {"registry_waivable": (*checks.WAIVABLE, *checks.PARTLY_WAIVED),
            "registry_check_of": checks.view_of,
            "registry_suggestions": lambda: suggestions.for_account(current_user)}


# ── imports (admin) ───────────────────────────────────────────────────────────────────────

@bp.route("/registries/imports", methods=["GET", "POST"])
@staff_required("admin")
def imports_page():
    form = ImportForm()
    if request.method == "GET" or not form.validate_on_submit():
        return _imports(form, code=200 if request.method == "GET" else 422)
    uploads.discard((session.pop(PENDING, None) or {}).get("token"))
    upload = form.file.data
    token, suffix = uploads.keep(upload.read()), uploads.suffix_of(upload.filename)
    name = (upload.filename or "registry" + suffix)[:200]
    with uploads.opened(token, suffix) as path:
        report = imports.preview(FileSource(form.kind.data, path, label=name))
    if not report.ok:
        uploads.discard(token)
        return _imports(form, report=report, code=422)
    session[PENDING] = {"token": token, "suffix": suffix, "kind": form.kind.data,
                        "name": name, "as_of": form.day().isoformat()}
    return render_template("registries/import_preview.html", report=report,
                           as_of=form.day(), confirm_form=ConfirmImportForm())


def _imports(form, report=None, code=200):
    """The import page; after a refused file, its report: the error summary says what happened
    and links to the row-by-row list (up to MAX_REPORTED rows, not all in the summary)."""
    items = []
    if report is not None and report.source_problem:
        items.append(("#file", report.source_text()))
    elif report is not None:
        items.append(("#report", _("文件中有%(count)s个问题，没有导入。请看下面逐行列出的问题。",
                                   count=report.problem_count)))
    return render_template("registries/imports.html", form=form, report=report, items=items,
                           history=imports.history()), code


@bp.post("/registries/imports/confirm")
@staff_required("admin")
def confirm_import():
    from datetime import date

    if not ConfirmImportForm().validate_on_submit():
        abort(400)
    pending = session.pop(PENDING, None)
    if not pending:
        flash(_("没有等待确认的导入（可能已经导入，或已过期）。请重新选择文件。"))
        return redirect(url_for(".imports_page"), 303)
    with uploads.opened(pending["token"], pending["suffix"]) as path:
        if path is None:
            flash(_("没有等待确认的导入（可能已经导入，或已过期）。请重新选择文件。"))
            return redirect(url_for(".imports_page"), 303)
        try:
            done = imports.run(FileSource(pending["kind"], path, label=pending["name"]),
                               current_user, date.fromisoformat(pending["as_of"]))
        except imports.Refused as refused:
            return _imports(ImportForm(formdata=None), report=refused.report, code=422)
        finally:
            uploads.discard(pending["token"])
    flash(_("已导入%(kind)s，共%(rows)s行。正在查找可能符合条件但还没有申请的人员。",
            kind=KIND_LABELS[done.kind], rows=done.row_count))
    return redirect(url_for(".imports_page"), 303)


# ── discovery (street officers) ───────────────────────────────────────────────────────────

@bp.get("/discovery")
@staff_required(*WORKLIST_ROLES)
def worklist():
    after = request.args.get("after", type=int)
    leads = discovery.worklist(current_user, after=after)
    false_leads, settled = discovery.false_lead_rate(current_user)
    return render_template(
        "registries/worklist.html", leads=leads, after=after,
        next_after=leads[-1].lead.id if len(leads) == discovery.PAGE else None,
        false_leads=false_leads, settled=settled)


def _lead_or_404(lead_id: int):
    lead = discovery.find(current_user, lead_id)
    if lead is None:
        abort(404)
    return lead


def _lead_page(lead, contact_form=None, code=200, no_phone=False):
    return render_template(
        "registries/lead.html", view=discovery.open_lead(current_user, lead),
        contact_form=contact_form or ContactForm(formdata=None), invite_form=InviteForm(),
        form=contact_form, no_phone=no_phone,
        invitation=discovery.invitation_text(lead.street)), code


@bp.get("/discovery/<int:lead_id>")
@staff_required(*WORKLIST_ROLES)
def lead(lead_id: int):
    return _lead_page(_lead_or_404(lead_id))


@bp.post("/discovery/<int:lead_id>/contact")
@staff_required(*WORKLIST_ROLES)
def contact(lead_id: int):
    found = _lead_or_404(lead_id)
    form = ContactForm()
    if not form.validate_on_submit():
        return _lead_page(found, contact_form=form, code=422)
    discovery.record_contact(current_user, found, form.outcome.data, form.note.data)
    flash(_("已登记联系结果：%(outcome)s。",
            outcome=discovery.OUTCOME_LABELS[form.outcome.data]))
    return redirect(url_for(".lead", lead_id=lead_id), 303)


@bp.post("/discovery/<int:lead_id>/invite")
@staff_required(*WORKLIST_ROLES)
def invite(lead_id: int):
    found = _lead_or_404(lead_id)
    if not InviteForm().validate_on_submit():
        abort(400)
    try:
        discovery.invite(current_user, found)
    except discovery.NoPhone:
        return _lead_page(found, code=409, no_phone=True)
    flash(_("已发送邀请短信。"))
    return redirect(url_for(".lead", lead_id=lead_id), 303)


# ── the resident: "您可能可以申请…" ───────────────────────────────────────────────────────────

@resident_bp.post("/<code>")
@resident_required
def start(code: str):
    """Start (or go on with) the application the registries suggest, prefilled from them.
    A programme they do not suggest to this account is a 404, as for none."""
    if not ConfirmImportForm().validate_on_submit():
        abort(400)
    try:
        draft = suggestions.start(current_user, code)
    except LookupError:
        abort(404)
    except DuplicateApplication:
        return redirect(url_for("status.index"), 303)
    return redirect(url_for("apply.task_list", draft_id=draft.id), 303)
