"""What the browser suite visits: every GET route, in every language and display mode.

Each area adds a module under `visits/` with `VISITS` (a list of Visit) and `EXCLUDED`
({endpoint: reason}). A GET endpoint that is neither visited nor excluded fails the suite.
"""
from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field

LANGUAGES = ("zh", "en")


@dataclass(frozen=True)
class Visit:
    endpoint: str                 # the Flask endpoint this visit covers
    path: str                     # the URL path to open
    name: str                     # unique, used for result file names
    account: str | None = None    # phone of a demo account to be signed in as (None: signed out)
    # Browser steps before the checks, e.g. to show an error state:
    #   ("fill", css, text) ("click", css) ("check", css) ("select", css, option value)
    actions: tuple = field(default_factory=tuple)
    # Text that must be on the page after the actions (proves the right state was reached).
    expect_text: dict | None = None  # {lang: text}


def _modules():
    from a11y_tests import visits

    for info in sorted(pkgutil.iter_modules(visits.__path__), key=lambda i: i.name):
        yield importlib.import_module(f"a11y_tests.visits.{info.name}")


def all_visits() -> list[Visit]:
    found = [visit for module in _modules() for visit in module.VISITS]
    names = [v.name for v in found]
    duplicates = {n for n in names if names.count(n) > 1}
    assert not duplicates, f"visit names must be unique: {duplicates}"
    # Group by account so the browser signs in and out as seldom as possible.
    return sorted(found, key=lambda v: (v.account or "", names.index(v.name)))


def all_excluded() -> dict[str, str]:
    excluded: dict[str, str] = {}
    for module in _modules():
        excluded.update(getattr(module, "EXCLUDED", {}))
    return excluded
