"""The public site: blueprint, template helpers."""

from __future__ import annotations

from flask import Flask

from showcase import content_io
from showcase.dates import format_date, format_datetime, iso_date
from showcase.extensions import db
from showcase.site import memo
from showcase.site import nominate as _nominate  # noqa: F401  (its routes are on bp)
from showcase.site.views import bp


def _sample_data() -> bool:
    try:
        return memo.remember(("sample-data",), content_io.is_sample_data)
    except Exception:  # an error page must render even when the database is down
        db.session.rollback()
        return False


def init_site(app: Flask) -> None:
    """Register the public blueprint and the template helpers its pages (and error pages) use."""
    memo.init_memo(app)
    app.register_blueprint(bp)
    app.add_template_filter(format_date, "date")
    app.add_template_filter(format_datetime, "datetime")
    app.add_template_filter(iso_date, "isodate")
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def site_globals() -> dict:
        return {"sample_data": _sample_data()}
