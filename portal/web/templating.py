"""What every template can use: language, navigation, hotline, display classes."""
from __future__ import annotations

import re

from flask import Flask, g, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup, escape

from portal import dates, labels
from portal.people import identity
from portal.preferences import display as display_preferences
from portal.web import i18n, navigation

# Pages differ by the language and display cookies and by the browser's language.
VARY = ("Cookie", "Accept-Language")


def stack_label(text) -> Markup:
    """A table cell's own column name, shown only when a narrow screen stacks the table's cells
    (static/css: .stack-table); hidden from screen readers, which announce the column header."""
    return Markup('<span class="stack-table__label" aria-hidden="true">{}</span>').format(text)


def written_channel() -> Markup:
    """The written channel (在线咨询, portal/ask) offered beside the phone line, for those who
    cannot phone: one place for the link and its words."""
    return Markup(' <a href="{}">{}</a>').format(url_for("ask.new"),
                                                 _("也可以在线咨询，用文字提问"))


def beside_the_phone(text) -> Markup:
    """A sentence the code wrote (an error page, a next step): when it says to call 12385, the
    written channel beside it."""
    sentence = escape(str(text))
    return Markup(sentence + written_channel()) if "12385" in sentence else Markup(sentence)


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

    app.jinja_env.filters["zh_text"] = i18n.zh_text
    app.jinja_env.filters["spoken_mask"] = spoken_mask
    app.jinja_env.filters["stack_label"] = stack_label
    app.jinja_env.filters["beside_the_phone"] = beside_the_phone
    app.add_template_global(written_channel, "written_channel_link")
    app.add_template_global(i18n.own_language, "own_language")   # free text, in its language

    # An ID number as pages show it: the last four only (portal.people.identity).
    app.add_template_global(identity.masked_id, "masked_id")
    app.add_template_global(identity.masked, "masked_number")
    dates.init_app(app)   # long_date, date_time, clock_time: dates as people write them
    labels.init_app(app)   # every label of a code, and `loc` (Text in the page's language)
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True


_LAST_DIGITS = re.compile(r"\*[\s*]*([0-9Xx]{4})$")


def spoken_mask(value) -> Markup | str:
    """A masked value (139****5678, 6222 **** **** 1234, 王*兰) as a page shows it: the mask
    to the eye, a spoken form to screen readers, which read asterisks one by one – "尾号5678",
    "王某兰". Anything without asterisks is returned as it is."""
    if value is None or "*" not in str(value):
        return value
    text = str(value)
    last = _LAST_DIGITS.search(text)
    if last:
        spoken = escape(_("尾号%(last)s", last=last.group(1)))
    else:   # a name: each hidden run of characters is "某" (so 王*兰 is read 王某兰)
        spoken = re.sub(r"\*+", "某", text)
        if i18n.zh_text(text) is not text:   # a Chinese name on a page in another language
            return Markup('<span class="masked" lang="zh-Hans"><span aria-hidden="true">%s</span>'
                          '<span class="visually-hidden">%s</span></span>') % (text, spoken)
    return Markup('<span class="masked"><span aria-hidden="true">%s</span>'
                  '<span class="visually-hidden">%s</span></span>') % (text, spoken)
