"""无障碍设置: the settings page and its POST (also sent by the bar on a form page, with that
page's form), and the GET the bar on every other page sends (`choose`: like the language
switch, it changes nothing but the visitor's own display cookie – README "Display settings
without a token")."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user

from portal.extensions import csrf
from portal.preferences import display
from portal.preferences.forms import PreferencesForm
from portal.preferences.options import BY_NAME, SETTINGS
from portal.web import kept_answers, same_origin
from portal.web.safe_redirect import same_site_path

bp = Blueprint("preferences", __name__, url_prefix="/preferences")


def _back() -> str:
    """Where the visitor came from (a path on this site), never the settings page itself."""
    back = same_site_path(request.args.get("next"))
    return "/" if back.split("?")[0] == url_for("preferences.settings") else back


@bp.route("", methods=["GET", "POST"])
@csrf.exempt   # checked in _check_sender: a self-check page's form comes without a token
def settings():
    current = display.current()
    if request.method == "POST":
        _check_sender()
    form = PreferencesForm(data=current.values, meta={"csrf": False})
    if form.validate_on_submit():
        back = same_site_path(request.args.get("next"), default=url_for("preferences.settings"))
        _keep_answers(back)
        return display.store(redirect(back + _pressed(), 303), form.preferences())
    return _page(form, current)


def _page(form: PreferencesForm, current):
    status = 400 if form.errors else 200
    return render_template(
        "preferences/settings.html", form=form, settings=SETTINGS, current=current,
        back=_back(), saved=request.args.get("saved") == "1",
    ), status


@bp.get("/choose")
def choose():
    """The bar's GET form: the pressed button's setting (or `reset`), then back to `next` – a
    path on this site only – at the pressed button. A value that is not one of the choices
    shows the settings page with the error, and changes nothing."""
    back = same_site_path(request.args.get("next"))
    if request.args.get("reset"):
        mark = "#bar-size-standard" if request.args.get("bar") == "1" else ""
        return display.forget(redirect(back + mark, 303))
    current = display.current()
    form = PreferencesForm(formdata=request.args, data=current.values, meta={"csrf": False})
    if form.validate():
        return display.store(redirect(back + _pressed(), 303), form.preferences())
    return _page(form, current)


@bp.app_context_processor
def display_context():
    return {"display_settings": BY_NAME}


bp.add_app_template_global(display.key, "display_key")


@bp.app_template_global("display_preferences")
def display_preferences():
    """For templates and macros: e.g. `display_preferences().text_only` leaves video out."""
    return display.current()


@bp.post("/reset")
@csrf.exempt   # checked in _check_sender, as for settings
def reset():
    _check_sender()
    back = same_site_path(request.args.get("next"))
    _keep_answers(back)
    if request.args.get("bar") == "1":
        back += "#bar-size-standard"
    return display.forget(redirect(back, 303))


def _check_sender() -> None:
    """Every POST here carries the CSRF token of the page it came from (Flask-WTF checks it),
    except a self-check page's form sent along by its settings bar: that page has no token,
    and portal/web/same_origin.py decides (never for a signed-in visitor)."""
    back = same_site_path(request.args.get("next"))
    same_origin.check_form_post(urlsplit(back).path)


def _keep_answers(back: str) -> None:
    """The bar on a form page sends that page's form along with the setting (see
    components/preferences_bar.html): keep its answers until the page shows again."""
    if request.args.get("bar") != "1":
        return
    kept_answers.keep_for_settings(urlsplit(back).path,
                                   current_user.id if current_user.is_authenticated else None,
                                   skip=set(BY_NAME))


def _pressed() -> str:
    """From the bar: the pressed button's place in the page shown next (#bar-…), so that the
    browser brings the person back to it (and opens the bar on a narrow screen)."""
    if request.args.get("bar") != "1":
        return ""
    for name in ("size", "elder", "scheme", "textonly"):
        value = request.values.get(name)
        if value:
            return f"#bar-size-{value}" if name == "size" else f"#bar-{name}"
    return ""
