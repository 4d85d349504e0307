"""What every blueprint shares: security headers, request checks, error pages, per-request hooks.

The public site and the admin panel keep only their own concerns; anything that applies to
every response or every request of the application lives here, once.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator

from flask import Flask, abort, current_app, g, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from showcase import pagecache, requestlog
from showcase.api import errors as api_errors
from showcase.api import http as api_http
from showcase.extensions import db
from showcase.services import consultations, info_requests, nominations, transaction, workflow
from showcase.site import embed

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
# Flask-Admin's pages: its scripts carry a per-request nonce; its templates use inline styles.
ADMIN_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self' 'nonce-{nonce}'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
STATIC_CACHE = "public, max-age=3600"  # a static file asked for by its plain name
IMMUTABLE_CACHE = "public, max-age=31536000, immutable"  # by its fingerprinted name (static_files.py)
ADMIN_CACHE = "no-store"
PUBLISH_DUE_EVERY = 30.0  # seconds between two checks for scheduled stories
PRIVACY_PURGE_EVERY = 86400.0  # seconds between two purges of old contact data (per process)

# Headers that only a view ever sets (the framework never does): a view that sets one means
# it (the media view's `default-src 'none'; sandbox`), everything else gets the app's value.
# Cache-Control is not among them: send_file() always sets one, so it is assigned below.
VIEW_MAY_SET = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
}

# pages partner sites may frame: only the origins in EMBED_ORIGINS (site/embed.py), nobody else
FRAMEABLE = frozenset({"site.embed_latest"})

BAD_REQUEST_MESSAGE = "Yêu cầu không hợp lệ."
TOO_MANY_MESSAGE = "Bạn đã thử quá nhiều lần; hãy đợi một lúc rồi thử lại."
CSRF_MESSAGE = "Biểu mẫu đã hết hạn hoặc thiếu mã bảo vệ; hãy tải lại trang rồi thử lại."
OTHER_MESSAGE = "Yêu cầu này không thực hiện được."


def init_web(app: Flask) -> None:
    """Attach the request checks, per-request hooks, error pages and response headers."""
    app.before_request(make_csp_nonce)
    app.before_request(refuse_nul)
    app.before_request(publish_due_hook(app))
    app.before_request(cached_page)  # after publishing what is due: that moves the generation on
    app.after_request(page_caching)  # runs before compression (init_compress came first)
    app.after_request(security_headers)
    app.after_request(api_headers)
    init_error_pages(app)


def init_request_log(app: Flask) -> None:
    """Give every request its id and its log line (registered first: the line comes last)."""
    app.before_request(start_request_log)
    app.after_request(finish_request_log)


# --- requests ----------------------------------------------------------------------------


def start_request_log() -> None:
    requestlog.start()


def finish_request_log(response: Response) -> Response:
    """Return the request id and write the request's one log line."""
    return requestlog.finish(response)


def make_csp_nonce() -> None:
    g.csp_nonce = secrets.token_urlsafe(16)


def csp_nonce() -> str:
    """This request's nonce for inline scripts (Flask-Admin's pages only)."""
    return str(g.get("csp_nonce", ""))


def _request_text() -> Iterator[str]:
    yield request.path
    for key, values in request.args.lists():
        yield key
        yield from values
    if request.method == "POST":
        for key, values in request.form.lists():
            yield key
            yield from values


def refuse_nul() -> None:
    """A NUL character is never meant (and PostgreSQL cannot store or compare it)."""
    if any("\x00" in value for value in _request_text()):
        abort(400, description="Yêu cầu chứa ký tự không hợp lệ (NUL).")


PUBLISH_DUE = "publish_due"  # app.extensions: {"at": monotonic time of the last check}


def publish_due_pending(app: Flask) -> bool:
    """Tell whether the next request should check for scheduled stories (the page cache's
    early answer then leaves the request to the app, which does)."""
    return time.monotonic() - app.extensions[PUBLISH_DUE]["at"] >= PUBLISH_DUE_EVERY


def publish_due_hook(app: Flask):
    """Scheduled stories go out on the next request too (at most one check every 30 s)."""
    last_check = app.extensions.setdefault(PUBLISH_DUE, {"at": -PUBLISH_DUE_EVERY})

    def publish_due_items() -> None:
        now = time.monotonic()
        if now - last_check["at"] < PUBLISH_DUE_EVERY:
            return
        last_check["at"] = now
        try:
            with transaction():
                workflow.publish_due()
        except Exception:  # a page must not fail because of this; `flask publish-due` retries
            app.logger.exception("publishing due stories failed")
        if now - last_check.get("purge", -PRIVACY_PURGE_EVERY) >= PRIVACY_PURGE_EVERY:
            last_check["purge"] = now
            for purge in (nominations.purge, info_requests.purge, consultations.purge):
                try:
                    with transaction():
                        purge()
                except Exception:  # `flask privacy purge` (cron) does the same
                    app.logger.exception("purging old contact data failed")

    return publish_due_items


def cached_page() -> Response | None:
    """Answer an anonymous public page from the page cache (or with 304) before its view runs."""
    return pagecache.lookup()


# --- responses ---------------------------------------------------------------------------


def page_caching(response: Response) -> Response:
    """Give public pages their validators and Cache-Control; keep anonymous ones in the cache."""
    return pagecache.store(response)


def _is_admin() -> bool:
    return request.path == "/admin" or request.path.startswith("/admin/")


def _is_static() -> bool:
    endpoint = request.endpoint or ""
    return endpoint == "static" or endpoint.endswith(".static")


def security_headers(response: Response) -> Response:
    """Set the security and caching headers of every response."""
    admin = _is_admin()
    policies = dict(VIEW_MAY_SET)
    if admin:
        policies["Content-Security-Policy"] = ADMIN_CSP.format(nonce=csp_nonce())
    elif request.endpoint in FRAMEABLE and current_app.config["EMBED_ORIGINS"]:
        # the widget, for the partners' origins: CSP frame-ancestors names them (X-Frame-Options can't)
        policies["Content-Security-Policy"] = embed.csp(CSP, current_app.config["EMBED_ORIGINS"])
        del policies["X-Frame-Options"]
    for name, value in policies.items():
        if name not in response.headers:
            response.headers[name] = value
    if _is_static():
        if response.status_code < 400:  # Flask's static view has already said `no-cache`: replace it
            response.headers["Cache-Control"] = IMMUTABLE_CACHE if g.get("static_immutable") else STATIC_CACHE
        else:  # an error about a file is not the file: no cache keeps it for an hour
            response.headers["Cache-Control"] = "no-cache"
    elif admin:  # the panel's pages show drafts and private contacts: never cached
        response.headers["Cache-Control"] = ADMIN_CACHE
    return response


def api_headers(response: Response) -> Response:
    """The JSON API's answers, its errors included: CORS, rate-limit headers, ETag, Cache-Control."""
    return api_http.finish(response)


# --- error pages -------------------------------------------------------------------------


def error_page(code: int, message: str | None = None) -> tuple[str | Response, int]:
    """The Vietnamese error page (the public layout) with this status; JSON under /api/."""
    if api_errors.is_api_request():
        return api_errors.json_error(code, message)
    return render_template("site/error.html", code=code, message=message), code


def init_error_pages(app: Flask) -> None:
    """Every error a person can meet is a Vietnamese page, the admin panel's included."""

    @app.errorhandler(400)
    def bad_request(error: HTTPException):
        custom = error.description != type(error).description
        return error_page(400, error.description if custom else BAD_REQUEST_MESSAGE)

    @app.errorhandler(CSRFError)
    def csrf_error(_error: CSRFError):
        return error_page(400, CSRF_MESSAGE)

    @app.errorhandler(403)
    def forbidden(_error: HTTPException):
        return error_page(403)

    @app.errorhandler(404)
    def not_found(_error: HTTPException):
        return error_page(404)

    @app.errorhandler(405)
    def not_allowed(_error: HTTPException):
        return error_page(405)

    @app.errorhandler(413)
    def too_large(_error: HTTPException):
        limit = app.config["MAX_UPLOAD_BYTES"] // (1024 * 1024)
        return error_page(
            413,
            f"Tệp gửi lên lớn quá: cả lần gửi tối đa {limit} MB. Bấm “Quay lại” trên trình duyệt để "
            "về trang trước (chữ đã gõ thường vẫn còn), rồi chọn ít ảnh hơn hoặc ảnh nhỏ hơn.",
        )

    @app.errorhandler(429)
    def too_many(_error: HTTPException):
        return error_page(429, TOO_MANY_MESSAGE)

    @app.errorhandler(500)
    def server_error(_error: HTTPException):
        db.session.rollback()
        return error_page(500)

    @app.errorhandler(HTTPException)
    def other_http_error(error: HTTPException):
        """Any other 4xx/5xx (414, 416, 431, 501…) gets the same page; redirects pass through."""
        if error.code is None or error.code < 400:
            return error
        return error_page(error.code, OTHER_MESSAGE)
