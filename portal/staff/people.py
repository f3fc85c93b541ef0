"""一人一档 in the staff console: a search for a person, and the person's page – their whole
file (portal.people.record) with a filter of its timeline by kind, printable. Thin: parse,
call portal.people.files (which checks who may open what and audits every view), render.

The search box is sent by POST and answered with a redirect whose URL carries the search
text sealed (portal.staff.search_token, as the queue does): an ID number or a phone number
never reaches a URL.
"""
from __future__ import annotations

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_login import current_user

from portal import labels
from portal.people import files, record
from portal.staff import display, search_token
from portal.staff.access import staff_required
from portal.staff.forms import ConfirmForm
from portal.staff.people_forms import PersonSearchForm, TimelineFilterForm

bp = Blueprint("staff_people", __name__, url_prefix="/staff/people")


@bp.context_processor
def staff_context():
    return {**display.helpers(), "staff_links": display.staff_links()}


@bp.route("/", methods=["GET", "POST"])
@staff_required(*files.STAFF_ROLES)
def search():
    expired, parsed, found = False, None, None
    if request.method == "POST":
        form = PersonSearchForm()
        if form.validate_on_submit():
            token = search_token.seal(current_user.id, form.q.data.strip())
            return redirect(url_for(".search", **{search_token.PARAMETER: token}), 303)
        code = 400
    else:
        form, code = PersonSearchForm(formdata=None), 200
        try:
            text = search_token.open_token(current_user.id,
                                           request.args.get(search_token.PARAMETER))
        except search_token.Expired:
            text, expired = None, True
        if text:
            form.q.data = text
            parsed, found = files.search(current_user, text)
    return render_template("staff/people/search.html", form=form, parsed=parsed, found=found,
                           expired=expired, search_kind_texts=files.SEARCH_KIND_TEXTS,
                           search_limit=files.SEARCH_LIMIT), code


@bp.get("/<int:person_id>")
@staff_required(*files.STAFF_ROLES)
def person(person_id: int):
    filter_form = TimelineFilterForm(formdata=request.args, meta={"csrf": False})
    kinds = filter_form.kinds()
    found, person_file = files.open_file(current_user, person_id, kinds)
    return render_template(
        "staff/people/person.html", person=found, file=person_file,
        entries=person_file.of_kinds(kinds), kinds=kinds, counts=person_file.kind_counts(),
        filter_form=filter_form, reveal_form=ConfirmForm(),
        openable={row.reference for row in person_file.applications
                  if files.case_openable(current_user, row)},
        kind_label=record.kind_label,
        kind_names=labels.word_list(record.kind_label(code) for code in kinds))


@bp.post("/<int:person_id>/id-number")
@staff_required(*files.STAFF_ROLES)
def id_number(person_id: int):
    """The full ID number, on purpose (a confirmed POST), recorded first; never stored by the
    browser."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    found, number = files.reveal_id_number(current_user, person_id)
    if number is None:
        abort(404)
    response = Response(render_template("staff/people/id_number.html", person=found,
                                        number=number))
    response.headers["Cache-Control"] = "no-store"
    return response
