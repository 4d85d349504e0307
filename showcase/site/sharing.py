"""What a shared link points to and shows: absolute and canonical URLs, the image a link
preview draws, and the links that share a page to Facebook and Zalo (plain links: no
third-party script on our pages).

URLs are absolute, built from the SITE_URL setting, never from the Host header a request
happened to carry.
"""

from __future__ import annotations

from dataclasses import dataclass
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


# the stored file itself may stand in for a rendition when it is no wider than the largest one
# (an image exactly 1200 px wide gets renditions 320 to 1024 only: its own file is the 1200-px one)
MASTER_TYPES = ("image/jpeg", "image/png")
MASTER_MAX_WIDTH = 1600


def candidates(asset: MediaAsset) -> list[tuple[str, int, int, str]]:
    """Every stored size of an image a link preview may show: (key, width, height, type)."""
    found = [(r["jpeg"], int(r["width"]), int(r["height"]), "image/jpeg") for r in asset.renditions or []]
    if (asset.content_type in MASTER_TYPES and asset.width <= MASTER_MAX_WIDTH) or not found:
        found.append((asset.file, asset.width, asset.height, asset.content_type))
    return found


def image_of(asset: MediaAsset | None) -> Image | None:
    """How a shared link shows this image: its 1200-px version (absolute URL), else the size
    nearest to 1200 px (an image stored before that rendition existed, or a narrower one), the
    wider on a tie."""
    if asset is None:
        return None
    key, width, height, content_type = min(candidates(asset), key=lambda c: (abs(c[1] - OG_WIDTH), -c[1]))
    return Image(absolute(url_for("site.media", key=key)), width, height, asset.alt_text, content_type)


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
