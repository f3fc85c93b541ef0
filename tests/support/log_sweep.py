"""The log-privacy sweep over the whole test run (issue 21): every log record any test makes
is searched for personal data, and the run fails, listing each offence, if one is found.

Searched for, in the record as the code wrote it (message with its arguments, the traceback,
`extra` fields – before the masking of portal/observability/logs.py, which is only a safety
net: the point is that the portal does not log these in the first place):

- anything that looks like an ID number (18 characters), a mobile number or a card number –
  which covers every value the demo and the tests use, made or written out;
- the names of the demo's people and accounts and of the test data (`NAMES`);
- every one-time code issued during the run (`ISSUED_CODES`, recorded as they are made).

tests/conftest.py installs `Recorder` on the root logger (again before each test: alembic's
logging set-up or a test may take handlers off) and reads the offences at the end of the run.
Under pytest-xdist each process writes its offences to a file in the folder named by
SWEEP_DIR (made by the controlling process, inherited by the workers), and the controlling
process reads them all.
"""
from __future__ import annotations

import logging
import os
import re
from pathlib import Path

from portal.cli import demo_content
from portal.observability.logs import MASKS, UUID
from tests.support import accounts

SWEEP_DIR = "PORTAL_LOG_SWEEP_DIR"

NAMES = frozenset(
    [person[0] for person in demo_content.PEOPLE]
    + list(demo_content.NAMES.values())
    + [accounts.RESIDENT["name"], accounts.STAFF["name"], accounts.APPLICANT["name"]]
    # tests/support/apply.py's applicant, tests/support/status.py's family, the stand-in
    # identity provider's demo people (portal/dev_identity)
    + ["王秀英", "李强", "李建国"]
)
ISSUED_CODES: set[str] = set()
_SIX_DIGITS = re.compile(r"(?<![0-9A-Za-z])\d{6}(?![0-9A-Za-z])")
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


def record_codes() -> None:
    """Note every one-time code as it is issued (portal/accounts/one_time_codes.py)."""
    from portal.accounts import one_time_codes

    issue = one_time_codes._issue
    if getattr(issue, "recorded", False):
        return

    def recording(*args, **kwargs):
        code, expires_at = issue(*args, **kwargs)
        ISSUED_CODES.add(code)
        return code, expires_at

    recording.recorded = True
    one_time_codes._issue = recording


def record_text(record: logging.LogRecord) -> str:
    """Everything a handler could write of `record`, unmasked."""
    try:
        parts = [record.getMessage()]
    except Exception:  # noqa: BLE001 – a broken format string: look at its pieces
        parts = [str(record.msg), repr(record.args)]
    if record.exc_info:
        parts.append(logging.Formatter().formatException(record.exc_info))
    if record.exc_text:
        parts.append(record.exc_text)
    if record.stack_info:
        parts.append(record.stack_info)
    parts += [f"{key}={value!r}" for key, value in vars(record).items()
              if key not in _STANDARD]
    return "\n".join(parts)


def offences(text: str) -> list[tuple[str, str]]:
    """(what, value) for each piece of personal data in `text`."""
    numbers = UUID.sub("(uuid)", text)     # a task's id: its digits are no one's number
    found = [(replacement.strip("[]"), match.group(0))
             for pattern, replacement in MASKS for match in pattern.finditer(numbers)]
    found += [("name", name) for name in NAMES if name in text]
    found += [("one-time code", match.group(0)) for match in _SIX_DIGITS.finditer(text)
              if match.group(0) in ISSUED_CODES]
    return found


class Recorder(logging.Handler):
    """Writes each offending record to this process's offences file."""

    def __init__(self, folder: Path) -> None:
        super().__init__(logging.NOTSET)
        self.path = folder / f"offences-{os.getpid()}.txt"

    def emit(self, record: logging.LogRecord) -> None:
        found = offences(record_text(record))
        if not found:
            return
        test = os.environ.get("PYTEST_CURRENT_TEST", "(outside a test)")
        what = ", ".join(f"{kind} {value!r}" for kind, value in found)
        with self.path.open("a", encoding="utf-8") as out:
            out.write(f"{test}: {record.name} {record.levelname} "
                      f"{record.msg!r:.200}: {what}\n")


def install(folder: Path) -> None:
    """Put the recorder on the root logger, once."""
    root = logging.getLogger()
    if not any(isinstance(handler, Recorder) for handler in root.handlers):
        root.addHandler(Recorder(folder))


def read_offences(folder: Path) -> list[str]:
    lines = []
    for path in sorted(folder.glob("offences-*.txt")):
        lines += path.read_text(encoding="utf-8").splitlines()
    return lines
