"""The API's endpoints: parse (http.operation), ask the site's queries, return plain dicts.

Everything public goes through the site's own read paths: stories through
queries.published_stories and listing.StoryFilters (visibility.is_published), exemplars through
has_published_story, commendations through the register's filters, search through the same
engine and the same "still public" check as /tim-kiem.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import abort, current_app, render_template, request
from markupsafe import Markup
from sqlalchemy import Select, exists, select
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import MultiDict

from showcase import search as search_engine
from showcase.api import errors, schemas, serialize
from showcase.api.http import envelope, operation
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
from showcase.search.highlight import snippet
from showcase.site import listing, memo, paging, queries, register, search_view
from showcase.visibility import is_published

NOT_FOUND = (400, 404, 429)


def _bad_filter(exc: Exception) -> None:
    abort(400, description=str(exc))


def _per_page(params: dict) -> int:
    return params.get("per_page", schemas.DEFAULT_PER_PAGE)


# --- stories --------------------------------------------------------------------------------


def _story_rows(ids: Sequence[int]) -> list[Story]:
    """Published stories by id, in that order, with what a list item shows (never the body)."""
    if not ids:
        return []
    rows = db.session.scalars(
        select(Story)
        .where(Story.id.in_(ids), is_published())
        .options(*queries.CARD_OPTIONS, selectinload(Story.movements), selectinload(Story.exemplars))
    )
    return paging.in_order(rows.unique().all(), ids)


def _with_exemplar(condition: Any) -> Any:
    """Stories about at least one exemplar matching `condition`."""
    return exists(
        select(story_exemplars.c.story_id)
        .join(Exemplar, Exemplar.id == story_exemplars.c.exemplar_id)
        .where(story_exemplars.c.story_id == Story.id, condition)
    )


def _story_list(params: dict) -> tuple[tuple, Select]:
    """The list the parameters ask for, and a key naming it (its order is remembered)."""
    site_args = MultiDict(
        {
            vietnamese: str(params[name])
            for name, vietnamese in (
                ("year", "nam"),
                ("movement", "phong-trao"),
                ("field", "linh-vuc"),
                ("locality", "dia-phuong"),
            )
            if name in params
        }
    )
    try:
        filters = listing.parse(site_args)
    except register.BadFilter as exc:
        _bad_filter(exc)
    stmt = filters.narrow(queries.published_stories())
    key: list[Any] = ["api", tuple(sorted(filters.as_args().items()))]
    if slug := params.get("exemplar", "").strip():
        exemplar = db.session.scalar(select(Exemplar).filter_by(slug=slug))
        if exemplar is None:
            abort(400, description=f"Không có điển hình “{slug[:60]}”.")
        stmt = stmt.where(_with_exemplar(Exemplar.id == exemplar.id))
        key.append(("exemplar", exemplar.id))
    if kind := params.get("kind"):
        stmt = stmt.where(_with_exemplar(Exemplar.kind == kind))
        key.append(("kind", kind))
    if form := params.get("form", "").strip():
        form = register.parse_filters(MultiDict({"hinh-thuc": form})).form  # NFC, as the register reads it
        awarded = exists(
            select(Commendation.id).where(
                Commendation.exemplar_id == story_exemplars.c.exemplar_id, Commendation.form == form
            )
        )
        stmt = stmt.where(
            exists(select(story_exemplars.c.story_id).where(story_exemplars.c.story_id == Story.id, awarded))
        )
        key.append(("form", form))
    return tuple(key), stmt


@operation(
    "/stories",
    summary="Danh sách bài viết",
    description=(
        "Các bài viết đã đăng, mới nhất trước. Lọc theo phong trào, lĩnh vực, địa phương (gồm cả các "
        "đơn vị cũ mà địa phương đã thay thế, như trang địa phương của website), năm đăng, điển hình "
        "là cá nhân hay tập thể, hình thức khen thưởng của điển hình, hoặc một điển hình."
    ),
    tag="Bài viết",
    query=schemas.StoryQuery,
    response=schemas.StoryList,
    errors=NOT_FOUND,
    example="?movement=nong-thon-moi&year=2025&per_page=5",
)
def stories(params: dict) -> dict:
    key, stmt = _story_list(params)
    ids = stmt.with_only_columns(Story.id)
    page = paging.page_of(("stories", key), ids, _story_rows, params.get("page", 1), _per_page(params))
    return envelope(page, [serialize.story_summary(s) for s in page.items], schemas.StoryQuery)


HIDDEN_MESSAGE = "Bài viết này đã được gỡ theo yêu cầu của người được nói đến."


@operation(
    "/stories/<slug>",
    summary="Một bài viết",
    description=(
        "Toàn văn một bài viết đã đăng: nội dung HTML đã làm sạch và Markdown gốc, điển hình, phong trào, "
        "lĩnh vực, địa phương, ảnh bìa (các cỡ ảnh, tác giả, giấy phép). Bài chưa đăng, hẹn giờ hoặc "
        "đang cấm đăng trả về 404; bài đã thu hồi trả về 410 kèm lý do công khai; bài đã gỡ theo yêu cầu "
        "của người được nói đến trả về 410 với tiêu đề để trống."
    ),
    tag="Bài viết",
    response=schemas.StoryOne,
    path_params={"slug": "Mã định danh của bài viết"},
    errors=(404, 410, 429),
    example="/bai-viet-mau",
)
def story(slug: str) -> Any:
    item = queries.story_by_slug(slug)
    if item is None:
        if queries.hidden_story_exists(slug):  # nothing about it, not even its title
            return errors.json_error(410, HIDDEN_MESSAGE, title="", retracted_at=None, reason=HIDDEN_MESSAGE)
        gone = queries.retracted_story(slug)
        if gone is None:
            abort(404)
        return errors.json_error(
            410,
            "Bài viết này đã bị thu hồi.",
            title=gone.title,
            retracted_at=schemas.GoneDetail().dump({"retracted_at": serialize.local_time(gone.retracted_at)})[
                "retracted_at"
            ],
            reason=gone.retraction_reason,
        )
    return {"data": serialize.story_detail(item)}


# --- exemplars ------------------------------------------------------------------------------


class ExemplarQuery(schemas.PageQuery):
    kind = schemas.Choice(
        ["individual", "collective"], "Loại điển hình", metadata={"description": "Cá nhân hay tập thể"}
    )
    locality = schemas.query_text(
        "Slug địa phương (gồm các đơn vị bên trong và các đơn vị cũ đã được thay thế)"
    )


def _exemplar_rows(ids: Sequence[int]) -> list[Exemplar]:
    return queries.exemplar_cards(ids)


@operation(
    "/exemplars",
    summary="Danh sách điển hình",
    description="Cá nhân, tập thể có ít nhất một bài viết đã đăng, theo tên.",
    tag="Điển hình",
    query=ExemplarQuery,
    response=schemas.ExemplarList,
    errors=NOT_FOUND,
    example="?kind=collective",
)
def exemplars(params: dict) -> dict:
    stmt = queries.public_exemplars()
    key: list[Any] = ["api-exemplars"]
    if kind := params.get("kind"):
        stmt = stmt.where(Exemplar.kind == kind)
        key.append(kind)
    if slug := params.get("locality", "").strip():
        unit = db.session.scalar(select(Locality).filter_by(slug=slug))
        if unit is None:
            abort(400, description=f"Không có địa phương “{slug[:60]}”.")
        stmt = stmt.where(Exemplar.locality_id.in_(sorted(queries.locality_scope(unit))))
        key.append(unit.id)
    ids = stmt.with_only_columns(Exemplar.id)
    page = paging.page_of(tuple(key), ids, _exemplar_rows, params.get("page", 1), _per_page(params))
    return envelope(page, [serialize.exemplar_summary(e) for e in page.items], ExemplarQuery)


@operation(
    "/exemplars/<slug>",
    summary="Một điển hình",
    description=(
        "Một cá nhân hoặc tập thể: tiểu sử, địa phương, ảnh chân dung và mọi khen thưởng (kể cả đã thu hồi)."
    ),
    tag="Điển hình",
    response=schemas.ExemplarOne,
    path_params={"slug": "Mã định danh của điển hình"},
    errors=(404, 429),
    example="/dien-hinh-mau",
)
def exemplar(slug: str) -> dict:
    item = queries.exemplar_by_slug(slug)
    if item is None:
        abort(404)
    # the commendations' movements in one query (then found in the session, not one by one)
    movement_ids = {c.movement_id for c in item.commendations if c.movement_id is not None}
    if movement_ids:
        db.session.scalars(select(Movement).where(Movement.id.in_(movement_ids))).all()
    return {"data": serialize.exemplar_detail(item)}


# --- commendations --------------------------------------------------------------------------


@operation(
    "/commendations",
    summary="Sổ khen thưởng",
    description=(
        "Các khen thưởng của sổ khen thưởng công khai, quyết định mới nhất trước: lọc theo số quyết định "
        "(gõ có hoặc không dấu), năm, hình thức, cấp, địa phương, phong trào, đã thu hồi hay chưa."
    ),
    tag="Khen thưởng",
    query=schemas.CommendationQuery,
    response=schemas.CommendationList,
    errors=NOT_FOUND,
    example="?decision_no=1245/qd-ubnd",
)
def commendations(params: dict) -> dict:
    site_args = MultiDict(
        {
            vietnamese: str(params[name])
            for name, vietnamese in (
                ("year", "nam"),
                ("form", "hinh-thuc"),
                ("level", "cap"),
                ("locality", "dia-phuong"),
                ("movement", "phong-trao"),
            )
            if name in params and str(params[name]).strip()
        }
    )
    try:
        filters = register.parse_filters(site_args)
    except register.BadFilter as exc:
        _bad_filter(exc)
    filters.decision = params.get("decision_no", "").strip() or None
    filters.revoked = params.get("revoked")
    page = register.page(filters, params.get("page", 1), _per_page(params))
    public = queries.public_exemplar_ids(c.exemplar_id for c in page.items)
    items = [serialize.commendation_out(c, public) for c in page.items]
    return envelope(page, items, schemas.CommendationQuery)


# --- taxonomies -----------------------------------------------------------------------------


@operation(
    "/movements",
    summary="Phong trào thi đua",
    description="Mọi phong trào thi đua, mới phát động trước, với số bài viết đã đăng của từng phong trào.",
    tag="Danh mục",
    response=schemas.MovementList,
    errors=(429,),
)
def movements() -> dict:
    items = db.session.scalars(select(Movement).order_by(Movement.start_year.desc(), Movement.name)).all()
    counts = queries.story_counts(story_movements.c.movement_id, story_movements)
    return {"data": [serialize.movement_out(m, counts.get(m.id, 0)) for m in items]}


@operation(
    "/fields",
    summary="Lĩnh vực",
    description="Mọi lĩnh vực, theo tên, với số bài viết đã đăng của từng lĩnh vực.",
    tag="Danh mục",
    response=schemas.FieldList,
    errors=(429,),
)
def fields() -> dict:
    items = db.session.scalars(select(Field).order_by(Field.name)).all()
    counts = queries.story_counts(Story.field_id)
    return {"data": [serialize.field_out(f, counts.get(f.id, 0)) for f in items]}


@operation(
    "/localities",
    summary="Địa phương",
    description=(
        "Mọi đơn vị hành chính, theo tên: đơn vị cấp trên, đơn vị đã thay thế nó (replaced_by, với đơn "
        "vị đã sáp nhập) và các đơn vị cũ mà nó đã thay thế (replaced)."
    ),
    tag="Danh mục",
    response=schemas.LocalityList,
    errors=(429,),
)
def localities() -> dict:
    units = db.session.scalars(select(Locality).order_by(Locality.name, Locality.id)).all()
    by_id = {u.id: u for u in units}
    replaced: dict[int, list[Locality]] = {}
    for unit in units:
        if unit.replaced_by_id is not None:
            replaced.setdefault(unit.replaced_by_id, []).append(unit)
    return {"data": [serialize.locality_out(u, by_id, replaced.get(u.id, [])) for u in units]}


# --- search ---------------------------------------------------------------------------------

API_PATHS = {"/bai-viet/": "api.story", "/dien-hinh/": "api.exemplar", "/dia-phuong/": None}


def _api_url(path: str) -> str:
    for prefix, endpoint in API_PATHS.items():
        if path.startswith(prefix):
            slug = path[len(prefix) :]
            if endpoint is None:
                return serialize.site_url("api.stories", locality=slug)
            return serialize.site_url(endpoint, slug=slug)
    return serialize.absolute(path)


def _plain(markup: Markup) -> str:
    return " ".join(Markup(markup).striptags().split())


@operation(
    "/search",
    summary="Tìm kiếm",
    description=(
        "Cùng bộ máy tìm kiếm và cùng thứ tự xếp hạng như trang Tìm kiếm của website: bài viết, điển "
        "hình và địa phương đã công khai; gõ có hoặc không dấu, từ viết tắt (UBND, HTX…), số quyết "
        "định. Các bộ lọc nhận giá trị trong `facets`."
    ),
    tag="Tìm kiếm",
    query=schemas.SearchQuery,
    response=schemas.SearchResults,
    errors=NOT_FOUND,
    example="?q=nong+thon+moi",
)
def search(params: dict) -> dict:
    text = params.get("q", "")
    wanted = {name: str(params[name])[:120] for name, _ in _SEARCH_FACETS if name in params}
    sort = params.get("sort", "relevance")
    number, per_page = params.get("page", 1), _per_page(params)
    results = search_engine.search(text, wanted, sort, number, per_page)
    page = paging.Page([], number, per_page, results.total)
    if results.total and number > page.pages:
        abort(404)
    public = search_view.still_public(results.ids)
    hits = []
    for doc in results.documents:
        if doc["id"] not in public:
            continue
        marks = results.terms.within(doc["label"], doc["text"])
        hits.append(
            {
                "type": doc["type"],
                "title": doc["label"],
                "snippet": _plain(snippet(doc["text"], marks)),
                "meta": doc["meta"],
                "url": serialize.absolute(request.script_root + doc["url"]),
                "api_url": _api_url(doc["url"]),
            }
        )
    labels = search_view.facet_labels()
    facets: dict[str, list[dict[str, Any]]] = {
        name: sorted(
            (
                {"value": value, "label": labels.get(index, {}).get(value, value), "count": count}
                for value, count in results.facets.get(index, {}).items()
            ),
            key=lambda f: (-int(f["count"]), str(f["label"])),
        )
        for name, index in _SEARCH_FACETS
    }
    return {
        "data": hits,
        "meta": {
            "q": text,
            "page": page.page,
            "per_page": per_page,
            "total": results.total,
            "pages": page.pages,
            "suggestion": results.suggestion,
            "widened": list(results.fuzzy),
        },
        "facets": facets,
        "links": envelope(page, [], schemas.SearchQuery)["links"],
    }


# API parameter -> the index's facet (the same names)
_SEARCH_FACETS = [(name, name) for name in ("type", "movement", "field", "locality", "year", "kind", "form")]


# --- the document and its page --------------------------------------------------------------


@operation(
    "/openapi.json",
    summary="Tài liệu OpenAPI 3.1",
    description="Mô tả máy đọc được của API này, sinh ra từ chính mã nguồn.",
    tag="Tài liệu",
    response=None,
    errors=(429,),
)
def openapi() -> Any:
    from showcase.api import spec

    document = memo.remember(("openapi", current_app.config["SITE_URL"]), spec.document_json)
    return current_app.response_class(document, mimetype="application/json")


@operation(
    "/docs",
    summary="Trang hướng dẫn",
    description="Trang này: hướng dẫn dùng API bằng tiếng Việt.",
    tag="Tài liệu",
    response=None,
    errors=(429,),
    media_type="text/html",
)
def docs() -> Any:
    from showcase.api import docs as docs_page

    key = ("api-docs", current_app.config["SITE_URL"], current_app.config["API_RATE_LIMITS"])
    return render_template("api/docs.html", doc=memo.remember(key, docs_page.build))


@operation(
    "/",
    summary="Mục lục",
    description="Địa chỉ các danh sách của API, tài liệu OpenAPI và trang hướng dẫn.",
    tag="Tài liệu",
    response=schemas.Index,
    errors=(429,),
)
def index() -> dict:
    names = ("stories", "exemplars", "commendations", "movements", "localities", "search", "openapi", "docs")
    return {name: serialize.site_url(f"api.{name}") for name in names} | {
        "fields_": serialize.site_url("api.fields")
    }
