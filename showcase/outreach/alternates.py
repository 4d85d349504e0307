"""The feeds a page follows, for its `<link rel="alternate">` tags (layout.html's head).

A page names no feed itself: the layout calls `feed_links()`, which reads the page's endpoint
and the record its template was given (movement, field, locality, exemplar).
"""

from __future__ import annotations

from typing import Any

from flask import request
from jinja2 import pass_context
from jinja2.runtime import Context

from showcase.outreach.feeds import ATOM, RSS, SITE_NAME
from showcase.outreach.urls import absolute
from showcase.public_names import public_name

# the site's pages that follow the whole site's stories
SITE_WIDE = frozenset({"site.home", "site.stories"})
# a section's page → (the template variable holding its record, its part of the feed's URL)
SECTION_PAGES = {
    "site.movement": ("movement", "phong-trao"),
    "site.field": ("field", "linh-vuc"),
    "site.locality": ("locality", "dia-phuong"),
    "site.exemplar": ("exemplar", "dien-hinh"),
}


def _pair(title: str, rss: str, atom: str) -> list[dict[str, str]]:
    return [
        {"type": RSS, "title": f"{title} (RSS)", "href": rss},
        {"type": ATOM, "title": f"{title} (Atom)", "href": atom},
    ]


def site_feeds() -> list[dict[str, str]]:
    return _pair(SITE_NAME, absolute("outreach.site_feed"), absolute("outreach.site_atom"))


@pass_context
def feed_links(context: Context) -> list[dict[str, str]]:
    """Each feed this page follows: {type, title, href}; none on other pages."""
    endpoint = request.endpoint or ""
    if endpoint in SITE_WIDE:
        return site_feeds()
    if endpoint not in SECTION_PAGES:
        return []
    name, section = SECTION_PAGES[endpoint]
    record: Any = context.get(name)
    if record is None or not getattr(record, "slug", None):
        return site_feeds()
    if name == "locality":
        label = record.full_name
    else:
        label = public_name(record) if name == "exemplar" else record.name
    links = _pair(
        label,
        absolute("outreach.section_feed", section=section, slug=record.slug),
        absolute("outreach.section_atom", section=section, slug=record.slug),
    )
    return links + site_feeds()
