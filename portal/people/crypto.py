"""Encryption at rest for the few values that must be kept in full:

- bank and social-security card numbers (the payment section's card_number of the answers of
  applications and drafts, portal.applications.answers), with a look-up hash and the last
  four digits beside them;
- resident ID numbers (Person.id_number_encrypted, and the personal section's id_encrypted of
  drafts and applications), beside the keyed hash and masked form of portal.people.identity;
- staff authenticator (TOTP) keys (Account.totp_secret_encrypted, portal.accounts.second_factor).

Keys come from the environment: DATA_ENCRYPTION_KEYS, comma-separated Fernet keys, newest
first. New values are encrypted with the newest key; every listed key can still decrypt, so a
key is rotated by putting a new one in front, running `flask rotate-keys`
(portal/cli/records.py: re-encrypts every stored value – card numbers and ID numbers – with the
newest key) and then removing the old one. Production refuses to start without keys; development and tests use a fixed, public key.

A stored value is "enc:" + a Fernet token. Plain values (written before this module) are read
as they are, and `flask rotate-keys` encrypts them.

Make a key: python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"
"""
from __future__ import annotations

import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import Flask, current_app

from portal.keys import DEVELOPMENT_KEY, blind_index_key, parse_keys

PREFIX = "enc:"


class KeysMissing(RuntimeError):
    pass


def _fernet() -> MultiFernet:
    keys = current_app.extensions.get("data_encryption_keys")
    if keys is None:
        keys = current_app.extensions["data_encryption_keys"] = _keys(current_app)
    return MultiFernet([Fernet(key.encode()) for key in keys])


def _keys(app: Flask) -> list[str]:
    keys = parse_keys(app.config.get("DATA_ENCRYPTION_KEYS"))
    if not keys:
        if app.config.get("ENV_NAME") == "production":
            raise KeysMissing("DATA_ENCRYPTION_KEYS must be set in production "
                              "(comma-separated Fernet keys, newest first).")
        keys = [DEVELOPMENT_KEY]
    for key in keys:
        Fernet(key.encode())  # a malformed key fails at start-up, not at the first save
    return keys


def is_encrypted(value) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX)


def encrypt(value: str | None) -> str | None:
    if value is None or value == "" or is_encrypted(value):
        return value
    return PREFIX + _fernet().encrypt(value.encode()).decode()


def decrypt(value: str | None) -> str | None:
    """The plain value; a plain (old) value is returned as it is."""
    if not is_encrypted(value):
        return value
    try:
        return _fernet().decrypt(value[len(PREFIX):].encode()).decode()
    except InvalidToken:
        raise KeysMissing("A stored value cannot be decrypted with DATA_ENCRYPTION_KEYS "
                          "(was the key that encrypted it removed?).") from None


def encrypt_bytes(data: bytes) -> bytes:
    """A file's bytes encrypted with the newest key (a registry upload waiting to be
    confirmed, portal.registries.uploads)."""
    return _fernet().encrypt(data)


def decrypt_bytes(token: bytes) -> bytes:
    return _fernet().decrypt(token)


def rotate(value: str | None) -> str | None:
    """Encrypted with the newest key (plain values encrypted for the first time)."""
    if value is None or value == "":
        return value
    if not is_encrypted(value):
        return encrypt(value)
    return PREFIX + _fernet().rotate(value[len(PREFIX):].encode()).decode()


def lookup_hash(value: str) -> str:
    """A keyed hash of a card number, for exact look-ups without decrypting anything."""
    return hmac.new(blind_index_key(), ("card:" + value.replace(" ", "")).encode(),
                    hashlib.sha256).hexdigest()


# ── what is encrypted where ───────────────────────────────────────────────────────────────

def seal_payment(payment: dict | None) -> dict | None:
    """The payment answers as they are stored: the card number encrypted, with a look-up hash
    and the last four digits (for masked display without decrypting)."""
    if not payment or not payment.get("card_number"):
        return payment
    sealed = dict(payment)
    number = decrypt(sealed["card_number"])
    sealed["card_number"] = encrypt(number)
    sealed["card_hash"] = lookup_hash(number)
    sealed["card_last4"] = number.replace(" ", "")[-4:]
    return sealed


def init_app(app: Flask) -> None:
    app.extensions["data_encryption_keys"] = _keys(app)
