"""One JSON line per request, and a request id that follows it from the proxy to the logs.

The id is taken from the proxy's `X-Request-ID` when it looks like one (letters, digits and
`.-_:`, 8 to 128 characters), else made here; every response returns it, and every log record
made while the request runs carries it. A line names the route pattern (`/bai-viet/<slug>`),
never the query string, and replaces a URL's secret parts (tokens, follow-up codes) with "…":
passwords, tokens and a nominator's contact never reach the log.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime

from flask import Flask, g, has_request_context, request
from flask.logging import default_handler
from flask_login import current_user
from werkzeug.wrappers import Response

REQUEST_ID = "X-Request-ID"
GOOD_ID = re.compile(r"[A-Za-z0-9._:-]{8,128}")
# URL parts that are keys to something private: a preview, a reset link, a nomination's code
SECRET_ARGS = frozenset({"token", "code", "key", "secret"})
log = logging.getLogger("showcase.requests")


class JsonFormatter(logging.Formatter):
    """A log record as one line of JSON: time (UTC), level, logger, message, request id, extras."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", None)
        if request_id:
            line["request_id"] = request_id
        line.update(getattr(record, "fields", {}))
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


class RequestIdFilter(logging.Filter):
    """Stamp every record made during a request with that request's id."""

    def filter(self, record: logging.LogRecord) -> bool:
        if has_request_context() and "request_id" in g:
            record.request_id = g.request_id
        return True


class StderrHandler(logging.StreamHandler):
    """Write to whatever `sys.stderr` is when the record comes (gunicorn's, a test's capture)."""

    def __init__(self) -> None:
        super().__init__()

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass


def request_id() -> str:
    """This request's id: the proxy's when it is a sane one, else a new one."""
    given = request.headers.get(REQUEST_ID, "")
    return given if GOOD_ID.fullmatch(given) else uuid.uuid4().hex


def start() -> None:
    g.request_id = request_id()
    g.request_started = time.perf_counter()


def logged_path() -> str:
    """The path with its secret parts replaced (the query string is never logged)."""
    path = request.path
    for name, value in (request.view_args or {}).items():
        if name in SECRET_ARGS and str(value):
            path = path.replace(str(value), "…")
    return path


def _user_id() -> int | None:
    if "_login_user" not in g:  # nobody asked who this is: a public page, no session to load
        return None
    user = current_user
    return int(user.id) if user.is_authenticated else None


def finish(response: Response) -> Response:
    """Return the id and write the request's line."""
    rid = g.get("request_id") or request_id()
    response.headers[REQUEST_ID] = rid
    started = g.get("request_started")
    fields = {
        "method": request.method,
        "route": request.url_rule.rule if request.url_rule is not None else None,
        "path": logged_path(),
        "status": response.status_code,
        "ms": round((time.perf_counter() - started) * 1000, 1) if started is not None else None,
        "user_id": _user_id(),
    }
    log.info("%s %s %s", request.method, fields["path"], response.status_code, extra={"fields": fields})
    return response


def init_logging(app: Flask) -> None:
    """Log JSON lines (LOG_FORMAT=json, the default) or Flask's plain lines, each with its request id.

    (showcase/web.py hooks `start` and `finish` to every request.)"""
    logger = logging.getLogger("showcase")  # the app's logger (Flask names it after the package)
    if not any(isinstance(f, RequestIdFilter) for f in default_handler.filters):
        default_handler.addFilter(RequestIdFilter())
    log.setLevel(logging.INFO if app.config["LOG_REQUESTS"] else logging.WARNING)
    if app.config["LOG_FORMAT"] != "json" or any(getattr(h, "showcase_json", False) for h in logger.handlers):
        return
    handler = StderrHandler()
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    handler.showcase_json = True  # type: ignore[attr-defined]  # marks ours: one per process
    logger.removeHandler(default_handler)
    logger.addHandler(handler)
