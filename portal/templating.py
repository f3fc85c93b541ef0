"""What every template can use: language, navigation, hotline, display classes."""
from __future__ import annotations

from flask import Flask, request

from . import dates, i18n, navigation
from .preferences import display as display_preferences
from .services import identity


# Pages differ by the language and display cookies and by the browser's language.
VARY = ("Cookie", "Accept-Language")


def init_app(app: Flask) -> None:
    @app.context_processor
    def layout_context():
        return {
            "language": i18n.current_language(),
            "languages": i18n.LANGUAGES,
            "main_navigation": navigation.main_navigation(),
            "hotline": app.config["HOTLINE"],
            "current_path": request.full_path.rstrip("?") if request else "/",
            "display_classes": display_preferences.css_classes(),
        }

    @app.template_global()
    def has_endpoint(endpoint: str) -> bool:
        return endpoint in app.view_functions

    @app.after_request
    def content_language(response):
        # Read the headers once (response.vary re-parses and rewrites Vary on each add).
        present = {name.lower(): value for name, value in response.headers.items()}
        if "content-language" not in present:
            response.headers.add("Content-Language", i18n.current_language().html_lang)
        vary = [v.strip() for v in present.get("vary", "").split(",") if v.strip()]
        named = {v.lower() for v in vary}
        missing = [v for v in VARY if v.lower() not in named]
        if missing:
            response.headers.set("Vary", ", ".join(vary + missing))
        return response

    # An ID number as pages show it: the last four only (portal.services.identity).
    app.add_template_global(identity.masked_id, "masked_id")
    app.add_template_global(identity.masked, "masked_number")
    dates.init_app(app)   # long_date, date_time, clock_time: dates as people write them
    app.jinja_env.filters["loc"] = i18n.localized  # programme data (Text) in the page's language
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
