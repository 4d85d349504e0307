"""The read-only JSON API at /api/v1: stories, exemplars, commendations, taxonomies, search;
its OpenAPI 3.1 document (generated) and a Vietnamese docs page."""

from __future__ import annotations

from flask import Flask


def init_api(app: Flask) -> None:
    """Register the API blueprint and its per-address limits (web.py adds its response headers)."""
    from showcase.api import http, views  # noqa: F401  (views registers the routes on http.bp)
    from showcase.api.ratelimit import init_limits

    init_limits(app)
    app.register_blueprint(http.bp)
