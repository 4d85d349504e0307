"""Read-only queries for the public site: only published content ever leaves here."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import Integer, Select, cast, exists, extract, func, select, text

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
from showcase.visibility import has_published_story, is_published, is_retracted


def published_stories() -> Select:
    """Published stories, newest first."""
    return select(Story).where(is_published()).order_by(Story.published_at.desc(), Story.id.desc())


def story_by_slug(slug: str) -> Story | None:
    return db.session.scalar(select(Story).where(Story.slug == slug, is_published()))


def public_exemplars() -> Select:
    return select(Exemplar).where(has_published_story()).order_by(Exemplar.name)


def exemplar_by_slug(slug: str) -> Exemplar | None:
    return db.session.scalar(select(Exemplar).where(Exemplar.slug == slug, has_published_story()))


def public_exemplar_ids(ids: Iterable[int]) -> set[int]:
    """Return which of these exemplar ids have a public page."""
    ids = list(ids)
    if not ids:
        return set()
    return set(db.session.scalars(select(Exemplar.id).where(Exemplar.id.in_(ids), has_published_story())))


def stories_of_exemplar(exemplar: Exemplar) -> Select:
    return published_stories().where(Story.exemplars.contains(exemplar))


def stories_of_movement(movement: Movement) -> Select:
    return published_stories().where(Story.movements.contains(movement))


def stories_of_field(field: Field) -> Select:
    return published_stories().where(Story.field_id == field.id)


def stories_in(locality_ids: Iterable[int]) -> Select:
    return published_stories().where(Story.locality_id.in_(list(locality_ids)))


def locality_scope(locality: Locality) -> set[int]:
    """Ids of a unit, the units inside it and the units it replaced, transitively."""
    scope, todo = set(), [locality]
    while todo:
        unit = todo.pop()
        if unit.id in scope:
            continue
        scope.add(unit.id)
        todo.extend(unit.children)
        todo.extend(unit.replaced)
    return scope


def story_counts(column, join_table=None) -> dict[int, int]:
    """Count published stories per movement or field id."""
    if join_table is not None:
        query = select(column, func.count()).join(Story, Story.id == join_table.c.story_id)
    else:
        query = select(column, func.count())
    rows = db.session.execute(query.where(is_published()).group_by(column))
    return dict(rows.all())


def _count(query: Select) -> int:
    return db.session.scalar(select(func.count()).select_from(query.subquery())) or 0


def figures() -> dict[str, int]:
    """The headline numbers for the home page."""
    return {
        "stories": _count(select(Story.id).where(is_published())),
        "exemplars": _count(select(Exemplar.id).where(has_published_story())),
        "commendations": _count(select(Commendation.id).where(Commendation.revoked_decision_no.is_(None))),
        "movements": _count(select(Movement.id)),
    }


# --- a retracted story's notice, a story's facts, related stories ------------------------


def retracted_story(slug: str) -> Story | None:
    """The retracted story with this slug (its notice is the one public trace of it)."""
    return db.session.scalar(select(Story).where(Story.slug == slug, is_retracted()))


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


def related_stories(story: Story, limit: int = 3, options: Sequence[Any] = ()) -> list[Story]:
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

    newest = (Story.published_at.desc(), Story.id.desc())
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
    if not picked:
        return []
    loaded = db.session.scalars(select(Story).where(Story.id.in_(picked), is_published()).options(*options))
    by_id = {s.id: s for s in loaded}
    return [by_id[i] for i in picked if i in by_id]


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
