"""Public pages: home, help, privacy notice, accessibility statement, language switch."""
from flask import Blueprint, abort, current_app, make_response, redirect, render_template, request

from .. import i18n, navigation
from ..safe_redirect import same_site_path

bp = Blueprint("public", __name__)


@bp.get("/")
def home():
    return render_template("public/home.html", services=navigation.home_services())


@bp.get("/help")
def help_page():
    return render_template("public/help.html")


@bp.get("/privacy")
def privacy():
    return render_template("public/privacy.html")


@bp.get("/accessibility")
def accessibility_statement():
    return render_template("public/accessibility.html")


@bp.get("/language/<code>")
def switch_language(code: str):
    language = i18n.BY_CODE.get(code)
    if language is None:
        abort(404)
    response = make_response(redirect(same_site_path(request.args.get("next")), 303))
    response.set_cookie(
        i18n.COOKIE, language.code, max_age=365 * 24 * 3600, path="/", httponly=True,
        samesite="Lax",
        secure=current_app.config["PREFERENCE_COOKIE_SECURE"],
    )
    return response
