"""Every message has an English translation, placeholders match, and the .mo files are fresh."""
import re
import subprocess
import sys
from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "translations/en/LC_MESSAGES/messages.po"
MO = PO.with_suffix(".mo")
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _extract(tmp_path) -> list[str]:
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [str(Path(sys.executable).parent / "pybabel"), "-q", "extract", "-F",
         str(ROOT / "babel.cfg"), "-k", "_l", "-k", "lazy_gettext", "--no-location",
         "-o", str(pot), "portal", "templates"],
        cwd=ROOT, check=True,
    )
    with pot.open("rb") as handle:
        return [m.id for m in read_po(handle) if m.id]


def _catalogue():
    with PO.open("rb") as handle:
        return read_po(handle)


def test_every_message_in_the_source_is_in_the_catalogue_and_translated(tmp_path):
    catalogue = _catalogue()
    source = _extract(tmp_path)
    assert source, "nothing extracted – is babel.cfg right?"
    not_in_catalogue = [m for m in source if m not in catalogue]
    assert not not_in_catalogue, f"run `make i18n-update`; missing: {not_in_catalogue[:10]}"
    untranslated = [m for m in source
                    if not catalogue[m].string or catalogue[m].fuzzy]
    assert not untranslated, f"no English translation for: {untranslated[:10]}"


def test_placeholders_match():
    for message in _catalogue():
        if message.id and message.string:
            assert set(PLACEHOLDER.findall(message.id)) == set(
                PLACEHOLDER.findall(message.string)), message.id


def test_english_does_not_leak_chinese():
    for message in _catalogue():
        if message.id and message.string:
            leaked = re.findall(r"[\u4e00-\u9fff]", re.sub(r'lang="zh-CN">[^<]*<', "", message.string))
            assert not leaked, f"Chinese left in the English for {message.id!r}"


def test_compiled_catalogue_is_current():
    assert MO.exists(), "run `make translations`"
    with MO.open("rb") as handle:
        compiled = {m.id: m.string for m in read_mo(handle) if m.id}
    source = {m.id: m.string for m in _catalogue() if m.id and m.string and not m.fuzzy}
    assert compiled == source, "the compiled catalogue is stale: run `make translations`"


TEMPLATE_CALL = re.compile(r"""\b_\(\s*(["'])(.+?)(?<!\\)\1""")


def test_every_template_string_is_in_the_catalogue():
    """Read from the templates directly, not through the extractor: Jinja's extractor skips a
    template it cannot parse (an extension babel.cfg does not name) without a word, and its
    strings then drop out of the catalogue at the next `make i18n-update`."""
    catalogue = _catalogue()
    missing = []
    for template in sorted((ROOT / "templates").rglob("*.html")):
        for _quote, text in TEMPLATE_CALL.findall(template.read_text(encoding="utf-8")):
            if text not in catalogue:
                missing.append(f"{template.relative_to(ROOT)}: {text}")
    assert not missing, missing[:10]
