"""What the press room (/bao-chi) lists: published stories filtered by movement and year (plain
links), the filter's choices with counts, and, for logged-in press, stories under embargo."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, request
from sqlalchemy import Select, select
from sqlalchemy.orm import defer, selectinload

from showcase.extensions import db
from showcase.models import Exemplar, Movement, Story, StoryStatus, story_movements, utcnow
from showcase.site import memo, paging, params, queries
from showcase.visibility import is_published

# Everything a row shows (cover, movements, the photos the pack's size counts), in a few queries.
ROW_OPTIONS = (
    defer(Story.body_md),  # a list never loads bodies
    defer(Story.body_html),
    defer(Story.broadcast_summary),
    selectinload(Story.cover),
    selectinload(Story.movements),
    selectinload(Story.locality),
    selectinload(Story.exemplars).selectinload(Exemplar.portrait),
)


@dataclass
class Filter:
    """The press room's filter, read from ?phong-trao=<slug>&nam=<year>."""

    movement: Movement | None = None
    year: int | None = None

    def args(self, **change: object) -> dict[str, object]:
        """The query string of this filter with some values changed (None drops one)."""
        values: dict[str, object] = {
            "phong-trao": self.movement.slug if self.movement else None,
            "nam": self.year,
        }
        values.update({k.replace("_", "-"): v for k, v in change.items()})
        return {k: v for k, v in values.items() if v is not None}


def read_filter() -> Filter:
    """Parse the filter: a year that is no number is a 400, an unknown movement a 404."""
    chosen = Filter()
    slug = request.args.get("phong-trao", "").strip()
    if slug:
        chosen.movement = db.session.scalar(select(Movement).where(Movement.slug == slug[:120])) or abort(
            404, description="Không có phong trào thi đua này."
        )
    raw = request.args.get("nam", "").strip()
    if raw:
        year = params.ascii_number(raw, 4)
        if year is None or year < 1900:
            abort(400, description=f"Năm “{raw[:20]}” không hợp lệ: hãy ghi bốn chữ số, ví dụ 2024.")
        chosen.year = year
    return chosen


def stories(chosen: Filter) -> Select:
    """Published stories matching the filter, newest first."""
    query = queries.published_stories()
    if chosen.movement is not None:
        query = query.where(Story.movements.contains(chosen.movement))
    if chosen.year is not None:
        query = query.where(queries.in_year(chosen.year))
    return query


def _rows(ids: list[int]) -> list[Story]:
    return list(
        db.session.scalars(select(Story).where(Story.id.in_(ids), is_published()).options(*ROW_OPTIONS))
    )


def page(chosen: Filter, number: int, per_page: int) -> paging.Page:
    """Page `number` of the stories matching the filter, each with what its row shows."""
    key = ("press", chosen.movement.id if chosen.movement else None, chosen.year)
    return paging.page_of(key, stories(chosen).with_only_columns(Story.id), _rows, number, per_page)


def movement_choices() -> list[tuple[Movement, int]]:
    """Movements that have published stories, with their counts, newest movement first."""
    counts = queries.story_counts(story_movements.c.movement_id, story_movements)
    movements = db.session.scalars(select(Movement).order_by(Movement.start_year.desc(), Movement.name))
    return [(m, counts[m.id]) for m in movements if counts.get(m.id)]


def year_choices() -> list[tuple[int, int]]:
    """Years (Vietnam time) that have published stories, with their counts, newest first."""
    return list(memo.remember(("press-years",), _year_counts))


def _year_counts() -> tuple[tuple[int, int], ...]:
    counts = queries.year_counts(queries.published_stories())
    return tuple(sorted(counts.items(), reverse=True))


def embargoed() -> list[Story]:
    """Stories scheduled for later, soonest first: the press may prepare them (logged in only)."""
    return list(
        db.session.scalars(
            select(Story)
            .where(Story.status == StoryStatus.IN_REVIEW, Story.publish_at > utcnow())
            .options(selectinload(Story.movements))
            .order_by(Story.publish_at)
        )
    )
