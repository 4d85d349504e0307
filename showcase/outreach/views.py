"""Feeds, sitemap, robots.txt and the web manifest: parse the address, build, answer."""

from __future__ import annotations

import json

from flask import Blueprint, Response, abort, url_for

from showcase.dates import to_local
from showcase.models import utcnow
from showcase.outreach import conditional, consultation_feed, feeds, sitemap
from showcase.outreach.urls import absolute

bp = Blueprint("outreach", __name__)

SECTION = 'any("phong-trao", "linh-vuc", "dia-phuong", "dien-hinh"):section'
MIMETYPES = {"rss": "application/rss+xml", "atom": "application/atom+xml"}
# kept out of search engines: the admin panel, draft previews, search results, embargoed packs
DISALLOWED = ("/admin", "/xem-truoc", "/tim-kiem", "/bao-chi/cam-dang", "/dang-nhap")
THEME_COLOUR = "#9b1b1f"


def _feed(scope: feeds.Scope, fmt: str) -> Response:
    return conditional.respond(("feed", fmt, *scope.key), lambda: feeds.build(scope, fmt), MIMETYPES[fmt])


@bp.get("/feed.xml")
def site_feed():
    return _feed(feeds.site_scope(), "rss")


@bp.get("/atom.xml")
def site_atom():
    return _feed(feeds.site_scope(), "atom")


@bp.get(f"/<{SECTION}>/<slug>/feed.xml")
def section_feed(section: str, slug: str):
    return _feed(feeds.section_scope(section, slug) or abort(404), "rss")


@bp.get(f"/<{SECTION}>/<slug>/atom.xml")
def section_atom(section: str, slug: str):
    return _feed(feeds.section_scope(section, slug) or abort(404), "atom")


@bp.get("/lay-y-kien/feed.xml")
def consultations_feed():
    # a consultation leaves the feed when its time is up, with no write: the hour is in the key
    hour = to_local(utcnow()).strftime("%Y-%m-%d %H")
    return conditional.respond(("consultations", hour), consultation_feed.build, MIMETYPES["rss"])


@bp.get("/sitemap.xml")
def sitemap_index():
    key = ("sitemap", sitemap.SITEMAP_LIMIT)
    return conditional.respond(key, sitemap.main, "application/xml")


@bp.get("/sitemap-<int:number>.xml")
def sitemap_part(number: int):
    if not 1 <= number <= sitemap.chunks():  # one sitemap holds everything: no parts
        abort(404)
    key = ("sitemap", sitemap.SITEMAP_LIMIT, number)
    return conditional.respond(key, lambda: sitemap.part(number), "application/xml")


@bp.get("/robots.txt")
def robots():
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in DISALLOWED), ""]
    lines.append(f"Sitemap: {absolute('outreach.sitemap_index')}")
    response = Response("\n".join(lines) + "\n", mimetype="text/plain")
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


def icon(name: str) -> str:
    return url_for("static", filename=name)


@bp.get("/site.webmanifest")
def manifest():
    body = {
        "name": feeds.SITE_NAME,
        "short_name": "Gương sáng",
        "description": feeds.SITE_SUBTITLE,
        "lang": "vi",
        "dir": "ltr",
        "start_url": "/",
        "scope": "/",
        "display": "browser",
        "theme_color": THEME_COLOUR,
        "background_color": "#ffffff",
        "icons": [
            {"src": icon("favicon.svg"), "type": "image/svg+xml", "sizes": "any"},
            {"src": icon("icon-192.png"), "type": "image/png", "sizes": "192x192"},
            {"src": icon("icon-512.png"), "type": "image/png", "sizes": "512x512"},
            {"src": icon("apple-touch-icon.png"), "type": "image/png", "sizes": "180x180"},
        ],
    }
    data = json.dumps(body, ensure_ascii=False, indent=2)
    response = Response(data, mimetype="application/manifest+json")
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response
