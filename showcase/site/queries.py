"""Read-only queries for the public site: only published content ever leaves here.

Every query here is bounded: lists are paged from a remembered order (paging.py), cards load
what they show in one query and never a story's body, and the counts and choices that do not
change between two edits are computed once per change (memo.py). Each one is served by an
index (models.py; tests/test_query_cost.py asks the planner).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import Integer, Select, cast, exists, extract, func, select, text
from sqlalchemy.orm import defer, joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from showcase.dates import VIETNAM, from_local
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
from showcase.search import similar
from showcase.site import memo, paging
from showcase.visibility import has_published_story, is_hidden, is_published, is_retracted

NEWEST_FIRST = (Story.published_at.desc(), Story.id.desc())

# what a story card shows: its cover, place and field in the same query, never the body
CARD_OPTIONS = (
    defer(Story.body_md),
    defer(Story.body_html),
    defer(Story.broadcast_summary),
    defer(Story.review_comment),
    joinedload(Story.cover),
    joinedload(Story.locality),
    joinedload(Story.field),
)
# what an exemplar's line in a list shows
EXEMPLAR_CARD_OPTIONS = (
    defer(Exemplar.bio_md),
    defer(Exemplar.bio_html),
    joinedload(Exemplar.portrait),
    joinedload(Exemplar.locality),
)


def published_stories() -> Select:
    """Published stories, newest first."""
    return select(Story).where(is_published()).order_by(*NEWEST_FIRST)


def story_by_slug(slug: str) -> Story | None:
    """A published story with everything its page shows, in a fixed number of queries."""
    return db.session.scalar(
        select(Story)
        .where(Story.slug == slug, is_published())
        .options(
            joinedload(Story.cover),
            joinedload(Story.field),
            joinedload(Story.locality).joinedload(Locality.replaced_by),
            selectinload(Story.exemplars),
            selectinload(Story.movements),
            selectinload(Story.coverage),
        )
    )


def public_exemplars() -> Select:
    return select(Exemplar).where(has_published_story()).order_by(Exemplar.name, Exemplar.id)


def exemplar_by_slug(slug: str) -> Exemplar | None:
    """A public exemplar with its portrait, place and commendations."""
    return db.session.scalar(
        select(Exemplar)
        .where(Exemplar.slug == slug, has_published_story())
        .options(
            joinedload(Exemplar.portrait),
            joinedload(Exemplar.locality),
            selectinload(Exemplar.commendations),
        )
    )


def public_exemplar_ids(ids: Iterable[int]) -> set[int]:
    """Return which of these exemplar ids have a public page."""
    ids = list(ids)
    if not ids:
        return set()
    return set(db.session.scalars(select(Exemplar.id).where(Exemplar.id.in_(ids), has_published_story())))


def stories_of_exemplar(exemplar: Exemplar) -> Select:
    return published_stories().where(_in_story_exemplars(exemplar.id))


def stories_of_movement(movement: Movement) -> Select:
    return published_stories().where(_in_story_movements(movement.id))


def stories_of_field(field: Field) -> Select:
    return published_stories().where(Story.field_id == field.id)


def stories_in(locality_ids: Iterable[int]) -> Select:
    return published_stories().where(Story.locality_id.in_(sorted(locality_ids)))


def _in_story_exemplars(exemplar_id: int):
    return Story.id.in_(
        select(story_exemplars.c.story_id).where(story_exemplars.c.exemplar_id == exemplar_id)
    )


def _in_story_movements(movement_id: int):
    return Story.id.in_(
        select(story_movements.c.story_id).where(story_movements.c.movement_id == movement_id)
    )


# --- cards by id, pages ---------------------------------------------------------------------


def story_cards(ids: Sequence[int]) -> list[Story]:
    """Published stories by id, in that order, loaded for a card."""
    if not ids:
        return []
    rows = db.session.scalars(select(Story).where(Story.id.in_(ids), is_published()).options(*CARD_OPTIONS))
    return paging.in_order(rows.unique().all(), ids)


def exemplar_cards(ids: Sequence[int]) -> list[Exemplar]:
    """Exemplars by id, in that order, loaded for a list line."""
    if not ids:
        return []
    rows = db.session.scalars(select(Exemplar).where(Exemplar.id.in_(ids)).options(*EXEMPLAR_CARD_OPTIONS))
    return paging.in_order(rows.unique().all(), ids)


def story_page(key: Hashable, stories: Select, page: int, per_page: int) -> paging.Page:
    """A page of one of the story lists above (`key` names the list)."""
    ids = stories.with_only_columns(Story.id)
    return paging.page_of(("stories", key), ids, story_cards, page, per_page)


def exemplar_page(page: int, per_page: int) -> paging.Page:
    """A page of the public exemplars, by name."""
    ids = public_exemplars().with_only_columns(Exemplar.id)
    return paging.page_of(("exemplars",), ids, exemplar_cards, page, per_page)


# --- localities ---------------------------------------------------------------------------


def _locality_graph() -> dict[int, tuple[int, ...]]:
    """Each unit's id → the ids of the units inside it and of the units it replaced."""
    graph: dict[int, list[int]] = {}
    for unit_id, parent_id, replaced_by_id in db.session.execute(
        select(Locality.id, Locality.parent_id, Locality.replaced_by_id)
    ):
        graph.setdefault(unit_id, [])
        for owner in (parent_id, replaced_by_id):
            if owner is not None:
                graph.setdefault(owner, []).append(unit_id)
    return {unit: tuple(below) for unit, below in graph.items()}


def locality_scope(locality: Locality) -> set[int]:
    """Ids of a unit, the units inside it and the units it replaced, transitively."""
    graph = memo.remember(("locality-graph",), _locality_graph)
    scope, todo = set(), [locality.id]
    while todo:
        unit = todo.pop()
        if unit in scope:
            continue
        scope.add(unit)
        todo.extend(graph.get(unit, ()))
    return scope


def locality_by_slug(slug: str) -> Locality | None:
    """A unit with what its page shows: its parent, successor, predecessors and the units inside."""
    return db.session.scalar(
        select(Locality)
        .where(Locality.slug == slug)
        .options(
            joinedload(Locality.parent),
            joinedload(Locality.replaced_by),
            selectinload(Locality.replaced),
            selectinload(Locality.children).joinedload(Locality.replaced_by),
        )
    )


def locality_tree() -> list[Locality]:
    """Every unit in one query, as a tree: the top-level units, each with its children filled in."""
    units = db.session.scalars(select(Locality).order_by(Locality.name, Locality.id)).all()
    children: dict[int, list[Locality]] = {u.id: [] for u in units}
    for unit in units:
        if unit.parent_id is not None and unit.parent_id in children:
            children[unit.parent_id].append(unit)
    for unit in units:  # replaced_by is found among the loaded units without a query
        set_committed_value(unit, "children", children[unit.id])
    return [u for u in units if u.parent_id is None]


# --- related stories, home, press room ----------------------------------------------------


def _related_ids(story: Story, limit: int) -> tuple[int, ...]:
    """Other published stories: about the same exemplars (most shared first), then on the same
    subject (rare words their titles share), then in the same movements, then from the same
    place as it is today; newest first within each."""
    picked: list[int] = []

    def take(ids: Iterable[int]) -> None:
        for story_id in ids:
            if len(picked) < limit and story_id != story.id and story_id not in picked:
                picked.append(story_id)

    def others() -> Select:
        return select(Story.id).where(is_published(), Story.id.not_in([story.id, *picked]))

    newest = NEWEST_FIRST
    exemplar_ids = [e.id for e in story.exemplars]
    if exemplar_ids:
        take(
            db.session.scalars(
                others()
                .join(story_exemplars, story_exemplars.c.story_id == Story.id)
                .where(story_exemplars.c.exemplar_id.in_(exemplar_ids))
                .group_by(Story.id, Story.published_at)
                .order_by(func.count().desc(), *newest)
                .limit(limit)
            )
        )
    if len(picked) < limit:
        take(similar.story_ids(story.id, story.title, limit))
    movement_ids = [m.id for m in story.movements]
    if len(picked) < limit and movement_ids:
        in_movement = exists(
            select(story_movements.c.story_id).where(
                story_movements.c.story_id == Story.id, story_movements.c.movement_id.in_(movement_ids)
            )
        )
        take(db.session.scalars(others().where(in_movement).order_by(*newest).limit(limit)))
    if len(picked) < limit:
        place = locality_scope(current_unit(story.locality))
        take(db.session.scalars(others().where(Story.locality_id.in_(place)).order_by(*newest).limit(limit)))
    return tuple(picked)


def related_stories(story: Story, limit: int = 3) -> list[Story]:
    """Other published stories, most related first (see _related_ids), loaded for cards."""
    key = ("related", story.id, limit)
    return story_cards(memo.remember(key, lambda: _related_ids(story, limit)))


def home_stories(featured: int = 3, latest: int = 6) -> tuple[list[Story], list[Story]]:
    """The home page's featured stories and the latest others, loaded for cards in one query."""

    def ids() -> tuple[tuple[int, ...], tuple[int, ...]]:
        top = tuple(
            db.session.scalars(
                select(Story.id).where(is_published(), Story.featured).order_by(*NEWEST_FIRST).limit(featured)
            )
        )
        rest = select(Story.id).where(is_published(), Story.id.not_in(top)).order_by(*NEWEST_FIRST)
        return top, tuple(db.session.scalars(rest.limit(latest)))

    top, rest = memo.remember(("home", featured, latest), ids)
    cards = {s.id: s for s in story_cards(top + rest)}
    return [cards[i] for i in top if i in cards], [cards[i] for i in rest if i in cards]


def latest_stories(limit: int) -> list[Story]:
    """The newest published stories, loaded for cards."""
    ids = memo.remember(
        ("latest", limit),
        lambda: tuple(
            db.session.scalars(select(Story.id).where(is_published()).order_by(*NEWEST_FIRST).limit(limit))
        ),
    )
    return story_cards(ids)


def _top_per_movement(limit: int) -> tuple[tuple[int, tuple[int, ...]], ...]:
    rank = (
        func.row_number()
        .over(partition_by=story_movements.c.movement_id, order_by=NEWEST_FIRST)
        .label("rank")
    )
    ranked = (
        select(story_movements.c.movement_id, Story.id.label("story_id"), rank)
        .join(Story, Story.id == story_movements.c.story_id)
        .where(is_published())
        .subquery()
    )
    rows = db.session.execute(
        select(ranked.c.movement_id, ranked.c.story_id)
        .where(ranked.c.rank <= limit)
        .order_by(ranked.c.movement_id, ranked.c.rank)
    )
    grouped: dict[int, list[int]] = {}
    for movement_id, story_id in rows:
        grouped.setdefault(movement_id, []).append(story_id)
    return tuple((m, tuple(ids)) for m, ids in grouped.items())


def stories_by_movement(movements: Sequence[Movement], limit: int = 3) -> list[tuple[Movement, list[Story]]]:
    """The newest stories of each movement (movements without one left out), in two queries."""
    top = dict(memo.remember(("by-movement", limit), lambda: _top_per_movement(limit)))
    cards = {s.id: s for s in story_cards([i for ids in top.values() for i in ids])}
    grouped = []
    for movement in movements:
        items = [cards[i] for i in top.get(movement.id, ()) if i in cards]
        if items:
            grouped.append((movement, items))
    return grouped


# --- counts and figures (once per change) ------------------------------------------------


def _story_counts(column, join_table=None) -> dict[int, int]:
    if join_table is not None:
        query = select(column, func.count()).join(Story, Story.id == join_table.c.story_id)
    else:
        query = select(column, func.count())
    rows = db.session.execute(query.where(is_published()).group_by(column))
    return dict(rows.all())


def story_counts(column, join_table=None) -> dict[int, int]:
    """Count published stories per movement or field id."""
    return memo.remember(("counts", str(column)), lambda: _story_counts(column, join_table))


def _count(query: Select) -> int:
    return db.session.scalar(select(func.count()).select_from(query.subquery())) or 0


def _figures() -> dict[str, int]:
    return {
        "stories": _count(select(Story.id).where(is_published())),
        "exemplars": _count(select(Exemplar.id).where(has_published_story())),
        "commendations": _count(select(Commendation.id).where(Commendation.revoked_decision_no.is_(None))),
        "movements": _count(select(Movement.id)),
    }


def figures() -> dict[str, int]:
    """The headline numbers for the home page."""
    return dict(memo.remember(("figures",), _figures))


# --- a retracted story's notice, a story's facts, related stories ------------------------


def retracted_story(slug: str) -> Story | None:
    """The retracted story with this slug (its notice is the one public trace of it)."""
    return db.session.scalar(select(Story).where(Story.slug == slug, is_retracted()))


def hidden_story_exists(slug: str) -> bool:
    """Whether a once-public story with this slug was removed at the person's request (its URL
    then answers 410 with a notice that says nothing else about it)."""
    return db.session.scalar(select(Story.id).where(Story.slug == slug, is_hidden())) is not None


def commendations_of(exemplar_ids: Iterable[int]) -> dict[int, list[Commendation]]:
    """Each exemplar's commendations, newest decision first, in one query."""
    found: dict[int, list[Commendation]] = {}
    ids = list(exemplar_ids)
    if not ids:
        return found
    rows = db.session.scalars(
        select(Commendation)
        .where(Commendation.exemplar_id.in_(ids))
        .order_by(Commendation.decision_date.desc(), Commendation.id)
    )
    for row in rows:
        found.setdefault(row.exemplar_id, []).append(row)
    return found


def current_unit(locality: Locality) -> Locality:
    """Follow `replaced_by` to the unit that exists today."""
    seen: set[int] = set()
    while locality.replaced_by is not None and locality.id not in seen:
        seen.add(locality.id)
        locality = locality.replaced_by
    return locality


# --- story lists narrowed by year, movement, field and locality ---------------------------

UTC_OFFSET_HOURS = int(VIETNAM.utcoffset(None).total_seconds() // 3600)


def local_year(column: Any) -> Any:
    """The Vietnam-time year of a stored (naive UTC) time, in SQL."""
    if db.session.get_bind().dialect.name == "postgresql":
        return cast(extract("year", column + text(f"interval '{UTC_OFFSET_HOURS} hours'")), Integer)
    return cast(func.strftime("%Y", column, f"+{UTC_OFFSET_HOURS} hours"), Integer)


def in_year(year: int) -> Any:
    """Published in this year (Vietnam time), as a range the published_at index can use."""
    return (Story.published_at >= from_local(date(year, 1, 1))) & (
        Story.published_at < from_local(date(year + 1, 1, 1))
    )


def in_movement(movement_id: int) -> Any:
    return exists(
        select(story_movements.c.story_id).where(
            story_movements.c.story_id == Story.id, story_movements.c.movement_id == movement_id
        )
    )


def count(stmt: Select) -> int:
    """How many rows a query has."""
    return _count(stmt.order_by(None))


def _ids(stmt: Select) -> Select:
    return stmt.with_only_columns(Story.id).order_by(None)


def year_counts(stmt: Select) -> dict[int, int]:
    """Stories of this list per year (Vietnam time)."""
    year = local_year(Story.published_at)
    rows = db.session.execute(select(year, func.count()).where(Story.id.in_(_ids(stmt))).group_by(year)).all()
    return {int(y): n for y, n in rows if y is not None}


def movement_counts(stmt: Select) -> dict[int, int]:
    """Stories of this list per movement id."""
    column = story_movements.c.movement_id
    rows = db.session.execute(
        select(column, func.count()).where(story_movements.c.story_id.in_(_ids(stmt))).group_by(column)
    )
    return {key: n for key, n in rows}


def field_counts(stmt: Select) -> dict[int, int]:
    """Stories of this list per field id."""
    rows = db.session.execute(
        select(Story.field_id, func.count()).where(Story.id.in_(_ids(stmt))).group_by(Story.field_id)
    )
    return {key: n for key, n in rows}


def locality_counts(stmt: Select) -> dict[int, int]:
    """Stories of this list per locality id, each unit counting the units it holds or replaced."""
    rows = db.session.execute(
        select(Story.locality_id, func.count()).where(Story.id.in_(_ids(stmt))).group_by(Story.locality_id)
    )
    direct = {unit_id: n for unit_id, n in rows}
    if not direct:
        return {}
    inside: dict[int, list[int]] = {}  # unit -> the units it holds or replaced
    for unit_id, parent_id, successor_id in db.session.execute(
        select(Locality.id, Locality.parent_id, Locality.replaced_by_id)
    ):
        for outer in (parent_id, successor_id):
            if outer is not None:
                inside.setdefault(outer, []).append(unit_id)
    counts = {}
    for unit_id in {*inside, *direct}:
        seen, todo = set(), [unit_id]
        while todo:
            current = todo.pop()
            if current not in seen:
                seen.add(current)
                todo.extend(inside.get(current, ()))
        total = sum(direct.get(i, 0) for i in seen)
        if total:
            counts[unit_id] = total
    return counts
