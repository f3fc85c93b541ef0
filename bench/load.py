"""One HTTP request at a time, for signing in, checking a page and weighing it (standard
library only). The load itself comes from wrk (bench/wrk.py)."""
from __future__ import annotations

import http.client
from collections.abc import Mapping

from .weight import ACCEPT_ENCODING


def get(host: str, port: int, path: str, headers: Mapping[str, str] | None = None,
        method: str = "GET", body: bytes | None = None):
    """One request: (status, headers, body as transferred)."""
    connection = http.client.HTTPConnection(host, port, timeout=30)
    try:
        connection.request(method, path, body=body, headers={
            "Accept-Encoding": ACCEPT_ENCODING, **(headers or {})})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()
