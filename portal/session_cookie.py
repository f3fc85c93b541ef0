"""The session cookie: Flask's signed cookie (nothing kept on the server, so any worker on any
host can serve any request), made with less work per request.

Flask builds a new signing serializer twice a request (to read the cookie and to write it) and
zlib-compresses every payload to see whether that is shorter. For a first visitor, whose
session holds only a CSRF token, that was about a fifth of the time of a kept page. Here one
serializer is kept per secret key, its HMAC is computed by OpenSSL, and only payloads long
enough to gain are compressed. The cookie's format is unchanged: Flask's own interface reads
these cookies and this one reads Flask's, compressed or not.
"""
from __future__ import annotations

import hashlib
import zlib

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer
from itsdangerous.encoding import base64_encode, want_bytes

COMPRESS_FROM = 256   # bytes of JSON; a CSRF token alone (about 60) never gets shorter


class _Serializer(URLSafeTimedSerializer):
    def dump_payload(self, obj) -> bytes:
        # itsdangerous's format: base64 of the JSON, or "." + base64 of it zlib-compressed.
        json = want_bytes(self.serializer.dumps(obj, **self.serializer_kwargs))
        if len(json) >= COMPRESS_FROM and len(packed := zlib.compress(json)) < len(json) - 1:
            return b"." + base64_encode(packed)
        return base64_encode(json)


class SessionInterface(SecureCookieSessionInterface):
    # The same SHA-1 HMAC as Flask's, given as hashlib's own constructor: Python's hmac then
    # signs in OpenSSL, where Flask's wrapper function sends it through pure Python.
    digest_method = staticmethod(hashlib.sha1)

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        if not app.secret_key:
            return None
        keys = (*(app.config["SECRET_KEY_FALLBACKS"] or ()), app.secret_key)  # current last
        kept = app.extensions.get("session_serializer")
        if kept is None or kept[0] != keys:
            serializer = _Serializer(
                list(keys), salt=self.salt, serializer=self.serializer,
                signer_kwargs={"key_derivation": self.key_derivation,
                               "digest_method": self.digest_method})
            kept = app.extensions["session_serializer"] = (keys, serializer)
        return kept[1]


def init_app(app: Flask) -> None:
    app.session_interface = SessionInterface()
