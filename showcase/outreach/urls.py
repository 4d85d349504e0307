"""Absolute addresses on SITE_URL (the address the public knows, whatever host a request used)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import current_app, url_for

# the year in every tag: URI this site mints (RFC 4151): ids made once never change
TAG_YEAR = "2026"


def absolute(endpoint: str, **values: Any) -> str:
    """SITE_URL + the path of an endpoint."""
    return current_app.config["SITE_URL"] + url_for(endpoint, **values, _external=False)


def site_url() -> str:
    return current_app.config["SITE_URL"]


def tag(specific: str) -> str:
    """A permanent id (tag: URI) for something this site publishes, e.g. `bai-viet/12`.

    It names the record by its database id, so renaming a story (and its slug) keeps it."""
    host = urlsplit(current_app.config["SITE_URL"]).hostname or "localhost"
    return f"tag:{host},{TAG_YEAR}:{specific}"
