"""The sitemap (sitemaps.org 0.9) of every public page, with each page's last change.

The pages come from SOURCES: functions that each yield (address, last change or None). Another
part of the site adds its public pages with `@sitemap.source`; nothing else needs changing.
Past SITEMAP_LIMIT addresses, /sitemap.xml becomes a sitemap index of /sitemap-1.xml,
/sitemap-2.xml… with at most SITEMAP_LIMIT addresses each (the protocol's own limit).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from xml.etree import ElementTree as ET

from sqlalchemy import func, select

from showcase.extensions import db
from showcase.models import (
    Commendation,
    Exemplar,
    Field,
    Locality,
    Movement,
    Story,
    story_exemplars,
    story_movements,
)
from showcase.outreach.feeds import aware
from showcase.outreach.urls import absolute
from showcase.site import memo
from showcase.visibility import has_published_story, is_published

SITEMAP_LIMIT = 50_000  # addresses per file (sitemaps.org); a test lowers it
NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"

Url = tuple[str, datetime | date | None]  # (absolute address, last change)
SOURCES: list[Callable[[], Iterable[Url]]] = []


def source(produce: Callable[[], Iterable[Url]]) -> Callable[[], Iterable[Url]]:
    """Add a function yielding (absolute address, last change or None) for public pages."""
    SOURCES.append(produce)
    return produce


def _newest(column) -> datetime | None:
    """The newest visible change among published stories (publication or later revision)."""
    return db.session.scalar(select(func.max(column)).where(is_published()))


def _changed(*values: datetime | None) -> datetime | None:
    present = [v for v in values if v is not None]
    return max(present) if present else None


def last_story_change() -> datetime | None:
    return _changed(_newest(Story.published_at), _newest(Story.revised_at))


def last_register_change() -> date | None:
    """The newest decision in the commendation register: an award's or a revocation's."""
    awarded = db.session.scalar(select(func.max(Commendation.decision_date)))
    revoked = db.session.scalar(select(func.max(Commendation.revoked_on)))
    present = [d for d in (awarded, revoked) if d is not None]
    return max(present) if present else None


@source
def fixed_pages() -> Iterator[Url]:
    """The home page and the lists: they change when a story comes or changes."""
    newest = last_story_change()
    for endpoint in ("site.home", "site.stories", "site.exemplars", "site.movements", "site.fields"):
        yield absolute(endpoint), newest
    yield absolute("site.localities"), newest
    yield absolute("site.commendations"), last_register_change()
    yield absolute("site.press_room"), newest
    register = last_register_change()
    counted = datetime.combine(register, datetime.min.time()) if register else None
    yield absolute("site.statistics"), _changed(newest, counted)  # counts stories and commendations


@source
def stories() -> Iterator[Url]:
    rows = db.session.execute(
        select(Story.slug, Story.published_at, Story.revised_at)
        .where(is_published())
        .order_by(Story.published_at.desc(), Story.id.desc())
    )
    for slug, published, revised in rows:
        yield absolute("site.story", slug=slug), _changed(published, revised)


def _per_group(group_column, join=None) -> dict[int, datetime]:
    """The newest story change per movement, field, locality or exemplar id."""
    changed = func.max(func.coalesce(Story.revised_at, Story.published_at))
    stmt = select(group_column, changed)
    if join is not None:
        stmt = stmt.select_from(join).join(Story, Story.id == join.c.story_id)
    rows = db.session.execute(stmt.where(is_published()).group_by(group_column))
    return {key: value for key, value in rows if key is not None}


@source
def exemplars() -> Iterator[Url]:
    newest = _per_group(story_exemplars.c.exemplar_id, story_exemplars)
    rows = db.session.execute(
        select(Exemplar.id, Exemplar.slug, Exemplar.updated_at)
        .where(has_published_story())
        .order_by(Exemplar.id)
    )
    for exemplar_id, slug, updated in rows:
        yield absolute("site.exemplar", slug=slug), _changed(updated, newest.get(exemplar_id))


@source
def movements() -> Iterator[Url]:
    newest = _per_group(story_movements.c.movement_id, story_movements)
    for movement_id, slug in db.session.execute(select(Movement.id, Movement.slug).order_by(Movement.id)):
        yield absolute("site.movement", slug=slug), newest.get(movement_id)


@source
def fields() -> Iterator[Url]:
    newest = _per_group(Story.field_id)
    for field_id, slug in db.session.execute(select(Field.id, Field.slug).order_by(Field.id)):
        yield absolute("site.field", slug=slug), newest.get(field_id)


@source
def localities() -> Iterator[Url]:
    """Every unit, merged-away ones too (their page stays, pointing to their successor)."""
    newest = _per_group(Story.locality_id)
    rows = db.session.execute(select(Locality.id, Locality.slug, Locality.parent_id, Locality.replaced_by_id))
    units = rows.all()
    inside: dict[int, list[int]] = {}
    for unit_id, _slug, parent_id, successor_id in units:
        for outer in (parent_id, successor_id):
            if outer is not None:
                inside.setdefault(outer, []).append(unit_id)
    for unit_id, slug, _parent, _successor in sorted(units):
        seen, todo = set(), [unit_id]
        while todo:  # a unit's page lists the stories of the units it holds or replaced
            current = todo.pop()
            if current not in seen:
                seen.add(current)
                todo.extend(inside.get(current, ()))
        yield absolute("site.locality", slug=slug), _changed(*(newest.get(i) for i in seen))


# --- documents -------------------------------------------------------------------------------


def w3c(value: datetime | date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return aware(value).isoformat(timespec="seconds")
    return value.isoformat()


def all_urls() -> tuple[tuple[str, str | None], ...]:
    """Every public address with its last change (W3C format), remembered until the data changes."""

    def collect() -> tuple[tuple[str, str | None], ...]:
        seen: set[str] = set()
        found = []
        for produce in SOURCES:
            for loc, changed in produce():
                if loc not in seen:
                    seen.add(loc)
                    found.append((loc, w3c(changed)))
        return tuple(found)

    return memo.remember(("outreach", "sitemap-urls"), collect)


def chunks() -> int:
    """How many child sitemaps the index has; 0 when one sitemap holds everything."""
    total = len(all_urls())
    return 0 if total <= SITEMAP_LIMIT else -(-total // SITEMAP_LIMIT)


def _document(root: ET.Element) -> bytes:
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def urlset(urls: Iterable[tuple[str, str | None]]) -> bytes:
    root = ET.Element("urlset", xmlns=NAMESPACE)
    for loc, changed in urls:
        url = ET.SubElement(root, "url")
        ET.SubElement(url, "loc").text = loc
        if changed:
            ET.SubElement(url, "lastmod").text = changed
    return _document(root)


def part(number: int) -> bytes:
    """Child sitemap `number` (from 1)."""
    start = (number - 1) * SITEMAP_LIMIT
    return urlset(all_urls()[start : start + SITEMAP_LIMIT])


def index(count: int) -> bytes:
    root = ET.Element("sitemapindex", xmlns=NAMESPACE)
    urls = all_urls()
    for number in range(1, count + 1):
        block = urls[(number - 1) * SITEMAP_LIMIT : number * SITEMAP_LIMIT]
        sitemap = ET.SubElement(root, "sitemap")
        ET.SubElement(sitemap, "loc").text = absolute("outreach.sitemap_part", number=number)
        newest = max((changed for _loc, changed in block if changed), default=None)
        if newest:  # ISO strings in one offset compare in time order
            ET.SubElement(sitemap, "lastmod").text = newest
    return _document(root)


def main() -> bytes:
    """/sitemap.xml: every address, or the index of the parts past SITEMAP_LIMIT."""
    count = chunks()
    return index(count) if count else urlset(all_urls())
