"""The public pages' cache: rendered bytes kept per data generation, never stale.

An anonymous GET (or HEAD) of a public page is looked up under (release, data generation,
next scheduled publication, URL). Every commit that writes a public table writes a new data
generation (showcase/generation.py), so the next request asks for a key nobody has stored: a
change shows at once, in every worker and on every node, without anyone deleting anything. A
story published for later appears without a write: keys name the next such moment, so they
change then too. Entries of old keys expire by TTL (Redis) or are dropped when this process
sees a newer generation or hears `content_changed` (memory).

Pages carry a weak ETag (a hash of the bytes; weak, so a compressed copy keeps it) and a
Last-Modified (when the stored copy was rendered), and answer 304 to If-None-Match or
If-Modified-Since. Logged-in people, flashed messages and pages with a CSRF form are never
served from the cache nor stored in it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from flask import Flask, current_app, g, request, session
from flask_compress.flask_compress import _choose_algorithm, _compress_data
from werkzeug.http import http_date
from werkzeug.wrappers import Request, Response

from showcase import config, generation, requestlog, web
from showcase.extensions import db
from showcase.models import utcnow
from showcase.services import changes
from showcase.site import memo

log = logging.getLogger(__name__)

PUBLIC_CACHE = "public, max-age=0, must-revalidate"  # keep a copy, but ask every time: never stale
PRIVATE_CACHE = "private, no-cache"  # a logged-in person's page, a form: never in a shared cache
# public pages whose bytes are not stored: the search page follows the index, which is written
# just after the commit (a page stored in between would keep the old results)
NOT_STORED = frozenset({"site.search", "site.consultations_list", "site.consultation"})
# views that decide their own caching (files, previews, JSON): left alone
OWN_CACHING = frozenset(
    {"site.media", "site.press_pack", "site.embargoed_pack", "site.preview", "site.search_suggestions"}
    | {"site.commendation_qr", "site.open_data_file"}  # QR codes and open-data files: ETag of their own
    # nominations: the tracking page follows a private table; the rest are forms or held photos
    | {"site.nomination_status", "site.nomination_sent", "site.nomination_held_photo"}
    # consultations: the confirmation after a comment, the announcement and the press pack
    | {"site.consultation_sent", "site.consultation_announcement", "site.consultation_pack"}
)
MAX_URL = 500  # longer query strings are rendered, not stored (no cache filled with junk URLs)
# kept with a stored page; the security headers too (web.security_headers has set them by then:
# a page that may be framed by partners has its own), so the early answer sends what the app did
KEPT_HEADERS = (
    "Content-Type",
    "X-Robots-Tag",
    "Content-Language",
    "Link",
    "Content-Security-Policy",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "X-Frame-Options",
)
ENCODED_ENTRIES = 200  # pages EarlyHits keeps ready to send (with their compressed copies), per process


# --- stores ------------------------------------------------------------------------------


class PageStore(Protocol):
    """Where rendered pages are kept: bytes under a key, for at most `ttl` seconds."""

    def get(self, key: str) -> bytes | None: ...

    def set(self, key: str, value: bytes, ttl: int) -> None: ...

    def clear(self) -> None: ...


class MemoryStore:
    """This process's own LRU store (the default: one machine, nothing to set up)."""

    def __init__(self, entries: int) -> None:
        self.entries = entries
        self.data: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self.lock:
            item = self.data.get(key)
            if item is None:
                return None
            if item[0] < time.monotonic():
                del self.data[key]
                return None
            self.data.move_to_end(key)
            return item[1]

    def set(self, key: str, value: bytes, ttl: int) -> None:
        with self.lock:
            self.data[key] = (time.monotonic() + ttl, value)
            self.data.move_to_end(key)
            while len(self.data) > self.entries:
                self.data.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.data.clear()


class RedisStore:
    """A store shared by every worker and node. Redis down: pages render, uncached (logged)."""

    def __init__(self, url: str, prefix: str) -> None:
        import redis

        self.client = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        self.prefix = f"{prefix}:page:"
        self.errors = (redis.RedisError, OSError)

    def get(self, key: str) -> bytes | None:
        try:
            value = self.client.get(self.prefix + key)
        except self.errors:
            log.warning("page cache: Redis unreachable; rendering without it", exc_info=True)
            return None
        return value if isinstance(value, bytes) else None

    def set(self, key: str, value: bytes, ttl: int) -> None:
        try:
            self.client.set(self.prefix + key, value, ex=max(ttl, 1))
        except self.errors:
            log.warning("page cache: Redis unreachable; page not stored", exc_info=True)

    def clear(self) -> None:
        """Nothing to do: old generations' keys are never asked for again and expire."""


# --- entries -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    etag: str
    rendered: float  # epoch seconds
    headers: dict[str, str]
    body: bytes
    route: str = ""  # the URL rule it was rendered for (the request log names it)

    def dump(self) -> bytes:
        meta = {"etag": self.etag, "rendered": self.rendered, "headers": self.headers, "route": self.route}
        return json.dumps(meta).encode() + b"\n" + self.body

    @classmethod
    def load(cls, raw: bytes) -> Page | None:
        head, sep, body = raw.partition(b"\n")
        try:
            meta = json.loads(head) if sep else None
        except ValueError:
            meta = None
        if not isinstance(meta, dict):
            return None
        headers = meta.get("headers")
        return cls(
            str(meta.get("etag", "")),
            float(meta.get("rendered") or 0),
            dict(headers) if isinstance(headers, dict) else {},
            body,
            str(meta.get("route") or ""),
        )


def now() -> float:
    """The time, in epoch seconds (one place, so a test can move it)."""
    return time.time()


def etag_of(body: bytes) -> str:
    """A short hash of the page's bytes (used as a weak ETag)."""
    return hashlib.blake2b(body, digest_size=12).hexdigest()


_code: dict[str, str] = {}


def code_hash() -> str:
    """A hash of this code, its templates and static files (once per process)."""
    if "hash" not in _code:
        digest = hashlib.blake2b(digest_size=8)
        roots = (Path(__file__).resolve().parent, config.PROJECT_ROOT / "static")
        for root in roots:
            for path in sorted(root.rglob("*")):
                if path.is_file() and path.suffix not in (".pyc", ".mo"):
                    digest.update(str(path.relative_to(root)).encode())
                    digest.update(path.read_bytes())
        _code["hash"] = digest.hexdigest()
    return _code["hash"]


def release(app: Flask) -> str:
    """The code and the settings pages are rendered with (the footer's agency details, the site
    address…): after a deploy or a changed setting no page of before is read (Redis outlives
    processes). Secrets stay out of it."""
    digest = hashlib.blake2b(code_hash().encode(), digest_size=8)
    for name in sorted(app.config):
        if "SECRET" not in name and "PASSWORD" not in name:
            value = app.config[name]
            if isinstance(value, set | frozenset):  # the same in every process, whatever the hash seed
                value = sorted(map(repr, value))
            digest.update(f"{name}={value!r};".encode())
    return digest.hexdigest()


# --- the cache ---------------------------------------------------------------------------


class PageCache:
    """Look pages up before the view runs and store them after; one per app."""

    def __init__(self, store: PageStore, ttl: int, release: str) -> None:
        self.store = store
        self.ttl = ttl
        self.release = release
        self.lock = threading.RLock()  # clear() is called while holding it
        self.token: str | None | object = object()  # the data generation last seen (none yet)
        self.until: datetime | None = None  # the next scheduled publication under that generation
        self.token_seen = 0  # counts the generations this process moved to (EarlyHits follows it)

    def known_era(self, token: str) -> str | None:
        """The era of this token when this process already knows it (None: ask the database)."""
        moment = utcnow()
        with self.lock:
            if self.token == token and (self.until is None or moment < self.until):
                return f"{token}:{self.until.isoformat() if self.until else ''}"
        return None

    def era(self, token: str) -> str:
        """The part of the key that changes with the data: the generation, and the next moment
        a story already marked published becomes public (that changes pages without a write)."""
        known = self.known_era(token)
        if known is not None:
            return known
        until = memo.next_publication(utcnow())
        with self.lock:
            if self.token != token:
                self.clear()  # this process's pages of the older data are dead weight
            self.token, self.until = token, until
        return f"{token}:{until.isoformat() if until else ''}"

    def key(self, token: str, url: str | None = None, era: str | None = None) -> str:
        digest = hashlib.blake2b((url or request.url).encode(), digest_size=16).hexdigest()
        return f"{self.release}:{era or self.era(token)}:{digest}"

    def clear(self) -> None:
        """Drop this process's pages (and what EarlyHits prepared from them)."""
        with self.lock:
            self.store.clear()
            self.token_seen += 1

    def on_change(self, _sender, records: frozenset = frozenset(), **_extra) -> None:
        """content_changed, in the app that committed: drop what it holds at once (other
        processes and apps see the new data generation on their next request)."""
        if changes.is_public(records) and current_app and current_app.extensions.get("pagecache") is self:
            self.clear()


def anonymous_request() -> bool:
    """A request whose page is the same for everyone: no user, no flashed message, no other cookie."""
    if request.method not in ("GET", "HEAD"):
        return False
    cookie_name = current_app.config.get("SESSION_COOKIE_NAME", "session")
    if any(name != cookie_name for name in request.cookies):
        return False
    return "_user_id" not in session and "_flashes" not in session


def _cache() -> PageCache | None:
    return current_app.extensions.get("pagecache")


SETTLED = 2.0  # seconds


def _last_modified(page: Page) -> datetime | None:
    """When the stored copy was rendered, in the whole seconds HTTP has; None until that second
    is over (with a margin for clocks a little apart): a copy rendered after a change within
    the same second would carry the same Last-Modified and be taken for the older one. A copy
    is rendered after every change (and every deploy), so its time is never too early."""
    if now() - page.rendered < SETTLED:
        return None
    return datetime.fromtimestamp(int(page.rendered), UTC)


def lookup() -> Response | None:
    """before_request: answer from the cache (or 304) when the page is there."""
    if request.blueprint != "site" or request.endpoint in OWN_CACHING or not anonymous_request():
        return None
    g.page_anonymous = True
    cache = _cache()
    if cache is None or request.endpoint in NOT_STORED or len(request.url) > MAX_URL:
        return None
    token = generation.current()
    if token is None:  # a database never written: nothing to key on
        return None
    g.page_key = cache.key(token)
    raw = cache.store.get(g.page_key)
    page = Page.load(raw) if raw else None
    if page is None:
        return None
    g.page_hit = True
    return _validators(Response(page.body, headers=page.headers), page)


def _validators(response: Response, page: Page, asked: Request | None = None) -> Response:
    response.set_etag(page.etag, weak=True)
    last_modified = _last_modified(page)
    if last_modified is not None:  # werkzeug turns None into "now": not a thing to say here
        response.last_modified = last_modified
    response.headers["Cache-Control"] = PUBLIC_CACHE
    response.vary.add("Cookie")
    return response.make_conditional(asked or request)


def _storable(response: Response) -> bool:
    """A whole, ordinary page that shows nothing of this visitor's session."""
    return (
        response.status_code == 200
        and response.mimetype == "text/html"
        and not response.is_streamed
        and "Cache-Control" not in response.headers  # a view that chose its own caching
        and "Set-Cookie" not in response.headers
        and not session.modified
        and g.get("csrf_token") is None  # a form's token belongs to one session
    )


def store(response: Response) -> Response:
    """after_request: set the caching headers of public pages; keep anonymous ones."""
    if request.blueprint != "site" or request.endpoint in OWN_CACHING:
        return response
    if g.get("page_hit") or response.mimetype != "text/html":
        return response
    if not g.get("page_anonymous") or not _storable(response):
        if "Cache-Control" not in response.headers:  # a view that chose its own caching keeps it
            response.headers["Cache-Control"] = PRIVATE_CACHE
        response.vary.add("Cookie")
        return response
    body = response.get_data()
    page = Page(etag_of(body), now(), {}, body)
    cache = _cache()
    # a view that wrote (publishing what was due) reads data its commit may not have kept
    if cache is not None and "page_key" in g and not generation.pending_writes():
        headers = {name: response.headers[name] for name in KEPT_HEADERS if name in response.headers}
        route = request.url_rule.rule if request.url_rule is not None else ""
        cache.store.set(g.page_key, Page(page.etag, page.rendered, headers, body, route).dump(), cache.ttl)
    return _validators(response, page)


def make_store(app: Flask) -> PageStore | None:
    """The store PAGE_CACHE names: memory (this process), redis (REDIS_URL) or off."""
    kind = app.config["PAGE_CACHE"]
    if kind == "off":
        return None
    if kind == "redis":
        return RedisStore(app.config["REDIS_URL"], app.config["PAGE_CACHE_PREFIX"])
    return MemoryStore(app.config["PAGE_CACHE_ENTRIES"])


CONDITIONAL = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_MATCH", "HTTP_IF_RANGE", "HTTP_RANGE")
URL_PARTS = (
    "wsgi.url_scheme",
    "HTTP_HOST",
    "SERVER_NAME",
    "SERVER_PORT",
    "SCRIPT_NAME",
    "PATH_INFO",
    "QUERY_STRING",
)
URLS_KEPT = 2000  # environ parts → URL, per process


@dataclass
class Ready:
    """A stored page ready to send as it is: its headers but the per-request ones, and its
    compressed copies (made on first demand). A key never names two different pages (it holds
    the data generation), so this may be kept as long as the key is asked for."""

    page: Page
    headers: list[tuple[str, str]]
    encoded: dict[str, bytes]


class EarlyHits:
    """WSGI middleware: answer a stored page before Flask builds a request, opens a session,
    loads a user or runs a hook. It only answers what `lookup` would (the same key: release,
    data generation read from the database, next scheduled publication, URL) for requests that
    carry no cookie at all; everything else, and every miss, goes on to the app, which renders
    and stores. The app's hooks are mirrored: the validators and Cache-Control, the security
    headers, compression (once per page and process) and, every 30 s, the check for scheduled
    stories (that request goes on to the app, which runs it). A conditional request is answered
    through werkzeug's own `make_conditional`, as the app does."""

    def __init__(self, app: Flask, wsgi_app: Any) -> None:
        self.app = app
        self.wsgi_app = wsgi_app
        self.urls: dict[tuple, str] = {}
        self.paths: dict[str, str] = {}  # URL → its path, for the request log
        self.ready: OrderedDict[str, Ready] = OrderedDict()
        self.token_seen = -1
        self.lock = threading.Lock()

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        answered = self.answer(environ, start_response)
        if answered is None:
            return self.wsgi_app(environ, start_response)
        return answered

    def url(self, environ: dict) -> str:
        """request.url, remembered for the environ parts it is made of."""
        parts = tuple(environ.get(name) for name in URL_PARTS)
        url = self.urls.get(parts)
        if url is None:
            asked = self.app.request_class(environ)
            url = asked.url
            if len(self.urls) >= URLS_KEPT:
                self.urls.clear()
                self.paths.clear()
            self.urls[parts], self.paths[url] = url, asked.path
        return url

    def answer(self, environ: dict, start_response: Callable) -> Iterable[bytes] | None:
        started = time.perf_counter()
        app = self.app
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD") or environ.get("HTTP_COOKIE"):
            return None
        cache: PageCache | None = app.extensions.get("pagecache")
        if cache is None or app.config["TRUSTED_HOSTS"] is not None or web.publish_due_pending(app):
            return None
        url = self.url(environ)
        if len(url) > MAX_URL:
            return None
        try:
            token = generation.read(app_engine(app))
        except Exception:  # the database is unreachable: the app answers (its error page, logged)
            return None
        era = None if token is None else cache.known_era(token)
        if era is None:  # a new generation (or none yet): the app looks it up and learns it
            return None
        key = cache.key("", url, era)
        ready = self.get_ready(cache, key)
        if ready is None:
            return None
        if any(name in environ for name in CONDITIONAL):
            response = self.conditional(cache, key, ready, environ)
            response.headers[requestlog.REQUEST_ID] = self.log(
                environ, ready.page, response.status_code, started
            )
            return response(environ, start_response)
        from showcase.extensions import compress

        body = ready.page.body
        headers = list(ready.headers)
        algorithm = _choose_algorithm(compress.enabled_algorithms, environ.get("HTTP_ACCEPT_ENCODING", ""))
        encoded = self.encoded(ready, algorithm)
        if encoded is not None:
            body = encoded
            headers.append(("Content-Encoding", str(algorithm)))
        last_modified = _last_modified(ready.page)
        if last_modified is not None:
            headers.append(("Last-Modified", http_date(last_modified)))
        headers.append(("Content-Length", str(len(body))))
        headers.append((requestlog.REQUEST_ID, self.log(environ, ready.page, 200, started)))
        start_response("200 OK", headers)
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [body]

    def log(self, environ: dict, page: Page, status: int, started: float) -> str:
        """What requestlog does for the app's requests: the id (the proxy's when sane), and the
        request's line (no user: a request without a cookie has none)."""
        given = environ.get("HTTP_X_REQUEST_ID", "")
        rid = given if requestlog.GOOD_ID.fullmatch(given) else uuid.uuid4().hex
        if requestlog.log.isEnabledFor(logging.INFO):
            method, path = environ["REQUEST_METHOD"], self.paths.get(self.url(environ), "")
            fields = {
                "method": method,
                "route": page.route or None,
                "path": path,
                "status": status,
                "ms": round((time.perf_counter() - started) * 1000, 1),
                "user_id": None,
            }
            requestlog.log.info("%s %s %s", method, path, status, extra={"fields": fields, "request_id": rid})
        return rid

    def encoded(self, ready: Ready, algorithm: str | None) -> bytes | None:
        """The page compressed with this algorithm (None: sent as it is, as flask-compress would)."""
        if algorithm is None or len(ready.page.body) < self.app.config["COMPRESS_MIN_SIZE"]:
            return None
        found = ready.encoded.get(algorithm)
        if found is None:
            found = ready.encoded[algorithm] = _compress_data(self.app, ready.page.body, algorithm)
        return found

    def get_ready(self, cache: PageCache, key: str) -> Ready | None:
        with self.lock:
            if cache.token_seen != self.token_seen:  # the cache moved on: so do we
                self.ready.clear()
                self.token_seen = cache.token_seen
            ready = self.ready.get(key)
            if ready is not None:
                self.ready.move_to_end(key)
                return ready
        raw = cache.store.get(key)
        page = Page.load(raw) if raw else None
        if page is None:
            return None
        from showcase.extensions import compress

        plain = self.conditional_plain(page)
        if plain.mimetype not in compress.compress_mimetypes_set:
            return None  # not a page this path knows how to send: the app does
        headers = [(k, v) for k, v in plain.headers.items() if k not in ("Content-Length", "Last-Modified")]
        ready = Ready(page, headers, {})
        with self.lock:
            self.ready[key] = ready
            while len(self.ready) > ENCODED_ENTRIES:
                self.ready.popitem(last=False)
        return ready

    @staticmethod
    def conditional_plain(page: Page) -> Response:
        """The headers the app gives a stored page (bar Last-Modified and length, set per request)."""
        response = Response(page.body, headers=page.headers)
        response.set_etag(page.etag, weak=True)
        response.headers["Cache-Control"] = PUBLIC_CACHE
        response.vary.add("Cookie")  # the security headers came with the page (KEPT_HEADERS)
        response.vary.add("Accept-Encoding")
        return response

    def conditional(self, cache: PageCache, key: str, ready: Ready, environ: dict) -> Response:
        """A request with validators: the app's own steps, werkzeug's `make_conditional` included."""
        asked = self.app.request_class(environ)
        page = ready.page
        response = _validators(Response(page.body, headers=page.headers), page, asked)
        from showcase.extensions import compress

        response.vary.add("Accept-Encoding")
        algorithm = _choose_algorithm(compress.enabled_algorithms, asked.headers.get("Accept-Encoding", ""))
        if (
            algorithm is not None
            and response.status_code == 200
            and len(page.body) >= self.app.config["COMPRESS_MIN_SIZE"]
        ):
            body = ready.encoded.get(algorithm) or ready.encoded.setdefault(
                algorithm, _compress_data(self.app, page.body, algorithm)
            )
            response.set_data(body)
            response.headers["Content-Encoding"] = algorithm
        return response


def app_engine(app: Flask) -> Any:
    """The app's engine, found once (flask-sqlalchemy keeps one per app)."""
    engine = app.extensions.get(ENGINE)
    if engine is None:
        with app.app_context():
            engine = app.extensions[ENGINE] = db.engine
    return engine


ENGINE = "pagecache_engine"


def init_pagecache(app: Flask) -> None:
    """Make this app's page cache (none with PAGE_CACHE=off); web.py runs `lookup` and `store`,
    and `EarlyHits` answers stored pages before the app when no cookie is sent."""
    store_ = make_store(app)
    if store_ is not None:
        cache = PageCache(store_, app.config["PAGE_CACHE_TTL"], release(app))
        app.extensions["pagecache"] = cache
        changes.content_changed.connect(cache.on_change)  # weak: an app dropped drops it
        app.wsgi_app = EarlyHits(app, app.wsgi_app)  # type: ignore[method-assign]  # the documented way
