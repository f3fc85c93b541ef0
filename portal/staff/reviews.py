"""The staff console's yearly reviews (年审) and re-evaluations (资格复核), for the street
officer (their street only) and civil affairs (every street, a filter by street):

    /staff/reviews/                          the worklist: overdue and missed first, in words
    /staff/reviews/<id>                      a review: what is known; record a visit
    /staff/reviews/reevaluations             who may no longer qualify, with the rules' reasons
    /staff/reviews/reevaluations/<id>        one row: dismiss with a note, or to the recipient

Thin: parse, call portal.benefits.reviews / reevaluation, render. What another street's
officer may not see is "not found" (404). Every view is audited.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import TextAreaField
from wtforms.validators import InputRequired, Length

from portal.audit import log as audit
from portal.benefits import lifecycle, reevaluation, reviews
from portal.content import streets
from portal.eligibility import Text
from portal.extensions import db
from portal.labels import REVIEW_STATES
from portal.staff import display
from portal.staff.access import staff_required
from portal.status import review_forms
from portal.web.forms import PortalForm
from portal.web.i18n import localized

ROLES = reviews.STAFF_ROLES

bp = Blueprint("staff_reviews", __name__, url_prefix="/staff/reviews")


class DismissForm(PortalForm):
    note = TextAreaField(_l("核实的情况"), validators=[
        InputRequired(message=_l("请写明核实的情况，例如为什么仍然符合条件")),
        Length(max=review_forms.MAX_NOTE,
               message=_l("请不要超过%(max)s个字", max=review_forms.MAX_NOTE))])


@bp.context_processor
def staff_context():
    return {**display.helpers(), "staff_links": display.staff_links(),
            "days_overdue": reviews.days_overdue,
            "reason_text": _reason_text}


def _reason_text(stored: dict) -> str:
    """A reason or citation as the engine gave it ({zh, en}), in the page's language."""
    return localized(Text(stored.get("zh", ""), stored.get("en") or stored.get("zh", "")))


@bp.app_template_global()
def review_state_of(review, on=None) -> str:
    """A review's state in words' code (due, overdue, missed, done), for any page."""
    return reviews.state(review, on)


@bp.app_template_global()
def recipient_review(recipient):
    """The recipient's latest yearly review, for the recipient's page (a link to it)."""
    return reviews.current(recipient)


def _me():
    return current_user._get_current_object()


def _street_filter() -> str | None:
    """Civil affairs may filter by street; a street officer always sees their own."""
    if current_user.role != "civil_affairs":
        return None
    street = request.args.get("street") or None
    return street if street and streets.by_code(street) else None


@bp.get("/")
@staff_required(*ROLES)
def worklist():
    today = lifecycle.today()
    street = _street_filter()
    show = request.args.get("state")
    show = show if show in REVIEW_STATES else None
    rows = reviews.worklist(_me(), on=today, street=street, show=show)
    audit.record(_me(), "review.list", "review", None,
                 {"street": street or _me().street, "state": show, "rows": len(rows)})
    db.session.commit()
    return render_template("staff/reviews.html", rows=rows, today=today, street=street,
                           show=show, streets=streets.all_streets(), states=REVIEW_STATES,
                           may_filter=current_user.role == "civil_affairs")


def _review_or_404(review_id: int):
    found = reviews.find_for_staff(_me(), review_id)
    if found is None:
        abort(404)
    return found


@bp.route("/<int:review_id>", methods=["GET", "POST"])
@staff_required(*ROLES)
def review(review_id: int):
    found = _review_or_404(review_id)
    today = lifecycle.today()
    recipient = found.recipient
    known = reviews.known(recipient, today)
    form = review_forms.visit_form(recipient.programme, known)
    if found.status == "open" and form.validate_on_submit():
        changes = review_forms.visit_changes(form, recipient.programme, known)
        try:
            resumed = reviews.complete(found, method="visit", changes=changes, actor=_me(),
                                       on=today, visited_on=form.visited_day(),
                                       note=form.note.data)
        except reviews.ReviewError as error:
            if error.problem == "not_allowed":
                abort(404)
            db.session.rollback()
            flash(_("这次年审已经完成，或者发放已经停止，没有再登记。"))
        else:
            flash(_("已登记上门核实，年审完成，已恢复发放并补发暂停的月份。") if resumed
                  else _("已登记上门核实，年审完成。"))
        return redirect(url_for(".review", review_id=found.id), 303)
    audit.record(_me(), "review.view", "review", str(found.id),
                 {"recipient": recipient.id})
    db.session.commit()
    return render_template(
        "staff/review.html", review=found, recipient=recipient, known=known, form=form,
        state=reviews.state(found, today), today=today,
        asked=reviews.facts_asked(recipient.programme)), 422 if form.errors else 200


@bp.get("/reevaluations")
@staff_required(*ROLES)
def reevaluations():
    street = _street_filter()
    rows = reevaluation.worklist(_me(), street=street)
    audit.record(_me(), "reevaluation.list", "recipient", None,
                 {"street": street or _me().street, "rows": len(rows)})
    db.session.commit()
    return render_template("staff/reevaluations.html", rows=rows, street=street,
                           streets=streets.all_streets(),
                           may_filter=current_user.role == "civil_affairs")


@bp.route("/reevaluations/<int:row_id>", methods=["GET", "POST"])
@staff_required(*ROLES)
def reevaluation_row(row_id: int):
    row = reevaluation.find(_me(), row_id)
    if row is None:
        abort(404)
    form = DismissForm()
    if row.status == "open" and form.validate_on_submit():
        try:
            reevaluation.dismiss(row, form.note.data, _me())
        except reevaluation.ReevaluationError as error:
            if error.problem == "not_allowed":
                abort(404)
            db.session.rollback()
        else:
            flash(_("已记录：核实后不需处理，继续发放。"))
            return redirect(url_for(".reevaluations"), 303)
    audit.record(_me(), "reevaluation.view", "recipient", str(row.recipient_id),
                 {"reevaluation": row.id})
    db.session.commit()
    return render_template("staff/reevaluation.html", row=row, recipient=row.recipient,
                           form=form), 422 if form.errors else 200
