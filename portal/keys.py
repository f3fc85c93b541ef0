"""The portal's secret keys, each for one purpose, and the checks production makes on them.

- SECRET_KEY signs sessions and CSRF tokens (and the short-lived one-time codes' hashes).
  Changing it signs everyone out; nothing stored depends on it.
- ID_HASH_KEYS keys the blind index: the keyed hashes (HMAC-SHA256) that find a person by ID
  number and a card number by its value without either being readable
  (portal/people/identity.py, crypto.py). Comma-separated, newest first: new hashes use the
  newest; look-ups try every listed key until `flask rotate-keys` has re-hashed everything
  with the newest, after which the older ones can be removed. (ID_HASH_KEY, one key, is read
  when ID_HASH_KEYS is not set.)
- DATA_ENCRYPTION_KEYS: Fernet keys that encrypt card and ID numbers (portal/people/crypto.py).

Under production settings create_app() refuses to start when a key is missing, shorter than
MIN_LENGTH characters, made of fewer than MIN_DISTINCT different characters (bytes, for a Fernet
key), one of the published development and testing values below, or the same as another of
the keys. `python -c "import secrets; print(secrets.token_urlsafe(32))"` makes a good
SECRET_KEY or ID_HASH_KEYS key (43 characters, 256 bits). Older ID_HASH_KEYS entries (kept
only until rotate-keys has run) need only differ from the current keys.
"""
from __future__ import annotations

import base64
from typing import TYPE_CHECKING

if TYPE_CHECKING:   # Flask stays out of `import portal` (see portal/__init__.py)
    from flask import Flask

# Public, for development and tests only (never accepted in production).
DEVELOPMENT_KEY = "ZGV2ZWxvcG1lbnQtb25seS1ub3Qtc2VjcmV0LWtleSE="   # DATA_ENCRYPTION_KEYS
MIN_LENGTH = 32       # characters: token_urlsafe(32) gives 43, i.e. 256 random bits
MIN_DISTINCT = 12     # a random 32-character key has about 25; "xxxx…" or "1234…1234" has few

DEVELOPMENT_SECRET_KEY = "development-only-not-secret"
TESTING_SECRET_KEY = "testing-only-not-secret"
DEVELOPMENT_ID_HASH_KEY = "development-only-id-hash-key-not-secret"
TESTING_ID_HASH_KEY = "testing-only-id-hash-key-not-secret"


class KeyProblem(RuntimeError):
    """A key that production will not start with; the message says which and why."""


def parse_keys(value: str | None) -> list[str]:
    """A comma-separated list of keys, newest first."""
    return [key.strip() for key in (value or "").split(",") if key.strip()]


def id_hash_keys(config) -> list[str]:
    """The blind index's keys, newest first (ID_HASH_KEYS, else ID_HASH_KEY)."""
    return parse_keys(config.get("ID_HASH_KEYS")) or parse_keys(config.get("ID_HASH_KEY"))


def blind_index_keys() -> list[bytes]:
    """The blind index's keys (ID_HASH_KEYS), newest first – never SECRET_KEY, so that signing
    everyone out does not lose every look-up. Read once per app and kept."""
    from flask import current_app

    config = current_app.config
    raw = (config.get("ID_HASH_KEYS"), config.get("ID_HASH_KEY"))
    kept = current_app.extensions.get("id_hash_keys")
    if kept is None or kept[0] != raw:
        keys = [key.encode() for key in id_hash_keys(config)]
        if not keys:
            raise RuntimeError("ID_HASH_KEYS must be set (the key of the look-up hashes).")
        kept = current_app.extensions["id_hash_keys"] = (raw, keys)
    return kept[1]


def blind_index_key() -> bytes:
    """The newest blind-index key: new hashes are made with it."""
    return blind_index_keys()[0]


def published() -> set[str]:
    """Every key value that is written in this repository (development, tests, examples)."""
    return {DEVELOPMENT_SECRET_KEY, TESTING_SECRET_KEY, DEVELOPMENT_ID_HASH_KEY,
            TESTING_ID_HASH_KEY, DEVELOPMENT_KEY}


def _weak(name: str, key: str, *, fernet: bool = False) -> str | None:
    if key in published():
        return f"{name} is a published development or testing value; make a new one"
    if fernet:
        try:
            raw = base64.urlsafe_b64decode(key.encode())
        except ValueError:
            raw = b""
        if len(raw) != 32:
            return f"{name} is not a Fernet key (32 bytes, url-safe base64)"
        if len(set(raw)) < MIN_DISTINCT:
            return f"{name} is not random enough (make it with Fernet.generate_key())"
        return None
    if len(key) < MIN_LENGTH:
        return f"{name} is shorter than {MIN_LENGTH} characters"
    if len(set(key)) < MIN_DISTINCT:
        return f"{name} is not random enough (fewer than {MIN_DISTINCT} different characters)"
    return None


def problems(config) -> list[str]:
    """What is wrong with the keys for production; empty when they may be used."""
    found = []
    secret = config.get("SECRET_KEY") or ""
    hash_keys = id_hash_keys(config)
    data_keys = parse_keys(config.get("DATA_ENCRYPTION_KEYS"))
    if not secret:
        found.append("SECRET_KEY must be set (it signs sessions and CSRF tokens)")
    elif problem := _weak("SECRET_KEY", secret):
        found.append(problem)
    if not hash_keys:
        found.append("ID_HASH_KEYS must be set (the key of the ID-number look-up hashes)")
    elif problem := _weak("ID_HASH_KEYS (its first, current key)", hash_keys[0]):
        found.append(problem)
    if not data_keys:
        found.append("DATA_ENCRYPTION_KEYS must be set (comma-separated Fernet keys, newest "
                     "first)")
    else:
        found += [problem for key in data_keys
                  if (problem := _weak("DATA_ENCRYPTION_KEYS", key, fernet=True))]
    current = [("SECRET_KEY", secret)] + [("ID_HASH_KEYS", k) for k in hash_keys] + \
        [("DATA_ENCRYPTION_KEYS", k) for k in data_keys]
    seen: dict[str, str] = {}
    for name, key in current:
        if key and key in seen and seen[key] != name:
            found.append(f"{name} and {seen[key]} hold the same key; each purpose needs its "
                         "own")
        seen.setdefault(key, name)
    return found


def check(app: Flask) -> None:
    """Refuse to start under production settings with unusable keys (see the docstring)."""
    if app.config.get("ENV_NAME") != "production":
        if not app.config.get("SECRET_KEY"):
            raise KeyProblem("SECRET_KEY must be set (environment variable SECRET_KEY).")
        return
    found = problems(app.config)
    if found:
        raise KeyProblem("The portal will not start with these keys (PORTAL_ENV=production):\n"
                         + "\n".join(f"- {problem}" for problem in found)
                         + "\nMake a key with: python -c \"import secrets; "
                         "print(secrets.token_urlsafe(32))\" (Fernet keys: see README).")
