"""Open data (/du-lieu-mo): the commendation register and the story index as CSV and JSON.

Both files hold only what the site already shows anyone: every commendation of the public
register (site/register.py's rule: the register is public record, revoked decisions included;
an exemplar's address only when it has a public page) and the stories a reader may see
(visibility.is_published). No private field (contacts, drafts, review notes, authors'
accounts) is ever read here. The same filters as the register (commendations) and the story
lists (stories) narrow the files.

A CSV is UTF-8 with a BOM (spreadsheet programs then read Vietnamese), headers in Vietnamese
or, with ?cot=en, in English; a cell that a spreadsheet would run as a formula (= + - @) starts
with an apostrophe. The JSON holds the same rows under the English names, unescaped.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import Response, abort, current_app, render_template, request, url_for
from sqlalchemy import func, select
from sqlalchemy.orm import defer, joinedload, selectinload

from showcase.dates import format_datetime, iso_date, to_local
from showcase.extensions import db
from showcase.models import Commendation, Exemplar, Story
from showcase.public_names import public_name
from showcase.site import listing, memo, queries, register
from showcase.site.views import bp
from showcase.spreadsheet import safe_cell
from showcase.visibility import has_published_story, is_published


@dataclass(frozen=True)
class Column:
    """One field of a file: its key (the English header and JSON name), Vietnamese header, meaning."""

    key: str
    vi: str
    about: str
    about_en: str


COMMENDATION_COLUMNS = (
    Column(
        "code", "Mã tra cứu", "Mã công khai 8 ký tự, không bao giờ đổi", "Permanent 8-character public code"
    ),
    Column(
        "url",
        "Trang xác minh",
        "Địa chỉ trang xác minh (mã QR dẫn tới đây)",
        "Verification page (the QR code's target)",
    ),
    Column(
        "decision_number",
        "Số quyết định",
        "Số quyết định khen thưởng, như đã ban hành",
        "Number of the awarding decision, as issued",
    ),
    Column(
        "decision_date",
        "Ngày quyết định",
        "Ngày ký quyết định (YYYY-MM-DD)",
        "Date of the decision (YYYY-MM-DD)",
    ),
    Column("form", "Hình thức", "Hình thức khen thưởng hoặc danh hiệu", "Form of the award or title"),
    Column(
        "level",
        "Cấp",
        "Cấp khen thưởng: Nhà nước, Chính phủ, Bộ ngành, Thành phố, Cơ sở",
        "Level: state, government, ministry, city, local",
    ),
    Column(
        "issuer",
        "Cơ quan quyết định",
        "Người hoặc cơ quan ký quyết định",
        "Person or body that signed the decision",
    ),
    Column("recipient", "Điển hình", "Cá nhân hoặc tập thể được khen", "Person or collective awarded"),
    Column("recipient_kind", "Loại", "Cá nhân hoặc Tập thể", "Individual (Cá nhân) or collective (Tập thể)"),
    Column(
        "recipient_url",
        "Trang điển hình",
        "Trang của điển hình trên trang này, nếu đã có bài viết công bố",
        "The recipient's page on this site, when one is public",
    ),
    Column(
        "locality", "Địa phương", "Đơn vị hành chính của điển hình", "Administrative unit of the recipient"
    ),
    Column(
        "movement",
        "Phong trào",
        "Phong trào thi đua gắn với khen thưởng, nếu có",
        "Emulation movement of the award, if any",
    ),
    Column("reason", "Lý do", "Thành tích được khen", "What the award was for"),
    Column(
        "status",
        "Tình trạng",
        "Còn hiệu lực hoặc Đã thu hồi",
        "In force (Còn hiệu lực) or revoked (Đã thu hồi)",
    ),
    Column(
        "revocation_decision_number",
        "Quyết định thu hồi",
        "Số quyết định thu hồi, nếu đã thu hồi",
        "Number of the revoking decision, if revoked",
    ),
    Column(
        "revocation_date", "Ngày thu hồi", "Ngày thu hồi (YYYY-MM-DD)", "Date of the revocation (YYYY-MM-DD)"
    ),
    Column(
        "revocation_reason",
        "Lý do thu hồi",
        "Lý do thu hồi, như quyết định ghi",
        "Reason for the revocation, as the decision states it",
    ),
)

STORY_COLUMNS = (
    Column("url", "Đường dẫn", "Địa chỉ bài viết", "Address of the story"),
    Column("title", "Tiêu đề", "Tiêu đề bài viết", "Title"),
    Column("summary", "Tóm tắt", "Đoạn tóm tắt của bài", "Summary"),
    Column(
        "published",
        "Ngày đăng",
        "Thời điểm đăng, giờ Việt Nam (ISO 8601, +07:00)",
        "Publication time, Vietnam time (ISO 8601, +07:00)",
    ),
    Column(
        "revised",
        "Cập nhật",
        "Lần sửa nội dung gần nhất sau khi đăng, nếu có",
        "Last change to the text after publication, if any",
    ),
    Column("field", "Lĩnh vực", "Lĩnh vực của bài", "Field"),
    Column("locality", "Địa phương", "Địa phương của bài", "Locality"),
    Column(
        "movements",
        "Phong trào",
        "Các phong trào thi đua, cách nhau bởi dấu “; ”",
        "Emulation movements, separated by “; ”",
    ),
    Column(
        "exemplars",
        "Điển hình",
        "Các điển hình trong bài, cách nhau bởi dấu “; ”",
        "Exemplars in the story, separated by “; ”",
    ),
    Column("byline", "Nguồn", "Tác giả hoặc cơ quan báo chí", "Author or outlet"),
)


@dataclass(frozen=True)
class Dataset:
    slug: str  # the file name
    title: str
    title_en: str
    columns: tuple[Column, ...]
    rows: Callable[[Any], list[dict[str, str]]]
    parse: Callable[[Any], Any]  # the query string -> filters (register.BadFilter when wrong)


def _absolute(endpoint: str, **values: Any) -> str:
    return current_app.config["SITE_URL"] + url_for(endpoint, **values)


def _iso_time(value: datetime | None) -> str:
    return to_local(value).isoformat(timespec="seconds") if value else ""


def commendation_rows(filters: register.Filters) -> list[dict[str, str]]:
    """The register's commendations under these filters, as plain values (newest first)."""
    found = db.session.scalars(register.query(filters)).unique().all()
    public = set(db.session.scalars(select(Exemplar.id).where(has_published_story())))
    rows = []
    for c in found:
        e = c.exemplar
        rows.append(
            {
                "code": c.code,
                "url": _absolute("site.commendation", code=c.code),
                "decision_number": c.decision_no,
                "decision_date": iso_date(c.decision_date),
                "form": c.form,
                "level": c.level.label,
                "issuer": c.issuer,
                "recipient": public_name(e),
                "recipient_kind": e.kind.label,
                "recipient_url": _absolute("site.exemplar", slug=e.slug) if e.id in public else "",
                "locality": e.locality.full_name,
                "movement": c.movement.name if c.movement else "",
                "reason": c.reason,
                "status": "Đã thu hồi" if c.is_revoked else "Còn hiệu lực",
                "revocation_decision_number": c.revoked_decision_no or "",
                "revocation_date": iso_date(c.revoked_on),
                "revocation_reason": c.revoked_reason or "",
            }
        )
    return rows


def story_rows(filters: listing.StoryFilters) -> list[dict[str, str]]:
    """The published stories under these filters, as plain values (newest first)."""
    stmt = filters.narrow(queries.published_stories()).options(
        defer(Story.body_md),
        defer(Story.body_html),
        defer(Story.review_comment),
        joinedload(Story.field),
        joinedload(Story.locality),
        selectinload(Story.movements),
        selectinload(Story.exemplars),
    )
    return [
        {
            "url": _absolute("site.story", slug=s.slug),
            "title": s.title,
            "summary": s.summary,
            "published": _iso_time(s.published_at),
            "revised": _iso_time(s.revised_at),
            "field": s.field.name,
            "locality": s.locality.full_name,
            "movements": "; ".join(m.name for m in s.movements),
            "exemplars": "; ".join(public_name(e) for e in s.exemplars),
            "byline": s.byline,
        }
        for s in db.session.scalars(stmt).unique()
    ]


DATASETS = {
    "khen-thuong": Dataset(
        "khen-thuong",
        "Sổ khen thưởng",
        "Commendation register",
        COMMENDATION_COLUMNS,
        commendation_rows,
        register.parse_filters,
    ),
    "bai-viet": Dataset(
        "bai-viet", "Danh mục bài viết", "Story index", STORY_COLUMNS, story_rows, listing.parse
    ),
}


def to_csv(columns: Iterable[Column], rows: Iterable[dict[str, str]], english: bool) -> bytes:
    """UTF-8 with a BOM; Vietnamese headers (or the English keys); formula-safe cells."""
    columns = list(columns)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.key if english else c.vi for c in columns])
    for row in rows:
        writer.writerow([safe_cell(row[c.key]) for c in columns])
    return out.getvalue().encode("utf-8")


def _updated() -> datetime | None:
    """When the public data last changed: a published story, or an exemplar's record (its
    commendations included: a change to one updates it)."""
    stories = db.session.execute(
        select(func.max(Story.updated_at), func.max(Story.published_at)).where(is_published())
    ).one()
    register_change = db.session.scalar(
        select(func.max(Exemplar.updated_at)).where(
            select(Commendation.id).where(Commendation.exemplar_id == Exemplar.id).exists()
        )
    )
    times = [t for t in (*stories, register_change) if t is not None]
    return max(times) if times else None


def updated() -> datetime | None:
    """The update time shown on the page and written in the JSON (once per change of the data)."""
    return memo.remember(("open-data-updated",), _updated)


def to_json(dataset: Dataset, rows: list[dict[str, str]], filters: dict[str, str]) -> bytes:
    config = current_app.config
    document = {
        "title": dataset.title,
        "title_en": dataset.title_en,
        "source": _absolute("site.open_data"),
        "licence": {"name": config["OPEN_DATA_LICENCE"], "url": config["OPEN_DATA_LICENCE_URL"]},
        "updated": _iso_time(updated()),
        "filters": filters,
        "fields": [
            {"name": c.key, "vi": c.vi, "description": c.about, "description_en": c.about_en}
            for c in dataset.columns
        ],
        "count": len(rows),
        "items": rows,
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


def _file(dataset: Dataset, filters: Any, kind: str, english: bool) -> bytes:
    rows = dataset.rows(filters)
    if kind == "csv":
        return to_csv(dataset.columns, rows, english)
    return to_json(dataset, rows, filters.as_args())


@bp.get("/du-lieu-mo")
def open_data():
    return render_template(
        "site/open_data.html",
        datasets=DATASETS.values(),
        updated=format_datetime(updated()),
        updated_iso=_iso_time(updated()),
        licence=current_app.config["OPEN_DATA_LICENCE"],
        licence_url=current_app.config["OPEN_DATA_LICENCE_URL"],
    )


@bp.get("/du-lieu-mo/<any('khen-thuong', 'bai-viet'):dataset>.<any(csv, json):kind>")
def open_data_file(dataset: str, kind: str):
    chosen = DATASETS[dataset]
    language = request.args.get("cot", "").strip()
    if language not in ("", "vi", "en"):
        abort(400, description="Tham số “cot” chỉ nhận “vi” (tên cột tiếng Việt) hoặc “en” (tiếng Anh).")
    english = language == "en"
    try:
        filters = chosen.parse(request.args)
    except register.BadFilter as exc:
        abort(400, description=str(exc))
    args = filters.as_args()
    if args:  # filtered files are made on demand: any number of filter values must not fill the memo
        body = _file(chosen, filters, kind, english)
    else:  # the whole file, the usual download, once per change of the data
        body = memo.remember(
            ("open-data", dataset, kind, english), lambda: _file(chosen, filters, kind, english)
        )
    suffix = "-en" if english and kind == "csv" else ""
    if kind == "csv":
        response = Response(body, mimetype="text/csv")
        response.headers["Content-Type"] = "text/csv; charset=utf-8"
    else:
        response = Response(body, mimetype="application/json")
    response.headers["Content-Disposition"] = f"attachment; filename={dataset}{suffix}.{kind}"
    response.set_etag(hashlib.blake2b(body, digest_size=12).hexdigest())
    response.headers["Cache-Control"] = "public, max-age=0, must-revalidate"
    response.headers["Access-Control-Allow-Origin"] = "*"  # open data: any page may read it
    return response.make_conditional(request)
