"""What a shared link points to and shows: absolute and canonical URLs, the image a link
preview draws, and the links that share a page to Facebook and Zalo (plain links: no
third-party script on our pages).

URLs are absolute, built from the SITE_URL setting, never from the Host header a request
happened to carry.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from flask import current_app, request, url_for

from showcase.models import MediaAsset

OG_WIDTH = 1200  # the rendition a shared link shows (Facebook and Zalo draw 1200×630)
DEFAULT_IMAGE = "img/share-default.png"  # made by scripts/make_share_images.py
DEFAULT_IMAGE_SIZE = (1200, 630)
DEFAULT_IMAGE_ALT = "Gương sáng Hải Phòng: điển hình tiên tiến, người tốt, việc tốt của thành phố Hải Phòng"
SITE_NAME = "Gương sáng Hải Phòng"
FACEBOOK_SHARER = "https://www.facebook.com/sharer/sharer.php"
ZALO_SHARER = "https://sp.zalo.me/share_to_zalo"

# Query-string arguments that change what a list shows, so belong in its canonical URL; any
# other argument (tracking tags, a search box left empty) names the same page.
MEANINGFUL_ARGS = ("trang", "nam", "phong-trao", "linh-vuc", "dia-phuong", "hinh-thuc", "cap")
# a section page ignores a filter on its own dimension (the movement page's ?phong-trao=…)
IGNORED_ON = {"site.movement": "phong-trao", "site.field": "linh-vuc", "site.locality": "dia-phuong"}


def site_url() -> str:
    return str(current_app.config["SITE_URL"]).rstrip("/")


def absolute(path: str) -> str:
    """An absolute URL on this site for a path (`/bai-viet/x`) or an endpoint's URL."""
    if path.startswith(("https://", "http://")):
        return path
    return site_url() + (path if path.startswith("/") else "/" + path)


def canonical_url() -> str:
    """This page's canonical URL: SITE_URL, the path, and only the arguments that change the page
    (the page number past the first, the list's filters), in a fixed order."""
    ignored = IGNORED_ON.get(request.endpoint or "")
    args = []
    for name in MEANINGFUL_ARGS:
        value = request.args.get(name, "").strip()
        if not value or name == ignored or (name == "trang" and value == "1"):
            continue
        args.append((name, value))
    query = "?" + urlencode(args) if args else ""
    return absolute(quote(request.path, safe="/-._~")) + query


# --- images ----------------------------------------------------------------------------------


@dataclass
class Image:
    url: str
    width: int
    height: int
    alt: str
    type: str = "image/jpeg"


def rendition_for_sharing(asset: MediaAsset) -> dict[str, Any] | None:
    """The 1200-px rendition; for an image stored before it existed (or narrower than 1200 px),
    the rendition nearest to it, the wider one on a tie."""
    renditions = asset.renditions or []
    if not renditions:
        return None
    return min(renditions, key=lambda r: (abs(int(r["width"]) - OG_WIDTH), -int(r["width"])))


def image_of(asset: MediaAsset | None) -> Image | None:
    """How a shared link shows this image (absolute URL of its 1200-px JPEG rendition)."""
    if asset is None:
        return None
    chosen = rendition_for_sharing(asset)
    if chosen is None:
        return Image(
            absolute(url_for("site.media", key=asset.file)),
            asset.width,
            asset.height,
            asset.alt_text,
            asset.content_type,
        )
    return Image(
        absolute(url_for("site.media", key=chosen["jpeg"])),
        int(chosen["width"]),
        int(chosen["height"]),
        asset.alt_text,
    )


def default_image() -> Image:
    width, height = DEFAULT_IMAGE_SIZE
    return Image(
        absolute(url_for("static", filename=DEFAULT_IMAGE)), width, height, DEFAULT_IMAGE_ALT, "image/png"
    )


# --- share links -----------------------------------------------------------------------------


@dataclass
class ShareLinks:
    url: str
    facebook: str
    zalo: str


def share_links(url: str) -> ShareLinks:
    """Plain links to Facebook's and Zalo's share pages (no third-party script on ours)."""
    return ShareLinks(
        url=url,
        facebook=f"{FACEBOOK_SHARER}?{urlencode({'u': url})}",
        zalo=f"{ZALO_SHARER}?{urlencode({'url': url})}",
    )


def share_links_for(path: str) -> ShareLinks:
    """The share links of a page on this site, by its path."""
    return share_links(absolute(path))
