"""The public site: blueprint, template helpers, error pages and response headers."""

from __future__ import annotations

import secrets

from flask import Flask, abort, g, render_template, request

from showcase import content_io
from showcase.dates import format_date, format_datetime
from showcase.extensions import db
from showcase.site.views import bp

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


def _sample_data() -> bool:
    try:
        return content_io.is_sample_data()
    except Exception:  # an error page must render even when the database is down
        db.session.rollback()
        return False


def init_site(app: Flask) -> None:
    """Register the public blueprint, filters, error pages and security headers."""
    app.register_blueprint(bp)
    app.add_template_filter(format_date, "date")
    app.add_template_filter(format_datetime, "datetime")
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def site_globals() -> dict:
        return {"sample_data": _sample_data()}

    @app.errorhandler(400)
    def bad_request(error):
        custom = error.description != type(error).description
        message = error.description if custom else "Yêu cầu không hợp lệ."
        return render_template("site/error.html", code=400, message=message), 400

    @app.errorhandler(404)
    def not_found(_error):
        return render_template("site/error.html", code=404), 404

    @app.errorhandler(405)
    def not_allowed(_error):
        return render_template("site/error.html", code=405), 405

    @app.errorhandler(500)
    def server_error(_error):
        db.session.rollback()
        return render_template("site/error.html", code=500), 500

    @app.before_request
    def csp_nonce() -> None:
        g.csp_nonce = secrets.token_urlsafe(16)

    @app.before_request
    def refuse_nul() -> None:
        """A NUL character is never meant (and PostgreSQL cannot store or compare it)."""
        values = [request.path, *request.args.values()]
        if request.method == "POST":
            values += list(request.form.values())
        if any("\x00" in value for value in values):
            abort(400, description="Yêu cầu chứa ký tự không hợp lệ (NUL).")

    @app.after_request
    def security_headers(response):
        if request.path.startswith("/admin"):
            policy = ADMIN_CSP.format(nonce=g.get("csp_nonce", ""))
            response.headers["Cache-Control"] = "no-store"
        else:
            policy = CSP
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if request.path.startswith("/static/"):
            response.headers.setdefault("Cache-Control", "public, max-age=3600")
        return response
