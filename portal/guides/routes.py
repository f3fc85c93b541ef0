"""办事指南 – the list of programmes by group, a guide per programme, and its easy-read version.

Everything shown comes from the programme files (``portal/eligibility/programmes/``); a new
programme file gives a new guide without changes here. The pages are the same for every
visitor with the same language and display settings, so they are kept (portal/web/page_cache.py).
"""
from __future__ import annotations

import datetime

from flask import Blueprint, abort

from portal.eligibility import GROUPS, Programme, programme, programmes
from portal.questions import questions
from portal.web.page_cache import cached_page

bp = Blueprint("guides", __name__, url_prefix="/programmes")


@bp.get("")
@cached_page("guides/index.html")
def index():
    by_group = {code: [] for code in GROUPS}
    for each in programmes():
        by_group[each.group].append(each)
    return {"groups": [(GROUPS[code], listed) for code, listed in by_group.items() if listed]}


@bp.get("/<code>", endpoint="programme")
@cached_page("guides/programme.html")
def programme_guide(code: str):
    shown = _programme_or_404(code)
    # A kept page is at most page_cache.MAX_AGE old, so amounts that change on a date show
    # from that date within minutes.
    today = datetime.date.today()
    return {"programme": shown, "group": GROUPS[shown.group],
            "conditions": shown.conditions_on(today), "amounts": shown.amounts_on(today),
            "frequent": questions.published_for(shown.code)}


@bp.get("/<code>/easy-read")
@cached_page("guides/easy_read.html")
def easy_read(code: str):
    # "Who can apply" is made of the easy-read sentences of the conditions in force today – the
    # same conditions the rules use – so the two cannot drift apart.
    shown = _programme_or_404(code)
    return {"programme": shown, "conditions": shown.conditions_on(datetime.date.today())}


def _programme_or_404(code: str) -> Programme:
    try:
        return programme(code)
    except KeyError:
        abort(404)
