"""Read-only queries for the public site: only published content ever leaves here."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Select, exists, func, select

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
from showcase.visibility import has_published_story, is_published


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


def related_stories(story: Story, limit: int = 3) -> list[Story]:
    """Other stories about the same exemplars or movements, newest first."""
    exemplar_ids = [e.id for e in story.exemplars]
    movement_ids = [m.id for m in story.movements]
    shares = exists(
        select(story_exemplars.c.story_id).where(
            story_exemplars.c.story_id == Story.id, story_exemplars.c.exemplar_id.in_(exemplar_ids)
        )
    ) | exists(
        select(story_movements.c.story_id).where(
            story_movements.c.story_id == Story.id, story_movements.c.movement_id.in_(movement_ids)
        )
    )
    return list(db.session.scalars(published_stories().where(Story.id != story.id, shares).limit(limit)))


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
