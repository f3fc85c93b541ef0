"""POST /useful: one anonymous answer to “这个页面有用吗？”, then back to the page with thanks.

The form sits on kept pages (portal/web/page_cache.py: the guides), the same for every
visitor, so it carries no CSRF token: portal/web/same_origin.py refuses another site's POSTs,
as for the self-check. It needs no cookie and no JavaScript; the thank-you is the page itself
with `useful=thanks` in its address (a kept page of its own, like any other address). Limited
per address (RATE_LIMIT_PAGE_VOTE); a page that does not ask is a 400.
"""
from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from flask import Blueprint, abort, redirect, request

from portal.ratings import page_votes
from portal.web import same_origin
from portal.web.rate_limits import limit
from portal.web.safe_redirect import same_site_path

bp = Blueprint("useful", __name__, url_prefix="/useful")
same_origin.tokenless(bp)
THANKS = "thanks"


def thanked_path(back: str) -> str:
    """`back` with useful=thanks in its query (any earlier one replaced), at the form."""
    parts = urlsplit(same_site_path(back))
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "useful"]
    query.append(("useful", THANKS))
    return urlunsplit(("", "", parts.path, urlencode(query), "useful"))


@bp.post("")
@limit("RATE_LIMIT_PAGE_VOTE")
def vote():
    page = request.form.get("page")
    answer = request.form.get("useful")
    if not page_votes.known(page) or answer not in ("yes", "no"):
        abort(400)
    page_votes.record(page, answer == "yes")
    return redirect(thanked_path(request.form.get("back", "/")), 303)
