"""Fingerprinted static files: `url_for('static', filename='css/site.css')` gives
`/static/css/site.<hash>.css`, where the hash is of the file's bytes. A fingerprinted URL never
changes content, so browsers and proxies keep it a year; a changed file gets a new URL.

No build step: the names are made when a URL is built and read back when one is served.
"""

from __future__ import annotations

import hashlib
import re
import threading
from pathlib import Path

from flask import Flask, current_app, g
from werkzeug.exceptions import NotFound
from werkzeug.security import safe_join
from werkzeug.wrappers import Response

HASH_LENGTH = 12
FINGERPRINTED = re.compile(rf"^(?P<stem>.+)\.(?P<hash>[0-9a-f]{{{HASH_LENGTH}}})(?P<ext>\.[A-Za-z0-9]+)$")

_known: dict[Path, tuple[int, int, str]] = {}  # path → (mtime_ns, size, hash): rehashed when it changes
_lock = threading.Lock()


def file_hash(path: Path) -> str | None:
    """The first hex digits of the file's BLAKE2 digest; None if it is not a file."""
    try:
        stat = path.stat()
    except OSError:
        return None
    known = _known.get(path)
    if known and known[:2] == (stat.st_mtime_ns, stat.st_size):
        return known[2]
    try:
        digest = hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()[:HASH_LENGTH]
    except OSError:
        return None
    with _lock:
        _known[path] = (stat.st_mtime_ns, stat.st_size, digest)
    return digest


def _static_path(app: Flask, filename: str) -> Path | None:
    """The file a name stands for inside the static folder; None for a name that leaves it."""
    joined = safe_join(app.static_folder or "", filename)
    return Path(joined) if joined else None


def fingerprinted(app: Flask, filename: str) -> str:
    """The fingerprinted name of a static file (the name itself if it has no extension or is missing)."""
    stem, dot, ext = filename.rpartition(".")
    if not dot or not stem or "/" in ext:
        return filename
    path = _static_path(app, filename)
    digest = file_hash(path) if path else None
    return f"{stem}.{digest}.{ext}" if digest else filename


def add_fingerprint(endpoint: str, values: dict) -> None:
    """url_for hook: put the content hash into every URL of the app's static folder."""
    if endpoint == "static" and isinstance(values.get("filename"), str):
        values["filename"] = fingerprinted(current_app, values["filename"])


def serve(filename: str) -> Response:
    """Serve a static file by its plain or fingerprinted name; mark the fingerprinted one immutable."""
    app = current_app
    match = FINGERPRINTED.match(filename)
    path = _static_path(app, filename)
    if match and path and not path.is_file():
        plain = match["stem"] + match["ext"]
        plain_path = _static_path(app, plain)
        # an old hash (a page cached before a deploy) still gets the file, for a short while only
        g.static_immutable = plain_path is not None and file_hash(plain_path) == match["hash"]
        filename = plain
    try:
        response = app.send_static_file(filename)
    except NotFound:
        g.static_immutable = False
        raise
    # read the (small) file now: compression then works on bytes, and the file is closed with
    # the response (flask-compress does not close a streamed body it wraps)
    response.direct_passthrough = False
    response.make_sequence()
    return response


def init_static(app: Flask) -> None:
    """Fingerprint the static URLs this app builds, and serve them back."""
    app.url_defaults(add_fingerprint)
    if app.static_folder:
        app.view_functions["static"] = serve
