"""我的信息: a resident whose identity is proven reads everything the portal holds about them
(or about the ward they are the proven guardian of) and downloads it as a JSON file – the
person's right to a copy of their data (个人信息保护法 第四十五条). The file itself is
portal.people.record's (one place, the staff's person page reads it too); who may open it and
the audit of every reading and download: portal.people.files.

An account with no proven link sees how to prove who it is – never anyone's data, whatever id
is typed (404, the same as an id that does not exist).
"""
from __future__ import annotations

import json
from datetime import date

from flask import Blueprint, Response, render_template
from flask_login import current_user

from portal.account.access import resident_required
from portal.people import files, record

bp = Blueprint("my_data", __name__, url_prefix="/my-data")


@bp.get("/")
@resident_required
def index():
    return render_template("my_data/index.html", people=files.own_people(current_user))


@bp.get("/<int:person_id>/")
@resident_required
def person(person_id: int):
    person_file = files.open_own(current_user, person_id)
    own = next(o for o in files.own_people(current_user) if o.person_id == person_id)
    return render_template("my_data/person.html", file=person_file, own=own,
                           entries=person_file.entries, kind_label=record.kind_label,
                           openable=())


@bp.get("/<int:person_id>/data.json")
@resident_required
def download(person_id: int):
    person_file = files.open_own(current_user, person_id, download=True)
    body = json.dumps({"generated_on": date.today().isoformat(), **person_file.to_json()},
                      ensure_ascii=False, indent=2)
    response = Response(body, mimetype="application/json")
    response.headers["Content-Disposition"] = \
        f'attachment; filename="my-data-{date.today().isoformat()}.json"'
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
