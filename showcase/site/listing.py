"""Story lists narrowed by year, movement, field and locality, through plain links.

Every choice is a link (no form, no script): a link adds one filter or takes it away, the
list shows what is active and how to clear it. A value no link would make is a Vietnamese
400, like the register's filters.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from flask import request, url_for
from sqlalchemy import Select, select
from werkzeug.datastructures import MultiDict

from showcase.extensions import db
from showcase.models import Field, Locality, Movement, Story
from showcase.site import queries
from showcase.site.params import ascii_number
from showcase.site.register import BadFilter

# query-string name -> what it filters, in the order the page offers them
PARAMS = {"nam": "year", "phong-trao": "movement", "linh-vuc": "field", "dia-phuong": "locality"}
HEADINGS = {"year": "Năm", "movement": "Phong trào", "field": "Lĩnh vực", "locality": "Địa phương"}


@dataclass
class StoryFilters:
    year: int | None = None
    movement: Movement | None = None
    field: Field | None = None
    locality: Locality | None = None
    fixed: str | None = None  # the dimension a section page is about (not offered as a filter)
    places: set[int] = dataclasses.field(
        default_factory=set
    )  # the locality with the units it holds or replaced

    def value(self, name: str) -> Any:
        return getattr(self, name)

    def as_args(self) -> dict[str, str]:
        """The active filters as query-string arguments (for links and pagination)."""
        args = {}
        for param, name in PARAMS.items():
            value = self.value(name)
            if value is not None:
                args[param] = str(value) if name == "year" else value.slug
        return args

    def narrow(self, stmt: Select, skip: str | None = None) -> Select:
        """The list with every active filter applied (but `skip`'s)."""
        if self.year is not None and skip != "year":
            stmt = stmt.where(queries.in_year(self.year))
        if self.movement is not None and skip != "movement":
            stmt = stmt.where(queries.in_movement(self.movement.id))
        if self.field is not None and skip != "field":
            stmt = stmt.where(Story.field_id == self.field.id)
        if self.locality is not None and skip != "locality":
            stmt = stmt.where(Story.locality_id.in_(self.places))
        return stmt


def _by_slug(model: Any, slug: str, what: str) -> Any:
    record = db.session.scalar(select(model).filter_by(slug=slug))
    if record is None:
        raise BadFilter(f"Không có {what} “{slug[:60]}”.")
    return record


def parse(args: MultiDict, fixed: str | None = None) -> StoryFilters:
    """Read the filters from the query string; raise BadFilter on a value that cannot be right."""
    filters = StoryFilters(fixed=fixed)
    if (raw := args.get("nam", "").strip()) and fixed != "year":
        year = ascii_number(raw, 4)
        if year is None or not 1900 <= year <= 2100:
            raise BadFilter(f"Năm “{raw[:20]}” không hợp lệ: hãy chọn một năm trong danh sách.")
        filters.year = year
    if (slug := args.get("phong-trao", "").strip()) and fixed != "movement":
        filters.movement = _by_slug(Movement, slug, "phong trào")
    if (slug := args.get("linh-vuc", "").strip()) and fixed != "field":
        filters.field = _by_slug(Field, slug, "lĩnh vực")
    if (slug := args.get("dia-phuong", "").strip()) and fixed != "locality":
        filters.locality = _by_slug(Locality, slug, "địa phương")
        filters.places = queries.locality_scope(filters.locality)
    return filters


@dataclass
class Choice:
    label: str
    count: int
    url: str
    selected: bool


@dataclass
class Group:
    name: str
    heading: str
    choices: list[Choice] = dataclasses.field(default_factory=list)
    selected: Choice | None = None


def _url(args: dict[str, str]) -> str:
    """This page (same endpoint and slug) with these filters; a filter change starts at page 1."""
    values: dict[str, Any] = {**(request.view_args or {}), **args}
    return url_for(request.endpoint or "site.stories", **values)


def _options(name: str, counts: dict[int, int]) -> list[tuple[Any, str, str]]:
    """(key, label, query value) of each choice that has stories, in reading order."""
    if name == "year":
        return [(y, str(y), str(y)) for y in sorted(counts, reverse=True)]
    model: Any = {"movement": Movement, "field": Field, "locality": Locality}[name]
    records = db.session.scalars(select(model).where(model.id.in_(list(counts)))).all()
    if name == "locality":
        labelled = [(r.id, r.full_name + ("" if r.is_current else " (cũ)"), r.slug) for r in records]
    else:
        labelled = [(r.id, r.name, r.slug) for r in records]
    return sorted(labelled, key=lambda option: option[1])


COUNTS = {
    "year": queries.year_counts,
    "movement": queries.movement_counts,
    "field": queries.field_counts,
    "locality": queries.locality_counts,
}


def groups(base: Select, filters: StoryFilters) -> list[Group]:
    """The choices of each filter, counted over the list narrowed by the other filters; a choice
    that would not narrow the list (every story has it) is left out, unless it is active."""
    active = filters.as_args()
    out = []
    for param, name in PARAMS.items():
        if name == filters.fixed:
            continue
        narrowed = filters.narrow(base, skip=name)
        counts = COUNTS[name](narrowed)
        # a story has one year and one field, but any number of movements and places
        total = sum(counts.values()) if name in ("year", "field") else queries.count(narrowed)
        current = filters.value(name)
        current_key = current if name == "year" else getattr(current, "id", None)
        group = Group(name, HEADINGS[name])
        for key, label, value in _options(name, counts):
            selected = key == current_key
            if counts[key] >= total and not selected:
                continue
            args = dict(active)
            if selected:
                args.pop(param)
            else:
                args[param] = value
            choice = Choice(label, counts[key], _url(args), selected)
            group.choices.append(choice)
            if selected:
                group.selected = choice
        if group.choices:
            out.append(group)
    return out


def clear_url() -> str:
    """This page with no filter."""
    return _url({})
