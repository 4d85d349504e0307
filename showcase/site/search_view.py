"""The search page: read the query string, ask showcase.search, hydrate hits from the database."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import abort, current_app, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from showcase import search
from showcase.dates import format_date
from showcase.extensions import db
from showcase.models import Commendation, Exemplar, ExemplarKind, Field, Locality, Movement, Story
from showcase.search.highlight import mark, snippet
from showcase.search.schema import form_key, plain_text
from showcase.site import memo, params, queries

# query-string name -> index facet, and the heading the page shows
FACETS = [
    ("kieu", "type", "Loại nội dung"),
    ("phong-trao", "movement", "Phong trào"),
    ("linh-vuc", "field", "Lĩnh vực"),
    ("dia-phuong", "locality", "Địa phương"),
    ("nam", "year", "Năm đăng"),
    ("loai", "kind", "Cá nhân / tập thể"),
    ("hinh-thuc", "form", "Hình thức khen thưởng"),
]
SORTS = {"lien-quan": "relevance", "moi-nhat": "date"}
MAX_PAGE = 100


@dataclass
class Hit:
    kind: str  # story | exemplar
    url: str
    title: object
    snippet: object
    meta: str


def read_request() -> tuple[str, dict[str, str], str, int]:
    """The query, facet filters, sort and page from the query string (bad values are 400)."""
    text = request.args.get("q", "")
    filters = {}
    for param, name, _ in FACETS:
        value = request.args.get(param, "").strip()
        if value:
            filters[name] = value[:120]
    sort = request.args.get("sap-xep", "lien-quan")
    if sort not in SORTS:
        abort(400, description="Cách sắp xếp không hợp lệ: chọn “liên quan” hoặc “mới nhất”.")
    return text, filters, SORTS[sort], params.page_number(limit=MAX_PAGE)


def facet_labels() -> dict[str, dict[str, str]]:
    """Readable names for every facet value (computed once per change of the data)."""
    return memo.remember(("facet-labels",), _facet_labels)


def _facet_labels() -> dict[str, dict[str, str]]:
    forms = db.session.scalars(select(Commendation.form).distinct()).all()
    return {
        "type": {"story": "Bài viết", "exemplar": "Điển hình"},
        "movement": dict(db.session.execute(select(Movement.slug, Movement.name)).all()),
        "field": dict(db.session.execute(select(Field.slug, Field.name)).all()),
        "locality": {loc.slug: loc.full_name for loc in db.session.scalars(select(Locality))},
        "kind": {k.value: k.label for k in ExemplarKind},
        "form": {form_key(f): f for f in forms},
    }


def facet_groups(results: search.Results, filters: dict[str, str]) -> list[dict]:
    """Facet lists with counts and links that add or remove one filter."""
    labels = facet_labels()
    args: dict[str, Any] = request.args.to_dict()
    args.pop("trang", None)
    groups = []
    for param, name, heading in FACETS:
        counts = results.facets.get(name, {})
        items: list[dict[str, Any]] = []
        for value, count in counts.items():
            selected = filters.get(name) == value
            link = dict(args)
            if selected:
                link.pop(param, None)
            else:
                link[param] = value
            label = labels.get(name, {}).get(value, value)
            items.append(
                {"label": label, "count": count, "url": url_for("site.search", **link), "selected": selected}
            )
        if name == "year":
            items.sort(key=lambda i: i["label"], reverse=True)
        else:
            items.sort(key=lambda i: (-i["count"], i["label"]))
        if items:
            groups.append({"heading": heading, "param": param, "items": items})
    return groups


def hydrate(results: search.Results) -> list[Hit]:
    """Load the page's hits from the database (only what is public right now), with snippets."""
    story_ids = [int(i.split(":")[1]) for i in results.ids if i.startswith("story:")]
    exemplar_ids = [int(i.split(":")[1]) for i in results.ids if i.startswith("exemplar:")]
    stories, exemplars = {}, {}
    if story_ids:
        query = queries.published_stories().where(Story.id.in_(story_ids))
        stories = {s.id: s for s in db.session.scalars(query.options(selectinload(Story.locality)))}
    if exemplar_ids:
        query = queries.public_exemplars().where(Exemplar.id.in_(exemplar_ids))
        exemplars = {e.id: e for e in db.session.scalars(query.options(selectinload(Exemplar.locality)))}
    hits = []
    for doc_id in results.ids:
        kind, _, num = doc_id.partition(":")
        if kind == "story" and int(num) in stories:
            s = stories[int(num)]
            url, title = url_for("site.story", slug=s.slug), s.title
            text = f"{s.summary} {plain_text(s.body_html)}"
            meta = f"Bài viết · {format_date(s.published_at)} · {s.locality.full_name}"
        elif kind == "exemplar" and int(num) in exemplars:
            e = exemplars[int(num)]
            url, title = url_for("site.exemplar", slug=e.slug), e.name
            text = " ".join(x for x in (e.role, e.organisation, plain_text(e.bio_html)) if x)
            meta = f"Điển hình · {e.kind.label} · {e.locality.full_name}"
        else:  # no longer public: the database has the last word
            continue
        hits.append(Hit(kind, url, mark(title, results.terms), snippet(text, results.terms), meta))
    return hits


def per_page() -> int:
    return current_app.config["PER_PAGE"]


@dataclass
class PageInfo:
    """What the pagination macro needs, for a list that is not a SQL query."""

    page: int
    pages: int
    total: int

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1

    def iter_pages(self, left_edge=1, right_edge=1, left_current=2, right_current=2):
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
