"""好差评: rating one service event.

- /rate/<kind>/<id>: signed in, for whoever may rate the event (ServiceEvent.may_rate: the
  application's owner, the person or guardian with a proven link; the asker; the rater of a
  followed-up 差评). Anyone else – and an event that does not exist – gets the same 404.
- /rate/t/<token>: the link in a text message; no sign-in; that one event, once. The page
  names the kind of service, the programme and the date, nothing of the person.
- /rate/mine: the signed-in resident's ratings, and what became of each 差评.
Rating is never required: every page says it may be skipped, and nothing waits for it.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.account.access import resident_required
from portal.rate.forms import RatingForm
from portal.ratings import follow_ups, invitations, ratings, service_events
from portal.ratings.mine import my_ratings
from portal.web.rate_limits import limit

bp = Blueprint("rate", __name__, url_prefix="/rate")

REFUSALS = {
    "too_late": lambda: _("这项服务已经过了评价的时间，不能再评价了。"),
    "change_closed": lambda: _("评价只能在提交后的一段时间内修改，现在已经不能修改了。"),
}


def _event_for_me(kind: str, event_id: int):
    event = service_events.load(kind, event_id)
    if event is None or not event.may_rate(current_user._get_current_object()):
        abort(404)
    return event


def _back(event) -> str:
    if event.application is not None:
        return url_for("status.application", reference=event.application.reference)
    return url_for(".mine")


def _refusal(refused: ratings.RatingRefused) -> str:
    return REFUSALS.get(refused.reason, REFUSALS["too_late"])()


@bp.route("/<kind>/<int:event_id>", methods=["GET", "POST"])
@resident_required
def rate(kind: str, event_id: int):
    event = _event_for_me(kind, event_id)
    state = ratings.standing(event)
    if not (state.may_rate or state.may_change):
        return render_template("rate/closed.html", state=state, back=_back(event))
    form = RatingForm(obj=None)
    if not form.is_submitted() and state.rating is not None:
        form.level.data = str(state.rating.level)
        form.reasons.data = list(state.rating.reasons or ())
        form.comment.data = state.rating.comment
    if form.validate_on_submit():
        try:
            ratings.rate(event, current_user.id, form.level.data, form.reasons.data,
                         form.comment.data)
        except ratings.RatingRefused as refused:
            flash(_refusal(refused), "info")
        else:
            flash(_("谢谢您的评价。"), "success")
        return redirect(_back(event), 303)
    return render_template("rate/rate.html", form=form, state=state, event=event,
                           action=url_for(".rate", kind=kind, event_id=event_id),
                           back=_back(event))


@bp.route("/t/<token>", methods=["GET", "POST"])
@limit("RATE_LIMIT_RATING_LINK")
def by_link(token: str):
    invitation = invitations.find(token)
    event = service_events.load(invitation.event_kind, invitation.event_id) \
        if invitation is not None else None
    state = ratings.standing(event) if event is not None else None
    if state is None or state.rating is not None or not state.may_rate:
        return render_template("rate/link_invalid.html"), 404
    form = RatingForm()
    if form.validate_on_submit():
        try:
            ratings.rate_by_link(invitation, event, form.level.data, form.reasons.data,
                                 form.comment.data)
        except ratings.RatingRefused:
            return render_template("rate/link_invalid.html"), 404
        return redirect(url_for(".thanks"), 303)
    return render_template("rate/rate.html", form=form, state=state, event=event,
                           action=url_for(".by_link", token=token), back=None)


@bp.get("/thanks")
def thanks():
    return render_template("rate/thanks.html")


@bp.get("/mine")
@resident_required
def mine():
    return render_template("rate/mine.html", rows=my_ratings(current_user.id),
                           is_overdue=follow_ups.is_overdue)
