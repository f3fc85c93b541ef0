"""/staff/data-requests: the queue of people's requests to correct or delete their data
(portal.retention.requests says who handles them and how), one request (its view audited: it
shows the person's name and what they wrote), its supporting document (audited) and the
decision, which is told to the person by text and on their page."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from portal.account.data_request_forms import DecisionForm
from portal.applications import documents
from portal.retention import requests
from portal.staff import display
from portal.staff.access import staff_required
from portal.staff.outcomes import done_or_refused
from portal.web.delivery import private_file

bp = Blueprint("staff_data_requests", __name__, url_prefix="/staff/data-requests")


@bp.context_processor
def _context():
    return {**display.helpers(), "staff_links": display.staff_links(),
            "is_overdue": requests.is_overdue,
            "data_request_kind": lambda code: requests.KIND_LABELS.get(code, code),
            "data_request_outcome": lambda code: requests.OUTCOME_LABELS.get(code, code)}


@bp.get("")
@staff_required(*requests.ROLES)
def queue():
    decided = request.args.get("decided") == "1"
    return render_template("staff/data_requests.html", decided=decided,
                           rows=requests.queue(current_user, decided=decided))


def _found(data_request_id: int):
    found = requests.find(current_user, data_request_id)
    if found is None:
        abort(404)
    return found


@bp.route("/<int:data_request_id>", methods=["GET", "POST"])
@staff_required(*requests.ROLES)
def data_request(data_request_id: int):
    found = _found(data_request_id)
    form = DecisionForm(list(requests.DECISIONS[found.kind].items()))
    if form.validate_on_submit():
        return done_or_refused(
            lambda: requests.decide(found, current_user, form.decision.data, form.reason.data),
            requests.RequestRefused, done=_("已办结。我们已发短信告诉申请人，说明在他的页面上。"),
            refused_text=_("这份申请已经办结，不能再修改。"),
            back=url_for(".data_request", data_request_id=found.id))
    if request.method == "GET":
        requests.viewed(current_user, found)
    return render_template("staff/data_request.html", request_row=found, form=form,
                           person=requests.person_of(found),
                           requester=requests.requester_of(found),
                           kept=requests.kept_explained(found, str(get_locale())),
                           erased=requests.erased_explained(found, str(get_locale())))


@bp.get("/<int:data_request_id>/document")
@staff_required(*requests.ROLES)
def document(data_request_id: int):
    found = _found(data_request_id)
    stored = requests.supporting_document(current_user, found)
    if stored is None:
        abort(404)
    return private_file(documents.path_of(stored), "application/octet-stream",
                        stored.original_name)
