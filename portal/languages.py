"""The portal's two languages – one place for their codes: Simplified Chinese first (the default,
and the language of every message id), then English. Plain data: the domain (stored defaults,
text messages) and the web layer (portal/web/i18n.py: which one a request is in) both read it."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Language:
    code: str          # short code used in URLs and the cookie
    locale: str        # Babel locale
    html_lang: str     # BCP 47 tag for <html lang>
    label: str         # the language's own name, shown in the switch


LANGUAGES = (
    Language("zh", "zh_Hans_CN", "zh-CN", "中文"),
    Language("en", "en", "en", "English"),
)
DEFAULT = LANGUAGES[0]
DEFAULT_LOCALE = DEFAULT.locale
