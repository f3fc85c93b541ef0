"""/public-notice: the 两项补贴 public notice (公示), open to everyone."""
from __future__ import annotations

from flask import Blueprint, render_template, request

from portal.applications import public_notice as listing
from portal.applications import status_machine
from portal.content import streets

bp = Blueprint("notice", __name__)


@bp.get("/public-notice")
def index():
    chosen = request.args.get("street") or None
    if chosen and streets.by_code(chosen) is None:
        chosen = None
    return render_template(
        "public_notice/index.html", notices=listing.current(chosen), chosen=chosen,
        all_streets=streets.all_streets(), days=status_machine.public_notice_days())
