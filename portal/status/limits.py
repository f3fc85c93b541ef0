"""Rate limits of the family look-up, of proving a link to a person and of granting access (Flask-Limiter; the values are
configuration: RATE_LIMIT_LOOKUP* and RATE_LIMIT_GRANT in portal/config.py). Counted on POST
only, per client address and – for the look-up – per reference number, so that neither one
address trying many references nor many addresses trying one reference gets far. Going over
shows the polite 429 page (portal/errors.py)."""
from __future__ import annotations

from flask import request, session
from flask_limiter.util import get_remote_address
from flask_login import current_user

from ..rate_limits import limit
from ..services import family_lookup

PENDING = "lookup_pending"   # the session key of step 1's details (see routes.py)


def per_reference() -> str:
    """The reference being looked up: typed on step 1, remembered from it on step 2."""
    reference = family_lookup.parse_reference(request.form.get("reference"))
    if reference is None:
        reference = (session.get(PENDING) or {}).get("reference")
    return "reference:" + reference if reference else "ip:" + get_remote_address()


lookup_per_ip = limit("RATE_LIMIT_LOOKUP")
lookup_per_reference = limit("RATE_LIMIT_LOOKUP_PER_REFERENCE", key_func=per_reference)
verify_per_ip = limit("RATE_LIMIT_LOOKUP_VERIFY")
verify_per_reference = limit("RATE_LIMIT_LOOKUP_VERIFY_PER_REFERENCE", key_func=per_reference)
grant_per_ip = limit("RATE_LIMIT_GRANT")


def per_account() -> str:
    """The signed-in account (the proof pages are for signed-in residents only)."""
    return f"account:{current_user.get_id()}" if current_user.is_authenticated \
        else "ip:" + get_remote_address()


prove_per_account = limit("RATE_LIMIT_PROVE", key_func=per_account)
prove_verify_per_account = limit("RATE_LIMIT_PROVE_VERIFY", key_func=per_account)
