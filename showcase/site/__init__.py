"""The public site: blueprint, template helpers."""

from __future__ import annotations

from flask import Flask

from showcase import content_io, public_names
from showcase.dates import format_date, format_datetime, iso_date
from showcase.extensions import db
from showcase.numbers import format_number, format_percent
from showcase.site import consult, embed, info_request, memo, nominate, open_data, page_meta, sharing, verify  # noqa: F401  (routes on bp)
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
    app.add_template_filter(format_number, "number")
    app.add_template_filter(format_percent, "percent")
    # how a person is named and pictured in public (initials, no portrait: a minor without consent)
    app.add_template_filter(public_names.public_name, "public_name")
    app.add_template_filter(public_names.public_portrait, "public_portrait")
    app.add_template_global(page_meta.head, "page_head")  # layout.html: OG tags, JSON-LD
    app.jinja_env.globals["page_meta"] = page_meta  # a page's `seo` (page_meta.for_story…)
    app.add_template_global(sharing.share_links_for, "share_links")  # Facebook, Zalo, copy link
    app.add_template_global(embed.embed_code, "embed_code")  # the widget's <iframe>, in the press room
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def site_globals() -> dict:
        return {"sample_data": _sample_data()}
