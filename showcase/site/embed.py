"""The widget partner sites embed: `/nhung/moi-nhat`, the latest published stories in a page of
its own (no site navigation, its own small stylesheet), each link opening on our site in a new
tab. `?phong-trao=<slug>`, `?linh-vuc=<slug>` and `?dia-phuong=<slug>` narrow it like the story
lists; `?so=N` (1 to 20) is how many stories it shows.

Only the origins listed in the EMBED_ORIGINS setting may frame it (CSP `frame-ancestors`,
set in web.py for the endpoints in `FRAMEABLE`); every other page keeps `frame-ancestors 'none'`
and `X-Frame-Options: DENY`.
"""

from __future__ import annotations

from typing import Any

from flask import render_template, request, url_for
from markupsafe import escape
from werkzeug.datastructures import MultiDict

from showcase.extensions import db
from showcase.site import listing, queries, sharing
from showcase.site.params import ascii_number
from showcase.site.register import BadFilter
from showcase.site.views import bp

ENDPOINT = "site.embed_latest"
DEFAULT_COUNT = 5
MAX_COUNT = 20
FILTERS = ("phong-trao", "linh-vuc", "dia-phuong")  # the story lists' own filter names
FRAME_HEIGHT = (
    560  # the embed code's iframe height in pixels: five stories without scrolling in a 320-px column
)


def read_count() -> int:
    """?so=N, 1 to 20; anything else is a BadFilter (a 400 in the widget's own page)."""
    raw = request.args.get("so", "").strip()
    if not raw:
        return DEFAULT_COUNT
    count = ascii_number(raw, 2)
    if count is None or not 1 <= count <= MAX_COUNT:
        raise BadFilter(f"Số bài “{raw[:20]}” không hợp lệ: hãy ghi một số từ 1 đến {MAX_COUNT}.")
    return count


def frame_ancestors(origins: list[str]) -> str:
    """The CSP frame-ancestors directive for the widget: the listed origins, else nobody."""
    return "frame-ancestors " + (" ".join(origins) if origins else "'none'")


def csp(base: str, origins: list[str]) -> str:
    """The site's Content-Security-Policy with the widget's frame-ancestors in place of 'none'."""
    kept = [part.strip() for part in base.split(";") if not part.strip().startswith("frame-ancestors")]
    return "; ".join([*kept, frame_ancestors(origins)])


def embed_code(args: dict[str, Any] | None = None, height: int = FRAME_HEIGHT) -> str:
    """The <iframe> a partner pastes into its page (shown in the press room)."""
    src = escape(sharing.absolute(url_for(ENDPOINT, **(args or {}))))  # `&` between arguments: `&amp;`
    return (
        f'<iframe src="{src}" title="Bài mới từ Gương sáng Hải Phòng" width="100%" height="{height}" '
        'style="border:0;max-width:100%" loading="lazy" referrerpolicy="strict-origin-when-cross-origin">'
        "</iframe>"
    )


@bp.get("/nhung/moi-nhat")
def embed_latest():
    """The latest published stories, for a partner's page (framed)."""
    try:
        count = read_count()
        chosen = MultiDict([(k, request.args.get(k, "")) for k in FILTERS if request.args.get(k, "").strip()])
        filters = listing.parse(chosen)
    except BadFilter as exc:
        return render_template("site/embed_error.html", message=str(exc)), 400
    stmt = filters.narrow(queries.published_stories()).options(*queries.CARD_OPTIONS).limit(count)
    stories = db.session.scalars(stmt).unique().all()
    args: dict[str, Any] = dict(filters.as_args())
    more = sharing.absolute(url_for("site.stories", **args))  # the same list on our site
    narrowed = [
        *([filters.movement.name] if filters.movement else []),
        *([filters.field.name] if filters.field else []),
        *([filters.locality.full_name] if filters.locality else []),
    ]
    return render_template("site/embed.html", stories=stories, narrowed=narrowed, more_url=more)
