"""Rate limits of the family look-up, of proving a link to a person and of granting access
(Flask-Limiter; the values are configuration: RATE_LIMIT_LOOKUP* and RATE_LIMIT_GRANT in
portal/config.py). Counted on POST only. Going over shows the polite 429 page
(portal/web/errors.py).

The look-up is counted per requester (the client address) and per reference *and* ID number
together – never per reference alone: anyone who knows a reference (it is printed on receipts
and texts) could otherwise use up its tries and lock the family out. Someone guessing ID
numbers for a reference makes a new pair with every guess, so the per-requester limit is what
slows them; and a guess gains nothing anyway – the page reads and takes the same either way,
and the code goes to the applicant's phone. At step 2 the pair is the one step 1 remembered, so
wrong codes typed after a wrong ID number do not count against the family's own pair; each
code also stops working after a few wrong entries (ONE_TIME_CODE_MAX_ATTEMPTS).

The pair is counted as a hash (the blind index's keyed hash of the ID number), never as typed:
rate-limit counters may live in a shared store (RATELIMIT_STORAGE_URI)."""
from __future__ import annotations

import hashlib
import unicodedata

from flask import request, session
from flask_limiter.util import get_remote_address
from flask_login import current_user

from portal.accounts import family_lookup
from portal.people import identity
from portal.web.rate_limits import limit

PENDING = "lookup_pending"   # the session key of step 1's details (see routes.py)


def _pair_key(reference: str, id_hash: str) -> str:
    return "pair:" + hashlib.sha256(f"{reference}:{id_hash}".encode()).hexdigest()


def per_pair() -> str:
    """Step 1: the reference and the ID number typed; step 2: those step 1 remembered.
    Without both, the client address."""
    reference = family_lookup.parse_reference(request.form.get("reference"))
    typed = unicodedata.normalize("NFKC", request.form.get("id_number") or "")
    typed = "".join(typed.split()).upper()
    if reference and typed:
        return _pair_key(reference, identity.lookup_hash(typed))
    pending = session.get(PENDING) or {}
    hashes = pending.get("id_hashes") or []
    if pending.get("reference") and hashes:
        return _pair_key(pending["reference"], hashes[0])
    return "ip:" + get_remote_address()


lookup_per_ip = limit("RATE_LIMIT_LOOKUP")
lookup_per_pair = limit("RATE_LIMIT_LOOKUP_PER_PAIR", key_func=per_pair)
verify_per_ip = limit("RATE_LIMIT_LOOKUP_VERIFY")
verify_per_pair = limit("RATE_LIMIT_LOOKUP_VERIFY_PER_PAIR", key_func=per_pair)
grant_per_ip = limit("RATE_LIMIT_GRANT")


def per_account() -> str:
    """The signed-in account (the proof pages are for signed-in residents only)."""
    return f"account:{current_user.get_id()}" if current_user.is_authenticated \
        else "ip:" + get_remote_address()


prove_per_account = limit("RATE_LIMIT_PROVE", key_func=per_account)
prove_verify_per_account = limit("RATE_LIMIT_PROVE_VERIFY", key_func=per_account)
