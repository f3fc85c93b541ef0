"""年审 online: the resident (or a guardian, or a family member given access – whoever may see
the application on the status pages) confirms the recipient's facts. Prefilled with what is
known; only what changed is asked:

    /status/reviews/<id>/          what is known; has anything changed?
    /status/reviews/<id>/changes   which things changed (only when something did)
    /status/reviews/<id>/details   the new value of only those
    /status/reviews/<id>/check     check the answers, and confirm
                                   (portal.benefits.reviews.complete)

A review the account may not see is "not found" (404), as one that does not exist. What was
answered waits in the session until it is confirmed.
"""
from __future__ import annotations

from functools import wraps

from flask import Blueprint, abort, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.account.access import resident_required
from portal.benefits import lifecycle, reviews
from portal.status import display, forms, review_forms

bp = Blueprint("reviews", __name__, url_prefix="/status/reviews")


@bp.context_processor
def _context():
    return display.helpers()


def _review(review_id: int):
    found = reviews.find_for_resident(current_user._get_current_object(), review_id)
    if found is None:
        abort(404)
    return found


def _answers(review) -> dict:
    return session.get(f"review-{review.id}") or {}


def _keep(review, **values) -> None:
    session[f"review-{review.id}"] = {**_answers(review), **values}


def _still_open(view):
    """The page of a review that may still be done: the review found (or 404) is passed to
    `view`; one done, or whose payment ended, sends back to its first page."""
    @wraps(view)
    def wrapped(review_id: int):
        review = _review(review_id)
        if review.status != "open" or review.recipient.status == "ended":
            return redirect(url_for(".start", review_id=review.id), 303)
        return view(review)
    return wrapped


def _page(template: str, review, **values):
    today = lifecycle.today()
    return render_template(
        template, review=review, recipient=review.recipient,
        application=review.recipient.application, state=reviews.state(review, today),
        known=reviews.known(review.recipient, today),
        asked=reviews.facts_asked(review.recipient.programme), **values)


@bp.route("/<int:review_id>/", methods=["GET", "POST"])
@resident_required
def start(review_id: int):
    review = _review(review_id)
    form = review_forms.ChangedForm()
    if review.status == "open" and form.validate_on_submit():
        if form.changed.data == "no":
            _keep(review, which=[], changes={})
            return redirect(url_for(".check", review_id=review.id), 303)
        return redirect(url_for(".changes", review_id=review.id), 303)
    return _page("status/review.html", review, form=form), 422 if form.errors else 200


@bp.route("/<int:review_id>/changes", methods=["GET", "POST"])
@resident_required
@_still_open
def changes(review):
    programme = review.recipient.programme
    form = review_forms.WhichForm(programme, data={"which": _answers(review).get("which")})
    if form.validate_on_submit() and form.chosen():
        _keep(review, which=form.chosen())
        return redirect(url_for(".details", review_id=review.id), 303)
    if form.is_submitted() and not form.which.errors and not form.chosen():
        form.which.errors = [_("请至少选择一项有变化的情况")]
    return _page("status/review_changes.html", review, form=form), \
        422 if form.errors else 200


@bp.route("/<int:review_id>/details", methods=["GET", "POST"])
@resident_required
@_still_open
def details(review):
    which = _answers(review).get("which") or []
    if not which:
        return redirect(url_for(".changes", review_id=review.id), 303)
    programme = review.recipient.programme
    form = review_forms.details_form(programme, which)
    if form.validate_on_submit():
        _keep(review, changes=review_forms.changes_from(form, programme, which))
        return redirect(url_for(".check", review_id=review.id), 303)
    return _page("status/review_details.html", review, form=form, which=which), \
        422 if form.errors else 200


@bp.route("/<int:review_id>/check", methods=["GET", "POST"])
@resident_required
@_still_open
def check(review):
    answers = _answers(review)
    if "changes" not in answers:
        return redirect(url_for(".start", review_id=review.id), 303)
    form = forms.ConfirmForm()
    if form.validate_on_submit():
        try:
            resumed = reviews.complete(review, method="online", changes=answers["changes"],
                                       actor=current_user._get_current_object())
        except reviews.ReviewError:
            return redirect(url_for(".start", review_id=review.id), 303)
        session.pop(f"review-{review.id}", None)
        flash(_("年审已完成，恢复发放，暂停期间的月份将一并补发。我们已发短信告诉您。") if resumed
              else _("年审已完成。我们已发短信告诉您。"), "success")
        return redirect(url_for("status.application",
                                reference=review.recipient.application.reference), 303)
    return _page("status/review_check.html", review, form=form,
                 changes=answers["changes"])


def review_for(application):
    """The latest yearly review of the benefit paid on `application` (for its status page)."""
    from portal.benefits.recipients import of_account_application

    recipient = of_account_application(application.id)
    return reviews.current(recipient) if recipient is not None else None
