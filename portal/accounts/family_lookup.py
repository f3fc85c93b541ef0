"""Looking up an application without an account: the reference number, the ID number of the
person it is about, and a one-time code texted to the phone of the account that applied.

Step 1 `start(reference, id_number)`: when the two belong together, a code (purpose "lookup")
is texted; when they do not, nothing happens. The page says the same either way and takes the
same time (`paced`), so it never tells whether a reference exists or whose it is.

Step 2 `verify(reference, id_hash, code)`: the application when the details match and the code
is right; otherwise None – one answer for every failure (wrong, expired or used-up code, or
details that never matched), so step 2 does not tell either.

Which phone: the code goes to the mobile number of the account that made the application.
That number was proved by a code when the account was registered, it is the number that gets
every text about the application, and it belongs to the person who is answerable for it. The
number typed into the application (Person.phone) was never verified, may be out of date (a
person's record is shared by all their applications and never overwritten), and anyone
applying could have typed any number there.

What the look-up shows (`view`): the status and the dates of the timeline, with the person's
name and ID number masked – not the staff's messages or the applicant's answers, which are free
text that cannot be masked. Those are read signed in.
"""
from __future__ import annotations

import hmac
import re
import time
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from portal.accounts import one_time_codes
from portal.accounts.models import Account
from portal.applications import answers as stored
from portal.applications import references
from portal.applications.models import Application
from portal.audit import log as audit
from portal.extensions import db
from portal.people import identity
from portal.people.models import Person

PURPOSE = "lookup"
_CANONICAL = re.compile(r"HY(\d{4})([0-9A-Z]{6})")


def parse_reference(raw: str | None) -> str | None:
    """What a person typed → "HY-2026-7K3QX9", or None when it cannot be a reference.
    Forgiving: lower case, spaces, full-width characters, any dashes or none at all."""
    value = references.normalise(unicodedata.normalize("NFKC", raw or ""))
    compact = re.sub(r"[^0-9A-Z]", "", value)
    match = _CANONICAL.fullmatch(compact)
    return f"HY-{match.group(1)}-{match.group(2)}" if match else None


@contextmanager
def paced(seconds: float | None = None):
    """Let the block take at least `seconds` (LOOKUP_MIN_RESPONSE_SECONDS): the answer comes
    no sooner whether or not anything was found and sent."""
    if seconds is None:
        seconds = float(current_app.config.get("LOOKUP_MIN_RESPONSE_SECONDS", 0))
    started = time.monotonic()
    try:
        yield
    finally:
        left = seconds - (time.monotonic() - started)
        if left > 0:
            time.sleep(left)


def _matching(reference: str, id_hashes: list[str]) -> Application | None:
    """The application when `id_hashes` (the typed number's hash under each key,
    identity.lookup_hashes) holds its person's stored hash."""
    row = db.session.execute(
        select(Application, Person.id_number_hash)
        .join(Person, Person.id == Application.person_id)
        .where(Application.reference == reference)).first()
    if row is None:
        # Compare anyway, so a reference that does not exist costs the same as one that does.
        stored_hash = "0" * 64
    else:
        application, stored_hash = row
    matched = False
    for id_hash in id_hashes:      # every one compared, so the time says nothing either
        matched |= hmac.compare_digest(stored_hash, id_hash)
    return application if row is not None and matched else None


def phone_for(application: Application) -> str | None:
    """The number the code goes to (see the module's docstring for why this one)."""
    account = db.session.get(Account, application.applicant_account_id)
    return account.phone if account is not None and account.active else None


def start(reference: str, id_number: str, *, locale: str | None = None) -> None:
    """Step 1. Text a code when `reference` (canonical) and `id_number` (checked) belong
    together; otherwise do nothing. The caller answers the same either way."""
    application = _matching(reference, identity.lookup_hashes(id_number))
    if application is None:
        return
    phone = phone_for(application)
    if phone:
        one_time_codes.send(phone, PURPOSE, locale=locale or application.locale)


def verify(reference: str, id_hashes: list[str], typed: str) -> Application | None:
    """Step 2. The application when everything matches and the code is right (the code is
    then used up and the look-up audited); None for every kind of failure."""
    application = _matching(reference, id_hashes)
    if application is None:
        return None
    phone = phone_for(application)
    if not phone or not one_time_codes.verify(phone, PURPOSE, typed).ok:
        return None
    audit.record(None, "application.lookup", "application", application.reference,
                 {"status": application.status})
    db.session.commit()
    return application


@dataclass(frozen=True)
class LookupView:
    application: Application
    masked_name: str
    masked_id: str


def view(application_id: int) -> LookupView | None:
    application = db.session.get(Application, application_id)
    if application is None:
        return None
    person = application.person
    name = stored.read(application).personal.full_name or person.full_name
    return LookupView(application, identity.mask_name(name), identity.masked_id(person))
