"""Answer a generated document (a feed, a sitemap) with validators, and 304 when they match.

The document is made from the database, so it changes only with the data generation (and when
a story scheduled for later becomes public): its ETag and the time it was made are remembered
per process under the same rule as the site's other derived values (showcase/site/memo.py).
A client that already holds it gets a 304 without the document being made again; the bytes
themselves are not kept (a feed with full stories weighs hundreds of kilobytes).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Hashable
from datetime import UTC, datetime

from flask import Response, request

from showcase.site import memo

# keep a copy, but ask every time: a retraction leaves at once
CACHE_CONTROL = "public, max-age=0, must-revalidate"
SETTLED = 2.0  # seconds: a Last-Modified of the current second could name two different documents


def now() -> float:
    """The time, in epoch seconds (one place, so a test can move it)."""
    return time.time()


def etag_of(body: bytes) -> str:
    return hashlib.blake2b(body, digest_size=12).hexdigest()


def respond(key: Hashable, build: Callable[[], bytes], mimetype: str) -> Response:
    """The document `build` makes, under `key`, with a weak ETag, Last-Modified and 304."""
    made: dict[str, bytes] = {}

    def validators() -> tuple[str, float]:
        made["body"] = build()
        return etag_of(made["body"]), now()

    etag, rendered = memo.remember(("outreach", key), validators)
    response = Response(mimetype=mimetype)
    response.set_etag(etag, weak=True)  # weak: a compressed copy keeps it
    if now() - rendered >= SETTLED:
        response.last_modified = datetime.fromtimestamp(int(rendered), UTC)
    response.headers["Cache-Control"] = CACHE_CONTROL
    response.make_conditional(request)
    if response.status_code == 304:
        return response
    body = made.get("body")
    if body is None:
        body = build()
    response.set_data(body)
    return response
