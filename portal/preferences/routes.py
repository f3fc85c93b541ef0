"""无障碍设置: the settings page, and the POST that both it and the bar on every page send."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for

from ..safe_redirect import same_site_path
from . import display
from .forms import PreferencesForm
from .options import BY_NAME, SETTINGS

bp = Blueprint("preferences", __name__, url_prefix="/preferences")


def _back() -> str:
    """Where the visitor came from (a path on this site), never the settings page itself."""
    back = same_site_path(request.args.get("next"))
    return "/" if back.split("?")[0] == url_for("preferences.settings") else back


@bp.route("", methods=["GET", "POST"])
def settings():
    current = display.current()
    form = PreferencesForm(data=current.values)
    if form.validate_on_submit():
        response = redirect(same_site_path(request.args.get("next"),
                                           default=url_for("preferences.settings")), 303)
        return display.store(response, form.preferences())
    status = 400 if form.errors else 200
    return render_template(
        "preferences/settings.html", form=form, settings=SETTINGS, current=current,
        back=_back(), saved=request.args.get("saved") == "1",
    ), status


@bp.app_context_processor
def display_context():
    return {"display_settings": BY_NAME}


@bp.app_template_global("display_preferences")
def display_preferences():
    """For templates and macros: e.g. `display_preferences().text_only` leaves video out."""
    return display.current()


@bp.post("/reset")
def reset():
    return display.forget(redirect(same_site_path(request.args.get("next")), 303))
