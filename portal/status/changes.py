"""变更申报 on the status pages: a recipient's family reports a change of circumstances.

Reached from the benefit shown on the application's page, by whoever may see that application
(portal.accounts.access_grants – the applicant, the person or guardian, a granted family
member); a draft only by the account that started it. Anything else is "not found" (404).
Thin: parse, call portal.changes.requests, render.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.account.access import resident_required
from portal.accounts import access_grants
from portal.benefits import recipients
from portal.changes import answers
from portal.changes import requests as changes
from portal.changes.kinds import KINDS
from portal.status import display, forms
from portal.web import i18n

bp = Blueprint("changes", __name__, url_prefix="/status/applications/<reference>/changes")


@bp.context_processor
def _context():
    return display.helpers()


def _benefit(reference: str):
    """The application (if the account may see it) and its recipient; else 404."""
    application = access_grants.find_visible(current_user._get_current_object(), reference,
                                             need="changes")
    recipient = recipients.of_account_application(application.id) if application else None
    if recipient is None:
        abort(404)
    return application, recipient


def _kind(code: str):
    kind = KINDS.get(code)
    if kind is None:
        abort(404)
    return kind


@bp.get("/")
@resident_required
def index(reference: str):
    application, recipient = _benefit(reference)
    return render_template("status/changes/index.html", application=application,
                           recipient=recipient, kinds=list(KINDS.values()),
                           reportable=changes.reportable(recipient),
                           requests=changes.of_recipient(recipient))


@bp.route("/new/<kind>", methods=["GET", "POST"])
@resident_required
def report(reference: str, kind: str):
    application, recipient = _benefit(reference)
    found = _kind(kind)
    if not changes.reportable(recipient):
        abort(404)
    me = current_user._get_current_object()
    draft = None
    if request.args.get("draft", type=int):
        draft = changes.draft_of(me, recipient, request.args.get("draft", type=int))
        if draft is None or draft.kind != found.code:
            abort(404)
    data = dict(draft.details) if draft is not None else {}
    data.pop("card_number", None)      # typed again: it is never shown back in full
    form = forms.change_form(found, recipient.street, i18n.current_language().code, data)
    if form.validate_on_submit():
        draft = changes.save_draft(me, recipient, found, form.answers(), draft)
        return redirect(url_for(".check", reference=application.reference,
                                draft_id=draft.id), 303)
    return render_template("status/changes/report.html", application=application,
                           recipient=recipient, kind=found, form=form, draft=draft)


@bp.route("/drafts/<int:draft_id>", methods=["GET", "POST"])
@resident_required
def check(reference: str, draft_id: int):
    application, recipient = _benefit(reference)
    me = current_user._get_current_object()
    draft = changes.draft_of(me, recipient, draft_id)
    if draft is None:
        sent = changes.sent_from_draft(me, recipient, draft_id)
        if sent is None:
            abort(404)
        return redirect(url_for(".change", reference=application.reference,
                                change_reference=sent.reference), 303)
    form = forms.ConfirmForm()
    if form.validate_on_submit():
        try:
            sent = changes.submit(draft, me)
        except changes.ChangeError:
            flash(_("这项补贴已经停止发放，不能再报告变更。"), "info")
            return redirect(url_for(".index", reference=application.reference), 303)
        flash(_("变更已提交，变更编号%(ref)s。街道工作人员核实后，我们会发短信告诉您结果。",
                ref=sent.reference), "success")
        return redirect(url_for(".change", reference=application.reference,
                                change_reference=sent.reference), 303)
    return render_template("status/changes/check.html", application=application,
                           recipient=recipient, kind=KINDS[draft.kind], draft=draft,
                           rows=answers.rows(draft), form=form)


@bp.get("/<change_reference>")
@resident_required
def change(reference: str, change_reference: str):
    application, recipient = _benefit(reference)
    found = changes.find_of_recipient(recipient, change_reference)
    if found is None:
        abort(404)
    return render_template("status/changes/change.html", application=application,
                           recipient=recipient, change=found, rows=answers.rows(found))
