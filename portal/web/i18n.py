"""Languages: which one a request is in, and the names used for it in URLs and HTML.

Message ids are Simplified Chinese (the source of truth); the English catalogue translates them.
Order of choice: the explicit choice kept in a cookie → the browser's Accept-Language → Chinese.
"""
from __future__ import annotations

import re
from functools import cache

from babel import Locale
from flask import current_app, request
from flask_babel import get_locale
from markupsafe import Markup, escape

from portal.languages import DEFAULT, LANGUAGES, Language

BY_CODE = {lang.code: lang for lang in LANGUAGES}
BY_LOCALE = {lang.locale: lang for lang in LANGUAGES}
COOKIE = "lang"


def select_locale() -> Locale:
    """Flask-Babel's locale selector. It returns parsed locales, kept once made: parsing one
    for every request was a noticeable part of serving a kept page. Chosen once a request
    (a kept page's key asks before Flask-Babel does)."""
    chosen = request.environ.get(_CHOSEN)
    if chosen is None:
        chosen = request.environ[_CHOSEN] = _choose()
    return chosen


_CHOSEN = "portal.locale"   # in the WSGI environ: this request's locale, once chosen


def _choose() -> Locale:
    chosen = BY_CODE.get(request.cookies.get(COOKIE, ""))
    if chosen:
        return _parsed(chosen.locale)
    for tag in request.accept_languages.values():
        primary = tag.lower().split("-")[0].split("_")[0]
        if primary in BY_CODE:
            return _parsed(BY_CODE[primary].locale)
    return _parsed(current_app.config.get("BABEL_DEFAULT_LOCALE", DEFAULT.locale))


_parsed = cache(Locale.parse)


def current_language() -> Language:
    return BY_LOCALE.get(str(get_locale()), DEFAULT)


_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def zh_text(value):
    """Chinese shown on a page in another language – a person's or a place's name – marked
    lang="zh-Hans", so that a screen reader reads it with a Chinese voice, not letter by letter.
    Templates use it as the ``zh_text`` filter; anything else is returned as it is."""
    if value is None or current_language().html_lang.startswith("zh"):
        return value
    if not _HAN.search(str(value)):
        return value
    return Markup('<span lang="zh-Hans">%s</span>') % value


def own_language(text: str) -> Markup:
    """Free text someone typed (staff's messages, answers, reasons), marked with its own
    language, which may not be the page's (WCAG 3.1.2): Chinese when it has Chinese
    characters, else English. Templates use it as ``own_language(text)``."""
    lang = "zh-CN" if _HAN.search(text) else "en"
    return Markup('<span lang="{}">{}</span>').format(lang, escape(text))


def localized(text) -> str:
    """A bilingual text (``portal.eligibility.Text``) in the current language; ``None`` as ""
    and any other value unchanged. Templates use it as the ``loc`` filter."""
    if text is None:
        return ""
    in_locale = getattr(text, "in_locale", None)
    return in_locale(current_language().locale) if in_locale else text
