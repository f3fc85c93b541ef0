"""Logging: one handler on the root logger (so the portal's, Flask's, Celery's and the
libraries' lines all go the same way), writing to standard error

- as JSON lines (LOG_FORMAT=json, production's default; python-json-logger): time, level,
  logger, message, request_id, task, an exception's traceback, any `extra` fields;
- or as text (LOG_FORMAT=text, development's and the tests' default).

Every line carries the id of the request (or the task) that wrote it
(portal/observability/request_ids.py).

Personal data is not logged: the portal logs row ids and error kinds, never a name, a phone,
an ID or card number or a code. As a safety net in one place, `mask()` runs over every
formatted line (message, traceback and extra fields alike) and replaces what looks like an
ID number (18 characters), a mobile number (11 digits, +86 or not) or a card number (15–19
digits, grouped or not). tests/test_log_privacy.py drives the main journeys and looks for
every such value in every line; tests/conftest.py does the same over the whole test run.
"""
from __future__ import annotations

import logging
import re
import sys

from flask import Flask
from pythonjsonlogger.json import JsonFormatter

from portal.observability.request_ids import REQUEST_ID, TASK

# Runs of ASCII letters and digits are words (a request id's hex is not a phone number), and
# the digits of a decimal fraction (a duration: 0.00934228100004475) are not a card number.
_EDGE_BEFORE, _EDGE_AFTER = r"(?<![0-9A-Za-z])(?<!\d\.)", r"(?![0-9A-Za-z]|\.\d)"
MASKS = (
    (re.compile(_EDGE_BEFORE + r"\d{17}[\dXx]" + _EDGE_AFTER), "[ID number]"),
    (re.compile(_EDGE_BEFORE + r"(?<!\+)(?:\+?86[- ]?)?1[3-9]\d{9}" + _EDGE_AFTER), "[mobile]"),
    (re.compile(_EDGE_BEFORE + r"\d{15,19}" + _EDGE_AFTER), "[number]"),
    (re.compile(_EDGE_BEFORE + r"\d{4}(?:[ -]\d{4}){3}(?:[ -]?\d{1,3})?" + _EDGE_AFTER),
     "[number]"),
)
# A UUID (a task's id) is left whole: its groups of digits are no one's number.
UUID = re.compile(r"([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
                  r"[0-9a-fA-F]{12})")


def mask(text: str) -> str:
    """`text` with anything that looks like an ID, mobile or card number replaced."""
    parts = UUID.split(text)
    for index in range(0, len(parts), 2):     # between the UUIDs
        for pattern, replacement in MASKS:
            parts[index] = pattern.sub(replacement, parts[index])
    return "".join(parts)


class Context(logging.Filter):
    """Adds the request id and the running task (None outside them) to each record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get()
        record.task = TASK.get()
        return True


class MaskedText(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return mask(super().format(record))


class MaskedJson(JsonFormatter):
    def format(self, record: logging.LogRecord) -> str:
        return mask(super().format(record))


TEXT_FORMAT = "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"
JSON_FIELDS = ("asctime", "levelname", "name", "message", "request_id", "task")


def formatter(kind: str) -> logging.Formatter:
    if kind == "json":
        return MaskedJson(JSON_FIELDS, rename_fields={"asctime": "time", "levelname": "level",
                                                      "name": "logger"},
                          json_ensure_ascii=False)
    if kind == "text":
        return MaskedText(TEXT_FORMAT)
    raise ValueError(f"LOG_FORMAT must be json or text, not {kind!r}")


class StandardError(logging.StreamHandler):
    """A StreamHandler on whatever sys.stderr is when a line is written (a test run swaps it)."""

    def __init__(self) -> None:
        logging.Handler.__init__(self)

    @property
    def stream(self):
        return sys.stderr


_OURS = "_portal_handler"


def configured() -> bool:
    """The portal's handler is on the root logger (alembic then keeps it: migrations/env.py)."""
    return any(getattr(h, _OURS, False) for h in logging.getLogger().handlers)


def configure(app: Flask) -> logging.Handler:
    """Put the portal's handler on the root logger (once: a later app replaces it) and take
    Flask's own off the app's logger."""
    from flask.logging import default_handler

    handler = StandardError()
    handler.setFormatter(formatter(app.config["LOG_FORMAT"]))
    handler.addFilter(Context())
    setattr(handler, _OURS, True)
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, _OURS, False)]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(app.config["LOG_LEVEL"])
    app.logger.removeHandler(default_handler)
    return handler
