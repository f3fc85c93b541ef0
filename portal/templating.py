"""What every template can use: language, navigation, hotline, display classes."""
from __future__ import annotations

from flask import Flask, g, request
from flask_babel import format_date

from . import i18n, navigation
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

    @app.template_global()
    def field_state(field, describedby: str | None = None, required: bool = True) -> dict:
        """A control's state attributes (templates/components/forms.html): aria-invalid only
        when the field failed validation, "required" as aria-required – never the native
        `required`, which browsers announce as "invalid" on a fresh page (radios, checkboxes,
        selects, files) before anyone has answered. The server validates every form."""
        attrs: dict = {"required": False}
        if describedby:
            attrs["aria-describedby"] = describedby
        if field.errors:
            attrs["aria-invalid"] = "true"
        if required and field.flags.required:
            attrs["aria-required"] = "true"
        return attrs

    @app.template_global()
    def open_page_slot(name: str) -> list:
        """Start collecting what the page's content puts in the layout's slot `name`
        (templates/base.html renders the content first, then the slot where it belongs)."""
        slots = g.setdefault("page_slots", {})
        slots[name] = []
        return slots[name]

    @app.template_global()
    def page_slot(name: str) -> list | None:
        """The slot's list while the layout collects it; None when no layout does (a
        component then renders in place)."""
        return g.get("page_slots", {}).get(name)

    # An ID number as pages show it: the last four only (portal.services.identity).
    app.add_template_global(identity.masked_id, "masked_id")
    app.add_template_global(identity.masked, "masked_number")
    app.jinja_env.filters["long_date"] = lambda value: format_date(value, "long")
    app.jinja_env.filters["loc"] = i18n.localized  # programme data (Text) in the page's language
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
