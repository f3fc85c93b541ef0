"""变更申报 in the staff console: the worklist of changes of circumstances reported for the
recipients of the officer's street (civil affairs: every street), a page per request with the
recipient, and the decision. Thin: parse, call portal.changes.requests, render. Every view is
audited there.
"""
from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal import dates
from portal.benefits import lifecycle
from portal.benefits import rates as rate_data
from portal.changes import answers
from portal.changes import requests as changes
from portal.staff import display
from portal.staff.access import staff_required
from portal.staff.forms import ChangeDecisionForm
from portal.staff.payments import LIFECYCLE_ERRORS

bp = Blueprint("staff_changes", __name__, url_prefix="/staff/changes")

PROBLEMS = {
    "stale": _l("这份变更申报刚刚有人办理过了。请看下面的最新情况。"),
    "state": _l("这份变更申报已经办理过了。"),
    "not_allowed": _l("这类变更需要由其他岗位核实办理。"),
    "outcome": _l("请选择列出的核实结果"),
    "reason": _l("请写明不予核实的理由，申报人会看到这段话"),
}


@bp.context_processor
def staff_context():
    return {**display.helpers(), "staff_links": display.staff_links()}


@bp.get("/")
@staff_required(*changes.STAFF_ROLES)
def worklist():
    open_only = request.args.get("view") != "all"
    after = request.args.get("after", type=int) or 0
    found = changes.worklist(current_user, open_only, after)
    return render_template("staff/changes/worklist.html", requests=found, open_only=open_only,
                           next_after=found[-1].id if len(found) == changes.PAGE_SIZE else None)


def _page(found, form=None, problem: str | None = None, code: int = 200):
    kind = changes.kind_of(found)
    recipient = found.recipient
    # Months the bank paid after a death or a move away: before deciding, what is on the
    # rolls; after, what approving found. Shown, never clawed back silently.
    paid_after = [date.fromisoformat(f"{month}-01")
                  for month in (found.effect or {}).get("paid_after") or []]
    if kind.ends_payment and found.status == "submitted":
        day = changes.reported_on(found)
        if day is not None:
            paid_after = lifecycle.months_paid_from(recipient, rate_data.next_month(day))
    return render_template(
        "staff/changes/change.html", change=found, recipient=recipient, kind=kind,
        rows=answers.rows(found), may_decide=changes.may_decide(current_user, found),
        form=form or ChangeDecisionForm([o.code for o in kind.outcomes], formdata=None,
                                        data={"version": str(found.version)}),
        paid_after=paid_after, problem=problem), code


@bp.route("/<change_reference>", methods=["GET", "POST"])
@staff_required(*changes.STAFF_ROLES)
def change(change_reference: str):
    found = changes.open_request(current_user, change_reference)
    if request.method == "GET":
        return _page(found)
    if not changes.may_decide(current_user, found):
        abort(403)
    form = ChangeDecisionForm([o.code for o in changes.kind_of(found).outcomes])
    if not form.validate_on_submit():
        return _page(found, form, code=422)
    try:
        changes.decide(found, current_user, form.outcome(), form.refusal_reason.data,
                       expected_version=form.version_number())
    except changes.ChangeError as error:
        if error.problem == "lifecycle":
            problem = _lifecycle_problem(error.lifecycle_error)
        else:
            problem = str(PROBLEMS[error.problem])
        found = changes.open_request(current_user, change_reference)
        return _page(found, form, problem=problem, code=409)
    flash(_("已办理，已发短信告诉申报人。"))
    return redirect(url_for(".change", change_reference=found.reference), 303)


def _lifecycle_problem(error) -> str:
    if error.problem == "not_allowed":
        return str(PROBLEMS["not_allowed"])
    if error.problem == "street":
        return _("申报的新街道就是现在的街道，不需要变更。")
    month = dates.month_label(error.month) if error.month else ""
    return str(LIFECYCLE_ERRORS[error.problem]) % {"month": month}
