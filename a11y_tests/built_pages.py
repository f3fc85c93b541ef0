"""Every page version the axe suite built, kept on disk (a11y_results/pages/) so that the checks
that read all of them – the W3C HTML checker and consistent help – can run after the page
suite, whichever pytest-xdist worker built each page."""
from __future__ import annotations

from a11y_tests.conftest import PAGES


def save(name: str, html: str) -> None:
    PAGES.mkdir(parents=True, exist_ok=True)
    (PAGES / f"{name}.html").write_text(html, encoding="utf-8")


def load_all() -> dict[str, str]:
    """{page version name: HTML}; empty when the page suite has not run."""
    if not PAGES.is_dir():
        return {}
    return {path.stem: path.read_text(encoding="utf-8") for path in sorted(PAGES.glob("*.html"))}
