"""Pages of long lists at a cost that does not grow with the list or the page number.

A list's order (its ids, nothing else) is computed once per data generation and remembered
(showcase/site/memo.py); a page is then a slice of it and one query by primary key, so page
700 costs what page 1 costs, and the total needs no COUNT. ?trang=N keeps working as before.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Hashable, Iterator, Sequence
from typing import Any

from flask import abort
from sqlalchemy import Select

from showcase.extensions import db
from showcase.site import memo


class Page:
    """One page of a list: what the pagination macro reads (as Flask-SQLAlchemy's Pagination)."""

    def __init__(self, items: Sequence[Any], page: int, per_page: int, total: int) -> None:
        self.items, self.page, self.per_page, self.total = list(items), page, per_page, total

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int | None:
        return self.page - 1 if self.has_prev else None

    @property
    def next_num(self) -> int | None:
        return self.page + 1 if self.has_next else None

    def iter_pages(
        self, *, left_edge: int = 2, left_current: int = 2, right_current: int = 4, right_edge: int = 2
    ) -> Iterator[int | None]:
        """Page numbers to link, None where a run is left out (as Flask-SQLAlchemy does)."""
        last = 0
        for n in range(1, self.pages + 1):
            if (
                n <= left_edge
                or self.page - left_current <= n <= self.page + right_current
                or n > self.pages - right_edge
            ):
                if last and n - last > 1:
                    yield None
                yield n
                last = n


def ordered_ids(key: Hashable, query: Select) -> array:
    """The ids `query` selects, in its order, remembered for the current data."""
    return memo.remember(("ids", key), lambda: array("q", db.session.scalars(query)))


def in_order(rows: Sequence[Any], ids: Sequence[int]) -> list[Any]:
    """Rows fetched by id, put back in the order of `ids` (rows no longer there are left out)."""
    by_id = {row.id: row for row in rows}
    return [by_id[i] for i in ids if i in by_id]


def page_of(
    key: Hashable, query: Select, load: Callable[[list[int]], Sequence[Any]], page: int, per_page: int
) -> Page:
    """Page `page` of the list `query` orders (a SELECT of ids); `load` fetches rows by id.

    A page past the end is a 404 (the first page of an empty list is not)."""
    ids = ordered_ids(key, query)
    start = (page - 1) * per_page
    if page > 1 and start >= len(ids):
        abort(404)
    chunk = list(ids[start : start + per_page])
    return Page(in_order(load(chunk), chunk) if chunk else [], page, per_page, len(ids))
