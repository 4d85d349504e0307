"""The search page: read the query string, ask showcase.search, keep only hits still public.

What a hit shows (title, meta line, snippet text) was prepared when it was indexed; the
database only confirms, by id, that each hit is still public (it has the last word).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import abort, current_app, request, url_for
from sqlalchemy import select

from showcase import search
from showcase.extensions import db
from showcase.models import Commendation, ExemplarKind, Field, Locality, Movement, Story
from showcase.search.highlight import mark, snippet
from showcase.search.schema import LABELS, form_key
from showcase.site import memo, params, queries
from showcase.visibility import is_published

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
    kind: str  # story | exemplar | locality
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
        "type": dict(LABELS),
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


def still_public(ids: list[str]) -> set[str]:
    """Which of these document ids are public right now (one id-only query per kind)."""
    by_kind: dict[str, list[int]] = {}
    for doc_id in ids:
        kind, _, num = doc_id.partition(":")
        if num.isdigit():
            by_kind.setdefault(kind, []).append(int(num))
    public: set[str] = set()
    if by_kind.get("story"):
        query = select(Story.id).where(Story.id.in_(by_kind["story"]), is_published())
        public |= {f"story:{i}" for i in db.session.scalars(query)}
    if by_kind.get("exemplar"):
        public |= {f"exemplar:{i}" for i in queries.public_exemplar_ids(by_kind["exemplar"])}
    if by_kind.get("locality"):
        query = select(Locality.id).where(Locality.id.in_(by_kind["locality"]))
        public |= {f"locality:{i}" for i in db.session.scalars(query)}
    return public


def hydrate(results: search.Results) -> list[Hit]:
    """The page's hits with marked titles and snippets, leaving out any no longer public."""
    public = still_public(results.ids)
    root = request.script_root
    hits = []
    for doc in results.documents:
        if doc["id"] not in public:
            continue
        marks = results.terms.within(doc["label"], doc["text"])
        hits.append(
            Hit(
                doc["type"],
                root + doc["url"],
                mark(doc["label"], marks),
                snippet(doc["text"], marks),
                doc["meta"],
            )
        )
    return hits


def per_page() -> int:
    return current_app.config["PER_PAGE"]
