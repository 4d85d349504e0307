"""RSS 2.0 and Atom feeds of the published stories (feedgen): the whole site and each movement,
field, locality (with the units it holds or replaced) and exemplar.

Each entry carries the title, summary, the full sanitised body (its links made absolute), the
byline, the movements, field and locality as categories, the cover's largest rendition as an
enclosure (size and type), the publication date and the last change a reader can see. Its id
is a tag: URI on the story's database id, so a new title (and slug) keeps it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from feedgen.entry import FeedEntry
from feedgen.feed import FeedGenerator
from flask import current_app
from sqlalchemy import Select
from sqlalchemy.orm import joinedload, selectinload

from showcase.dates import VIETNAM
from showcase.extensions import db
from showcase.models import Field, MediaAsset, Movement, Story
from showcase.outreach.urls import absolute, site_url, tag
from showcase.public_names import public_name
from showcase.site import queries

FEED_SIZE = 50  # the newest stories a feed carries
SITE_NAME = "Gương sáng Hải Phòng"
SITE_SUBTITLE = "Điển hình tiên tiến và gương người tốt, việc tốt của thành phố Hải Phòng."
RSS = "application/rss+xml"
ATOM = "application/atom+xml"
# the sections a feed can follow: URL part → (kind, the site's page endpoint, kicker in titles)
SECTIONS = {
    "phong-trao": ("movement", "site.movement", "Phong trào"),
    "linh-vuc": ("field", "site.field", "Lĩnh vực"),
    "dia-phuong": ("locality", "site.locality", "Địa phương"),
    "dien-hinh": ("exemplar", "site.exemplar", "Điển hình"),
}
# a root-relative link or image in a stored body (/media/…, /bai-viet/…): absolute in a feed
ROOT_RELATIVE = re.compile(r'(\s(?:href|src)=")/(?!/)')


@dataclass(frozen=True)
class Scope:
    """What one feed follows: its stories and how it names itself."""

    key: tuple[Any, ...]  # names the feed (memo keys)
    feed_id: str
    title: str
    subtitle: str
    page_url: str
    stories: Select
    section: str | None = None
    slug: str | None = None

    def feed_url(self, fmt: str) -> str:
        if self.section is None:
            return absolute("outreach.site_feed" if fmt == "rss" else "outreach.site_atom")
        endpoint = "outreach.section_feed" if fmt == "rss" else "outreach.section_atom"
        return absolute(endpoint, section=self.section, slug=self.slug)


def site_scope() -> Scope:
    return Scope(
        key=("all",),
        feed_id=tag("bai-viet"),
        title=SITE_NAME,
        subtitle=SITE_SUBTITLE,
        page_url=absolute("site.stories"),
        stories=queries.published_stories(),
    )


def section_scope(section: str, slug: str) -> Scope | None:
    """The feed of one movement, field, locality or exemplar; None when there is no such page."""
    kind, endpoint, kicker = SECTIONS[section]
    record: Any
    if kind == "movement":
        record = db.session.scalar(db.select(Movement).filter_by(slug=slug))
        stories = queries.stories_of_movement(record) if record else None
    elif kind == "field":
        record = db.session.scalar(db.select(Field).filter_by(slug=slug))
        stories = queries.stories_of_field(record) if record else None
    elif kind == "locality":
        record = queries.locality_by_slug(slug)
        stories = queries.stories_in(queries.locality_scope(record)) if record else None
    else:  # an exemplar has a public page (and a feed) only with a published story
        record = queries.exemplar_by_slug(slug)
        stories = queries.stories_of_exemplar(record) if record else None
    if record is None or stories is None:
        return None
    if kind == "locality":
        name = record.full_name
    else:
        name = public_name(record) if kind == "exemplar" else record.name
    return Scope(
        key=(kind, record.id),
        feed_id=tag(f"{section}/{record.id}"),
        title=f"{name} · {SITE_NAME}",
        subtitle=f"Bài viết mới thuộc {kicker.lower()} {name}.",
        page_url=absolute(endpoint, slug=record.slug),
        stories=stories,
        section=section,
        slug=record.slug,
    )


def latest(scope: Scope) -> Sequence[Story]:
    """The newest published stories of a scope, with everything an entry shows."""
    stmt = scope.stories.limit(FEED_SIZE).options(
        joinedload(Story.cover),
        joinedload(Story.field),
        joinedload(Story.locality),
        selectinload(Story.movements),
    )
    return db.session.scalars(stmt).unique().all()


# --- entries -------------------------------------------------------------------------------


def aware(value: datetime) -> datetime:
    """A stored (naive UTC) time in Vietnam time, with its offset (feeds show +07:00)."""
    return value.replace(tzinfo=UTC).astimezone(VIETNAM)


def story_updated(story: Story) -> datetime:
    """The last change a reader can see: its revision after publication, or its publication."""
    published = story.published_at or datetime(1970, 1, 1)
    return max(published, story.revised_at) if story.revised_at else published


def enclosure(asset: MediaAsset | None) -> tuple[str, int, str] | None:
    """The cover's largest public rendition (JPEG) as (URL, bytes, type); None without a file."""
    if asset is None:
        return None
    renditions = [r for r in asset.renditions or [] if r.get("jpeg")]
    if renditions:
        key, kind = max(renditions, key=lambda r: r.get("width", 0))["jpeg"], "image/jpeg"
    else:
        key, kind = asset.file, asset.content_type
    storage = current_app.extensions["storage"]
    try:
        size = storage.path(key).stat().st_size
    except (OSError, ValueError):  # a missing file: no enclosure rather than a wrong length
        return None
    return absolute("site.media", key=key), size, kind


def absolute_links(html: str) -> str:
    """A body's root-relative links and images as absolute addresses (a reader is elsewhere)."""
    return ROOT_RELATIVE.sub(lambda m: m.group(1) + site_url() + "/", html)


def categories(story: Story) -> list[dict[str, str]]:
    found = [{"term": m.slug, "label": m.name, "scheme": absolute("site.movements")} for m in story.movements]
    found.append({"term": story.field.slug, "label": story.field.name, "scheme": absolute("site.fields")})
    locality = story.locality
    found.append({"term": locality.slug, "label": locality.full_name, "scheme": absolute("site.localities")})
    return found


class Entry(FeedEntry):
    """feedgen 1.0.0 writes an Atom entry's links without their rel, type and length (a loop
    variable shadows the link it reads): put them back, in the order they were given."""

    def atom_entry(self, extensions: bool = True) -> Any:
        entry = super().atom_entry(extensions)
        written = [child for child in entry if child.tag in ("link", "{http://www.w3.org/2005/Atom}link")]
        for element, link in zip(written, self.link() or [], strict=True):
            for name in ("rel", "type", "hreflang", "title", "length"):
                if link.get(name):
                    element.set(name, str(link[name]))
        return entry


def add_entry(feed: FeedGenerator, story: Story) -> None:
    entry = feed.add_entry(Entry(), order="append")
    entry.guid(tag(f"bai-viet/{story.id}"), permalink=False)
    entry.title(story.title)
    entry.link(href=absolute("site.story", slug=story.slug), rel="alternate", type="text/html")
    entry.summary(story.summary or story.title)
    entry.content(absolute_links(story.body_html), type="html")
    byline = story.byline.strip() or current_app.config["AGENCY"]["name"]
    entry.author({"name": byline})
    entry.dc.dc_creator(byline)  # RSS 2.0's <author> wants an e-mail address: a byline is a name
    entry.category(categories(story))
    cover = enclosure(story.cover)
    if cover is not None:
        url, size, kind = cover
        entry.enclosure(url, str(size), kind)
    entry.published(aware(story.published_at or story_updated(story)))
    entry.updated(aware(story_updated(story)))


# --- the feed ------------------------------------------------------------------------------


def build(scope: Scope, fmt: str) -> bytes:
    """The feed of a scope as RSS 2.0 (`rss`) or Atom (`atom`) bytes."""
    stories = latest(scope)
    feed = FeedGenerator()
    feed.load_extension("dc", atom=False, rss=True)
    feed.id(scope.feed_id)
    feed.title(scope.title)
    feed.subtitle(scope.subtitle)  # also RSS's <description>
    feed.link(href=scope.feed_url(fmt), rel="self", type=RSS if fmt == "rss" else ATOM)
    feed.link(href=scope.page_url, rel="alternate", type="text/html")  # last: RSS's <link>
    feed.language("vi")
    agency = current_app.config["AGENCY"]
    feed.author({"name": agency["name"]})
    feed.rights(f"© {agency['owner']}")
    feed.generator(SITE_NAME, uri=site_url())
    feed.icon(absolute("static", filename="favicon-32.png"))
    feed.logo(absolute("static", filename="apple-touch-icon.png"))
    for story in stories:
        add_entry(feed, story)
    # the newest visible change; a feed with no story yet is as old as the epoch (a fixed date,
    # so that its bytes, and so its ETag, stay the same until a story comes)
    newest = max((story_updated(s) for s in stories), default=datetime(1970, 1, 1))
    feed.updated(aware(newest))
    data: bytes = feed.rss_str(pretty=True) if fmt == "rss" else feed.atom_str(pretty=True)
    return data
