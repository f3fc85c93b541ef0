"""What a member of staff searched for, carried between pages without being readable in a URL.

The queue's search box is sent by POST; the answer is a redirect to the queue with the
filters in the query string and the search text sealed in `s`: encrypted (Fernet, with a key
derived from SECRET_KEY for this purpose only), bound to the account that searched, and
valid for SEARCH_TOKEN_HOURS. So an ID number, a name or a reference never reaches a URL –
nor the server's, a proxy's or the browser's history logs – while the result pages can still
be paged through, exported, reloaded and reached with the back button during the working day.
"""
from __future__ import annotations

import base64
import json

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

PARAMETER = "s"


def _fernet() -> Fernet:
    secret = current_app.config["SECRET_KEY"]
    kept = current_app.extensions.get("staff_search_fernet")
    if kept is None or kept[0] != secret:
        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                   info=b"portal staff search token").derive(secret.encode())
        kept = current_app.extensions["staff_search_fernet"] = (
            secret, Fernet(base64.urlsafe_b64encode(key)))
    return kept[1]


def seal(account_id: int, text: str) -> str:
    payload = json.dumps({"a": account_id, "q": text}, ensure_ascii=False).encode()
    return _fernet().encrypt(payload).decode()


class Expired(ValueError):
    """Too old, made for another account, or not one of ours."""


def open_token(account_id: int, token: str | None) -> str | None:
    """The search text of `token`; None for no token. Raises Expired when it cannot be used."""
    if not token:
        return None
    hours = current_app.config["SEARCH_TOKEN_HOURS"]
    try:
        payload = json.loads(_fernet().decrypt(token.encode(), ttl=int(hours * 3600)))
    except (InvalidToken, ValueError, TypeError):
        raise Expired() from None
    if not isinstance(payload, dict) or payload.get("a") != account_id \
            or not isinstance(payload.get("q"), str):
        raise Expired()
    return payload["q"]
