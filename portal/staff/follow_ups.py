"""/staff/follow-ups: the worklist of 差评 to follow up (portal.ratings.follow_ups says whose),
one follow-up (its view audited: it shows the rater's number for the call-back), and the
admin's list of overdue ones. Staff record the call-back and what was done; the rating itself
is shown, never editable."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.applications import queues
from portal.ratings import follow_ups, service_events
from portal.staff import display
from portal.staff.access import staff_required
from portal.staff.follow_up_forms import CallBackForm, CloseForm
from portal.staff.outcomes import done_or_refused

bp = Blueprint("follow_ups", __name__, url_prefix="/staff/follow-ups")


@bp.context_processor
def _context():
    return {**display.helpers(), "staff_links": display.staff_links(),
            "is_overdue": follow_ups.is_overdue}


@bp.get("")
@staff_required(*follow_ups.ROLES)
def worklist():
    closed = request.args.get("closed") == "1"
    return render_template("staff/follow_ups.html", closed=closed,
                           rows=follow_ups.worklist(current_user, closed=closed))


@bp.get("/overdue")
@staff_required("admin")
def overdue():
    return render_template("staff/follow_ups_overdue.html", rows=follow_ups.overdue())


@bp.route("/<int:follow_up_id>", methods=["GET", "POST"])
@staff_required(*follow_ups.ROLES)
def follow_up(follow_up_id: int):
    found = follow_ups.find(current_user, follow_up_id)
    if found is None:
        abort(404)
    call_back = CallBackForm()
    close = CloseForm()
    step = request.form.get("step")
    back = url_for(".follow_up", follow_up_id=found.id)
    if step == "call_back" and call_back.validate_on_submit():
        return done_or_refused(
            lambda: follow_ups.record_call_back(found, current_user, call_back.method.data,
                                                call_back.finding.data),
            follow_ups.FollowUpRefused, done=_("已记录回访核实的情况。"),
            refused_text=_("这条回访已经办结，不能再修改。"), back=back)
    if step == "close" and close.validate_on_submit():
        return done_or_refused(
            lambda: follow_ups.close(found, current_user, close.outcome.data,
                                     close.action_taken.data, close.message_to_rater.data),
            follow_ups.FollowUpRefused,
            done=_("已办结。我们已发短信告诉评价人处理结果，并请他评价这次处理。"),
            refused_text=_("请先记录回访核实的情况；已经办结的不能再修改。"), back=back)
    if request.method == "GET":
        follow_ups.viewed(current_user, found)
    event = service_events.load(found.event_kind, found.event_id)
    application = event.application if event is not None else None
    return render_template(
        "staff/follow_up.html", follow_up=found, rating=follow_ups.rating_of(found),
        rater=follow_ups.rater_of(found), event=event,
        application=application if application is not None
        and queues.can_see(current_user, application) else None,
        call_back=call_back, close=close)
