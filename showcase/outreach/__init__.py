"""Channels that carry the stories off the site: RSS and Atom feeds, the sitemap, robots.txt
and the web manifest. Everything here reads through showcase/visibility.py."""

from __future__ import annotations

from flask import Flask

from showcase.outreach import alternates
from showcase.outreach.views import bp


def init_outreach(app: Flask) -> None:
    """Register the blueprint and the `feed_links()` helper layout.html calls in its head."""
    app.register_blueprint(bp)
    app.add_template_global(alternates.feed_links, "feed_links")
