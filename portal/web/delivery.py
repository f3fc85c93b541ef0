"""Delivering pages and assets quickly: fingerprinted static URLs cached for a year,
gzip/brotli compression (a kept page compressed once: portal/web/page_cache.py), and conditional
requests (ETag) on static files. And `private_file`: the one way a person's file (a document,
a consent form, a video) is sent.

Templates keep writing url_for('static', filename=...); the fingerprint (a hash of the file's
content) is added as ?v=… so a changed file gets a new URL and an unchanged one stays cached.
"""
from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from flask import Flask, request, send_file
from flask_compress import Compress

ONE_YEAR = 365 * 24 * 3600
ENCODED_BY_VIEW = "encoded_by_view"
compress = Compress()


def encoded_by_view(response):
    """Leave this (streamed) response as its view made it: the view chose and applied the
    Content-Encoding itself, or chose none. Flask-Compress's streaming compressor would hold
    back the start of a stream (and pick encodings by its own list)."""
    setattr(response, ENCODED_BY_VIEW, True)
    return response


# A file opened in the browser (an image, a PDF – or a download someone opens there anyway)
# runs nothing and loads nothing but itself.
FILE_POLICY = "default-src 'none'; img-src 'self'; media-src 'self'; sandbox"


def private_file(path, mimetype: str, name: str | None = None, *, inline: bool = False,
                 conditional: bool = False):
    """A person's file: downloaded (or, `inline`, shown), never kept by a browser or a proxy
    (private, no-store), its type never guessed (nosniff), nothing in it run (FILE_POLICY).
    `conditional`: answers range requests (a video's seeking)."""
    response = send_file(path, mimetype=mimetype, as_attachment=not inline,
                         download_name=name, max_age=0, conditional=conditional)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Security-Policy"] = FILE_POLICY
    return response


def init_app(app: Flask) -> None:
    from portal.web import page_cache

    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    app.config.setdefault("COMPRESS_MIMETYPES", [
        "text/html", "text/css", "text/plain", "text/vtt", "text/csv",
        "application/javascript", "text/javascript", "application/json", "image/svg+xml",
    ])
    app.config.setdefault("COMPRESS_MIN_SIZE", 500)
    # Brotli 4 with a 256 KB window: within 15% of level 5's size on our pages at about half
    # the time (measured on the home page: 2.2 KB, ~0.1 ms less per request).
    app.config.setdefault("COMPRESS_BR_LEVEL", 4)
    app.config.setdefault("COMPRESS_BR_WINDOW", 18)
    # A kept page is compressed once per encoding, its bodies kept with it (web/page_cache.py).
    app.config.setdefault("COMPRESS_CACHE_BACKEND", page_cache.CompressedPages)
    app.config.setdefault("COMPRESS_CACHE_KEY", page_cache.compressed_key)
    # Flask-Compress runs after every request, except on a response its view has encoded
    # itself, a batch at a time (encoded_by_view: the staff export's stream).
    app.config["COMPRESS_REGISTER"] = False
    compress.init_app(app)

    @app.after_request
    def compress_unless_encoded(response):
        if getattr(response, ENCODED_BY_VIEW, False):
            return response
        return compress.after_request(response)

    static_folder = Path(app.static_folder)
    fingerprint = lru_cache(maxsize=256)(_fingerprint) if not app.debug else _fingerprint

    @app.url_defaults
    def add_fingerprint(endpoint, values):
        if endpoint == "static" and "filename" in values and "v" not in values:
            values["v"] = fingerprint(static_folder / values["filename"])

    @app.after_request
    def cache_static(response):
        if request.endpoint == "static" and response.status_code in (200, 304):
            if request.args.get("v"):
                response.cache_control.public = True
                response.cache_control.max_age = ONE_YEAR
                response.cache_control.immutable = True
            else:
                response.cache_control.no_cache = True
        return response


def _fingerprint(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    except OSError:
        return "missing"
