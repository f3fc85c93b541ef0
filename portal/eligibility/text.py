"""Bilingual text: a ``str`` whose value is the Chinese text and which carries the English.

Every human-readable field in the programme files is written as ``{zh: ..., en: ...}``. The
loader turns each into a :class:`Text`, so code that only wants Chinese can treat it as a plain
string (``str(text)`` is the Chinese), and the web app can ask for the English with ``text.en``
or ``text.in_locale("en")``.
"""

from __future__ import annotations


class Text(str):
    """Chinese text (the string's value) that also carries its English translation."""

    en: str

    def __new__(cls, zh: str, en: str) -> Text:
        self = super().__new__(cls, zh)
        self.en = en
        return self

    @property
    def zh(self) -> str:
        return str(self)

    def in_locale(self, locale: str | None) -> str:
        """The text in ``locale`` ("en", "en_GB", "zh", "zh_Hans_CN" ...); Chinese for anything else."""
        if locale and locale.lower().replace("-", "_").split("_")[0] == "en":
            return self.en
        return str(self)

    def __reduce__(self):
        return (Text, (str(self), self.en))

    def __repr__(self) -> str:
        return f"Text({str(self)!r}, en={self.en!r})"


def text_from(node: object) -> Text:
    """Build a :class:`Text` from a data-file mapping ``{zh: ..., en: ...}``.

    Raises ``ValueError`` (without a location; the caller adds file and field) when the mapping
    is not exactly two non-empty strings under ``zh`` and ``en``.
    """
    if not isinstance(node, dict):
        raise ValueError("must be a mapping with 'zh' and 'en'")
    if set(node) != {"zh", "en"}:
        hint = ""
        if set(node) > {"zh", "en"}:
            hint = " (on one line, {zh: ..., en: \"...\"}, put text with commas in quotes)"
        raise ValueError(f"must have exactly the keys 'zh' and 'en', has {sorted(map(str, node))}{hint}")
    for key in ("zh", "en"):
        if not isinstance(node[key], str) or not node[key].strip():
            raise ValueError(f"'{key}' must be non-empty text")
    return Text(node["zh"].strip(), node["en"].strip())
