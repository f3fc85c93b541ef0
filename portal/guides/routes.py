"""办事指南 – the list of programmes by group, a guide per programme, and its easy-read version.

Everything shown comes from the programme files (``portal/eligibility/programmes/``); a new
programme file gives a new guide without changes here.
"""
from __future__ import annotations

import datetime

from flask import Blueprint, abort, render_template

from ..eligibility import GROUPS, Programme, programme, programmes

bp = Blueprint("guides", __name__, url_prefix="/programmes")


@bp.get("")
def index():
    by_group = {code: [] for code in GROUPS}
    for each in programmes():
        by_group[each.group].append(each)
    return render_template("guides/index.html",
                           groups=[(GROUPS[code], listed) for code, listed in by_group.items() if listed])


@bp.get("/<code>", endpoint="programme")
def programme_guide(code: str):
    shown = _programme_or_404(code)
    return render_template("guides/programme.html", programme=shown, group=GROUPS[shown.group],
                           amounts=shown.amounts_on(datetime.date.today()))


@bp.get("/<code>/easy-read")
def easy_read(code: str):
    return render_template("guides/easy_read.html", programme=_programme_or_404(code))


def _programme_or_404(code: str) -> Programme:
    try:
        return programme(code)
    except KeyError:
        abort(404)
