"""Public pages: home, help, privacy notice, accessibility statement, language switch."""
from flask import (
    Blueprint,
    abort,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)

from portal.content import accessibility_reports
from portal.public import statement
from portal.public.forms import AccessibilityReportForm
from portal.web import i18n, navigation
from portal.web.page_cache import cached_page
from portal.web.rate_limits import limit
from portal.web.safe_redirect import same_site_path

bp = Blueprint("public", __name__)


@bp.get("/")
@cached_page("public/home.html")
def home():
    return {"services": navigation.home_services()}


@bp.get("/help")
@cached_page("public/help.html")
def help_page():
    return {}


@bp.get("/privacy")
@cached_page("public/privacy.html")
def privacy():
    return {}


@bp.route("/accessibility", methods=["GET", "POST"])
@limit("RATE_LIMIT_ACCESSIBILITY_REPORT")
def accessibility_statement():
    form = AccessibilityReportForm()
    if form.validate_on_submit():
        accessibility_reports.record(form.page.data, form.description.data, form.contact.data)
        return redirect(url_for("public.accessibility_report_sent"), 303)
    record = statement.load()
    return render_template("public/accessibility.html", form=form, run=statement.load_run(),
                           last_review=record.last_review.reviewed_on), 400 if form.errors else 200


@bp.get("/accessibility/report-sent")
def accessibility_report_sent():
    return render_template("public/accessibility_report_sent.html")


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
