"""/account/data-requests: a person's requests to correct or delete their data (portal.retention.
requests). Only an account proven to be the person or their guardian may ask; another account's
request is a 404, like one that does not exist."""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup, escape

from portal.account.access import resident_required
from portal.account.data_request_forms import CorrectionForm, DeletionForm
from portal.applications import documents
from portal.retention import requests
from portal.web.i18n import zh_text

bp = Blueprint("data_requests", __name__, url_prefix="/account/data-requests")


def _people():
    """(person, label) for each person the account is proven to be or the guardian of."""
    def label(text: str, name: str) -> Markup:   # the name marked Chinese on English pages
        return Markup(escape(text)) % {"name": zh_text(name)}

    return [(person, label(_("本人（%(name)s）") if link.role == "self"
                           else _("我监护的人：%(name)s"), person.full_name))
            for link, person in requests.people_for(current_user)]


@bp.context_processor
def _context():
    return {"data_request_kind": lambda code: requests.KIND_LABELS.get(code, code),
            "data_request_outcome": lambda code: requests.OUTCOME_LABELS.get(code, code)}


@bp.get("")
@resident_required
def index():
    return render_template("account/data_requests.html", proven=bool(_people()),
                           rows=requests.of_account(current_user))


def _ask(kind: str, form_class, template: str):
    people = _people()
    if not people:
        # Not proven to be anyone: the page says how to prove it; nothing is recorded.
        return render_template("account/data_request_not_proven.html"), \
            (403 if request.method == "POST" else 200)
    form = form_class(people)
    if form.validate_on_submit():
        upload = form.file.data if kind == "correction" else None
        try:
            made = requests.ask(current_user, form.person.data, kind, form.what_is_wrong.data,
                                getattr(form, "should_be", None) and form.should_be.data,
                                upload, locale=str(get_locale()))
        except documents.UploadRefused as problem:
            form.file.errors = [documents.refusal_message(problem.reason)]
        except requests.RequestRefused:
            abort(404)
        else:
            return redirect(url_for(".request_page", data_request_id=made.id, new=1), 303)
    return render_template(template, form=form)


@bp.route("/correct", methods=["GET", "POST"])
@resident_required
def correct():
    return _ask("correction", CorrectionForm, "account/data_request_correct.html")


@bp.route("/delete", methods=["GET", "POST"])
@resident_required
def delete():
    return _ask("deletion", DeletionForm, "account/data_request_delete.html")


@bp.get("/<int:data_request_id>")
@resident_required
def request_page(data_request_id: int):
    found = requests.own(current_user, data_request_id)
    if found is None:
        abort(404)
    locale = str(get_locale())
    return render_template("account/data_request.html", request_row=found,
                           kept=requests.kept_explained(found, locale),
                           erased=requests.erased_explained(found, locale))
