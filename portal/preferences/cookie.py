"""The preference cookie: `display=size=large&scheme=yellow` (only what differs from the default).

The cookie comes from the browser, so it is read defensively: anything too long, unknown or
malformed is ignored, and reading never fails.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from portal.preferences.options import BY_NAME, SETTINGS

NAME = "display"
MAX_LENGTH = 200
MAX_AGE = 365 * 24 * 3600


@dataclass(frozen=True)
class Preferences:
    """The chosen value of every setting (defaults filled in)."""

    values: dict[str, str] = field(default_factory=dict)

    def __post_init__(self):
        complete = {s.name: s.default for s in SETTINGS}
        complete.update({k: v for k, v in self.values.items()
                         if k in BY_NAME and v in BY_NAME[k].values})
        object.__setattr__(self, "values", complete)

    def __getitem__(self, name: str) -> str:
        return self.values[name]

    def changed(self, **updates: str) -> Preferences:
        return Preferences({**self.values, **updates})

    @property
    def is_default(self) -> bool:
        return all(self.values[s.name] == s.default for s in SETTINGS)

    @property
    def css_classes(self) -> str:
        """The classes for <html>, e.g. "size-xlarge scheme-yellow"."""
        classes = (BY_NAME[name].choice(value).css_class for name, value in self.values.items())
        return " ".join(c for c in classes if c)

    @property
    def text_only(self) -> bool:
        return self.values["textonly"] == "on"

    @property
    def elder(self) -> bool:
        return self.values["elder"] == "on"

    @property
    def high_contrast(self) -> bool:
        return self.values["scheme"] != "default"


DEFAULT = Preferences()


def parse(raw: str | None) -> Preferences:
    """Preferences from a cookie value; whatever cannot be understood is left at its default."""
    if not raw or len(raw) > MAX_LENGTH:
        return DEFAULT
    values: dict[str, str] = {}
    for part in raw.split("&")[:len(SETTINGS) * 2]:
        name, sep, value = part.partition("=")
        setting = BY_NAME.get(name)
        if sep and setting and value in setting.values and name not in values:
            values[name] = value
    return Preferences(values)


def serialise(preferences: Preferences) -> str:
    """The cookie value: only the settings that differ from the default, in table order."""
    return "&".join(f"{s.name}={preferences[s.name]}" for s in SETTINGS
                    if preferences[s.name] != s.default)
