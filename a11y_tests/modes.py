"""Display modes the browser suite checks every page in: name → preference cookies."""
MODES: dict[str, dict[str, str]] = {
    "default": {},
}
