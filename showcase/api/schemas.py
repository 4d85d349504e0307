"""The API's records and query parameters as marshmallow schemas.

The same schemas dump every response (views hand them plain dicts from serialize.py) and
describe it in the OpenAPI document (spec.py): a field added here shows in both, a field
missing from a record is missing from the response and fails the schema tests. Every output
field is `required` (always present; `allow_none` says when it may be null).
"""

from __future__ import annotations

from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from showcase.models import CommendationLevel, ExemplarKind, LocalityKind

MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 20
MAX_PAGE = 100_000
MAX_SEARCH_PAGE = 100


def _out(field: type[fields.Field], description: str, **kwargs: Any) -> Any:
    """An output field: always present, described in Vietnamese for the docs page."""
    metadata = {"description": description, **kwargs.pop("metadata", {})}
    return field(required=True, metadata=metadata, **kwargs)


def url_field(description: str, **kwargs: Any) -> Any:
    return _out(fields.String, description, metadata={"format": "uri"}, **kwargs)


def moment(description: str, **kwargs: Any) -> Any:
    """A date and time, ISO 8601 with the Vietnam offset (+07:00)."""
    return _out(fields.DateTime, description, format="iso", **kwargs)


def day(description: str, **kwargs: Any) -> Any:
    return _out(fields.Date, description, **kwargs)


def text(description: str, **kwargs: Any) -> Any:
    return _out(fields.String, description, **kwargs)


def integer(description: str, **kwargs: Any) -> Any:
    return _out(fields.Integer, description, **kwargs)


def one_of(values: list[str], description: str, **kwargs: Any) -> Any:
    return _out(fields.String, description, validate=validate.OneOf(values), **kwargs)


def nested(schema: type[Schema] | str, description: str, many: bool = False, **kwargs: Any) -> Any:
    if many:
        return _out(fields.List, description, cls_or_instance=fields.Nested(schema), **kwargs)
    return _out(fields.Nested, description, nested=schema, **kwargs)


# --- records --------------------------------------------------------------------------------


class Linked(Schema):
    """What every record carries: its public page and its address in the API."""

    url = url_field("Trang công khai trên website")
    api_url = url_field("Địa chỉ của bản ghi trong API")


class FieldRef(Linked):
    slug = text("Mã định danh (slug)")
    name = text("Tên lĩnh vực")


class FieldOut(FieldRef):
    description = text("Mô tả")
    story_count = integer("Số bài viết đã đăng")


class MovementRef(Linked):
    slug = text("Mã định danh (slug)")
    name = text("Tên phong trào thi đua")


class MovementOut(MovementRef):
    launched_by = text("Cơ quan, người phát động")
    start_year = integer("Năm bắt đầu")
    end_year = integer("Năm kết thúc (null khi còn tiếp diễn)", allow_none=True)
    description = text("Mô tả")
    story_count = integer("Số bài viết đã đăng")


class LocalityRef(Linked):
    slug = text("Mã định danh (slug)")
    name = text("Tên đơn vị")
    full_name = text("Tên đầy đủ, kèm loại đơn vị (ví dụ “Phường Đồ Sơn”)")
    kind = one_of([k.value for k in LocalityKind], "Loại đơn vị hành chính")
    current = _out(fields.Boolean, "Đơn vị còn tồn tại (false: đã sáp nhập vào đơn vị khác)")


class LocalityOut(LocalityRef):
    parent = nested(LocalityRef, "Đơn vị cấp trên", allow_none=True)
    replaced_by = nested(LocalityRef, "Đơn vị đã thay thế đơn vị này (sau sắp xếp)", allow_none=True)
    replaced = nested(LocalityRef, "Các đơn vị cũ mà đơn vị này đã thay thế", many=True)


class Rendition(Schema):
    width = integer("Chiều rộng (px)")
    height = integer("Chiều cao (px)")
    jpeg = url_field("Ảnh JPEG")
    webp = url_field("Ảnh WebP", allow_none=True)


class Image(Schema):
    url = url_field("Ảnh lớn nhất (JPEG)")
    width = integer("Chiều rộng ảnh gốc (px)")
    height = integer("Chiều cao ảnh gốc (px)")
    alt = text("Mô tả ảnh cho người không nhìn thấy")
    caption = text("Chú thích")
    credit = text("Tác giả, nguồn ảnh")
    licence = text("Giấy phép sử dụng")
    renditions = nested(Rendition, "Các cỡ ảnh, nhỏ đến lớn", many=True)


class ExemplarRef(Linked):
    slug = text("Mã định danh (slug)")
    name = text("Tên cá nhân hoặc tập thể")
    kind = one_of([k.value for k in ExemplarKind], "individual: cá nhân; collective: tập thể")


class StorySummary(Linked):
    id = integer("Số hiệu bài viết")
    slug = text("Mã định danh (slug)")
    title = text("Tiêu đề")
    summary = text("Tóm tắt")
    byline = text("Tác giả, nguồn tin")
    featured = _out(fields.Boolean, "Bài nổi bật")
    published_at = moment("Thời điểm đăng (giờ Việt Nam, +07:00)")
    updated_at = moment("Lần cập nhật nội dung gần nhất sau khi đăng; bằng published_at nếu chưa sửa")
    field = nested(FieldRef, "Lĩnh vực")
    locality = nested(LocalityRef, "Địa phương")
    movements = nested(MovementRef, "Phong trào thi đua", many=True)
    exemplars = nested(ExemplarRef, "Các điển hình được nói tới", many=True)
    cover = nested(Image, "Ảnh bìa", allow_none=True)


class StoryDetail(StorySummary):
    body_html = text("Nội dung đã làm sạch (HTML)")
    body_markdown = text("Nội dung gốc (Markdown)")
    broadcast_summary = text("Bản tin ngắn để đọc trên phát thanh, truyền hình")


class Revocation(Schema):
    decision_no = text("Số quyết định thu hồi")
    date = day("Ngày thu hồi", allow_none=True)
    reason = text("Lý do thu hồi")


class Awardee(Schema):
    slug = text("Mã định danh (slug)")
    name = text("Tên cá nhân hoặc tập thể")
    kind = one_of([k.value for k in ExemplarKind], "individual: cá nhân; collective: tập thể")
    url = url_field("Trang công khai (null khi điển hình chưa có bài viết được đăng)", allow_none=True)
    api_url = url_field("Địa chỉ trong API (null khi chưa có trang công khai)", allow_none=True)


class CommendationOut(Schema):
    id = integer("Số hiệu khen thưởng")
    code = text("Mã xác minh cố định (8 ký tự, in trên giấy khen cùng mã QR)")
    url = url_field("Trang xác minh công khai của khen thưởng (/khen-thuong/<mã>)")
    qr_url = url_field("Mã QR của trang xác minh (SVG; đổi đuôi thành .png để lấy ảnh PNG)")
    api_url = url_field("Địa chỉ trong API (danh sách lọc theo số quyết định)")
    form = text("Hình thức khen thưởng (ví dụ “Bằng khen của Chủ tịch UBND thành phố”)")
    level = one_of([k.value for k in CommendationLevel], "Cấp khen thưởng")
    level_label = text("Cấp khen thưởng, bằng chữ")
    issuer = text("Cơ quan, người ký quyết định")
    decision_no = text("Số quyết định, đúng như văn bản (ví dụ “1245/QĐ-UBND”)")
    decision_date = day("Ngày quyết định")
    reason = text("Lý do khen thưởng")
    movement = nested(MovementRef, "Phong trào thi đua", allow_none=True)
    exemplar = nested(Awardee, "Người, tập thể được khen")
    locality = nested(LocalityRef, "Địa phương của người, tập thể được khen")
    revoked = _out(fields.Boolean, "Đã bị thu hồi")
    revocation = nested(Revocation, "Quyết định thu hồi (null khi chưa thu hồi)", allow_none=True)


class CommendationBrief(CommendationOut):
    class Meta:
        exclude = ("exemplar", "locality")


class ExemplarSummary(ExemplarRef):
    role = text("Chức vụ, nghề nghiệp")
    organisation = text("Đơn vị công tác")
    locality = nested(LocalityRef, "Địa phương")
    portrait = nested(Image, "Ảnh chân dung", allow_none=True)


class ExemplarDetail(ExemplarSummary):
    bio_html = text("Tiểu sử đã làm sạch (HTML)")
    bio_markdown = text("Tiểu sử gốc (Markdown)")
    commendations = nested(CommendationBrief, "Các khen thưởng, quyết định mới nhất trước", many=True)
    stories_url = url_field("Các bài viết về điển hình này (trong API)")


class SearchHit(Schema):
    type = one_of(["story", "exemplar", "locality"], "Loại kết quả")
    title = text("Tiêu đề hoặc tên")
    snippet = text("Đoạn trích có từ khóa")
    meta = text("Dòng thông tin phụ (ngày, địa phương…)")
    url = url_field("Trang công khai")
    api_url = url_field("Địa chỉ trong API")


class FacetValue(Schema):
    value = text("Giá trị để lọc (đưa vào tham số cùng tên)")
    label = text("Tên hiển thị")
    count = integer("Số kết quả")


# --- envelopes ------------------------------------------------------------------------------


class Links(Schema):
    self = url_field("Trang này")
    first = url_field("Trang đầu")
    last = url_field("Trang cuối")
    next = url_field("Trang sau (null ở trang cuối)", allow_none=True)
    prev = url_field("Trang trước (null ở trang đầu)", allow_none=True)


class Meta(Schema):
    page = integer("Trang hiện tại")
    per_page = integer("Số mục mỗi trang")
    total = integer("Tổng số mục")
    pages = integer("Tổng số trang")


def list_of(item: type[Schema], name: str) -> type[Schema]:
    """An envelope: `data` (a page of items), `meta` (counts) and `links` (absolute URLs)."""
    return Schema.from_dict(
        {
            "data": nested(item, "Các mục của trang này", many=True),
            "meta": nested(Meta, "Số liệu phân trang"),
            "links": nested(Links, "Liên kết phân trang (địa chỉ tuyệt đối)"),
        },
        name=name,
    )


def one(item: type[Schema], name: str) -> type[Schema]:
    """An envelope for one record: `data`."""
    return Schema.from_dict({"data": nested(item, "Bản ghi")}, name=name)


def plain_list(item: type[Schema], name: str) -> type[Schema]:
    """An envelope for a short, whole list (no pages): `data`."""
    return Schema.from_dict({"data": nested(item, "Toàn bộ danh sách", many=True)}, name=name)


StoryList = list_of(StorySummary, "StoryList")
StoryOne = one(StoryDetail, "StoryOne")
ExemplarList = list_of(ExemplarSummary, "ExemplarList")
ExemplarOne = one(ExemplarDetail, "ExemplarOne")
CommendationList = list_of(CommendationOut, "CommendationList")
MovementList = plain_list(MovementOut, "MovementList")
FieldList = plain_list(FieldOut, "FieldList")
LocalityList = plain_list(LocalityOut, "LocalityList")


class SearchMeta(Meta):
    q = text("Từ khóa đã tìm")
    suggestion = text("Gợi ý chính tả (“có phải bạn muốn tìm”), null khi không có", allow_none=True)
    widened = _out(
        fields.List, "Các từ đã được mở rộng sang cách viết gần nhất", cls_or_instance=fields.String()
    )


class SearchResults(Schema):
    data = nested(SearchHit, "Kết quả của trang này, liên quan nhất trước", many=True)
    meta = nested(SearchMeta, "Số liệu tìm kiếm và phân trang")
    facets = _out(
        fields.Dict,
        "Số kết quả theo từng bộ lọc (type, movement, field, locality, year, kind, form)",
        keys=fields.String(),
        values=fields.List(fields.Nested(FacetValue)),
    )
    links = nested(Links, "Liên kết phân trang (địa chỉ tuyệt đối)")


class ErrorDetail(Schema):
    code = text("Mã lỗi (tiếng Anh, ổn định)")
    message = text("Thông báo lỗi (tiếng Việt)")


class Error(Schema):
    error = nested(ErrorDetail, "Lỗi")


class GoneDetail(ErrorDetail):
    title = text("Tiêu đề bài đã thu hồi")
    retracted_at = moment("Thời điểm thu hồi", allow_none=True)
    reason = text("Lý do thu hồi công khai")


class Gone(Schema):
    error = nested(GoneDetail, "Bài viết đã bị thu hồi")


# --- query parameters -----------------------------------------------------------------------


class Number(fields.Integer):
    """An integer typed as ASCII digits only (no sign, no exponent, no other script), bounded."""

    def __init__(self, low: int, high: int, what: str, **kwargs: Any) -> None:
        self.low, self.high, self.what = low, high, what
        super().__init__(validate=validate.Range(low, high), **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> int:
        raw = str(value).strip()
        digits = len(str(self.high))
        if (
            not raw.isascii()
            or not raw.isdigit()
            or len(raw) > digits
            or not self.low <= int(raw) <= self.high
        ):
            raise ValidationError(
                f"{self.what} “{raw[:20]}” không hợp lệ: "
                f"hãy dùng một số nguyên từ {self.low} đến {self.high}."
            )
        return int(raw)


class Choice(fields.String):
    """One of a few values; anything else is a Vietnamese 400."""

    def __init__(self, values: list[str], what: str, **kwargs: Any) -> None:
        self.values, self.what = values, what
        super().__init__(validate=validate.OneOf(values), **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        raw = str(value).strip()
        if raw not in self.values:
            raise ValidationError(
                f"{self.what} “{raw[:40]}” không có: chọn một trong {', '.join(self.values)}."
            )
        return raw


class Flag(fields.Boolean):
    """true or false, nothing else."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        raw = str(value).strip().lower()
        if raw not in ("true", "false"):
            raise ValidationError(f"Giá trị “{raw[:20]}” không hợp lệ: dùng true hoặc false.")
        return raw == "true"


def query_text(description: str, max_length: int = 200) -> Any:
    return fields.String(
        validate=validate.Length(max=max_length, error="Giá trị dài quá: tối đa {max} ký tự."),
        metadata={"description": description},
        error_messages={"invalid": "Giá trị không hợp lệ."},
    )


class Query(Schema):
    """Query parameters: unknown names are ignored, known ones must make sense."""

    class Meta:
        unknown = EXCLUDE


class PageQuery(Query):
    page = Number(1, MAX_PAGE, "Số trang", metadata={"description": "Trang cần xem (từ 1)"})
    per_page = Number(
        1, MAX_PER_PAGE, "Số mục mỗi trang", metadata={"description": f"Số mục mỗi trang (1–{MAX_PER_PAGE})"}
    )


class StoryQuery(PageQuery):
    movement = query_text("Slug phong trào thi đua (xem /api/v1/movements)")
    field = query_text("Slug lĩnh vực (xem /api/v1/fields)")
    locality = query_text(
        "Slug địa phương: gồm cả các đơn vị bên trong và các đơn vị cũ mà nó đã thay thế "
        "(xem /api/v1/localities)"
    )
    year = Number(1900, 2100, "Năm", metadata={"description": "Năm đăng (giờ Việt Nam)"})
    kind = Choice(
        [k.value for k in ExemplarKind],
        "Loại điển hình",
        metadata={"description": "Bài về cá nhân (individual) hay tập thể (collective)"},
    )
    form = query_text("Hình thức khen thưởng của điển hình trong bài, đúng như trong sổ khen thưởng", 300)
    exemplar = query_text("Slug điển hình: các bài viết về điển hình đó")


class CommendationQuery(PageQuery):
    decision_no = query_text(
        "Số quyết định, gõ có hoặc không dấu, hoa hay thường (1245/QĐ-UBND hay 1245/qd-ubnd)", 100
    )
    year = Number(1900, 2100, "Năm", metadata={"description": "Năm của quyết định"})
    form = query_text("Hình thức khen thưởng, đúng như trong sổ", 300)
    level = Choice([k.value for k in CommendationLevel], "Cấp khen thưởng", metadata={"description": "Cấp"})
    locality = query_text("Slug địa phương (gồm các đơn vị bên trong và các đơn vị cũ đã được thay thế)")
    movement = query_text("Slug phong trào thi đua")
    revoked = Flag(metadata={"description": "true: chỉ các khen thưởng đã thu hồi; false: chỉ còn hiệu lực"})


class SearchQuery(Query):
    q = query_text("Từ khóa, gõ có hoặc không dấu; có thể là số quyết định", 300)
    type = Choice(["story", "exemplar", "locality"], "Loại kết quả", metadata={"description": "Loại kết quả"})
    movement = query_text("Slug phong trào thi đua")
    field = query_text("Slug lĩnh vực")
    locality = query_text("Slug địa phương")
    year = Number(1900, 2100, "Năm", metadata={"description": "Năm đăng"})
    kind = Choice(
        [k.value for k in ExemplarKind], "Loại điển hình", metadata={"description": "Cá nhân / tập thể"}
    )
    form = query_text("Hình thức khen thưởng (giá trị trong facets.form)", 300)
    sort = Choice(
        ["relevance", "date"],
        "Cách sắp xếp",
        metadata={"description": "relevance (mặc định) hoặc date (mới nhất)"},
    )
    page = Number(1, MAX_SEARCH_PAGE, "Số trang", metadata={"description": f"Trang (1–{MAX_SEARCH_PAGE})"})
    per_page = Number(
        1, MAX_PER_PAGE, "Số mục mỗi trang", metadata={"description": f"Số mục mỗi trang (1–{MAX_PER_PAGE})"}
    )


class Index(Schema):
    stories = url_field("Danh sách bài viết")
    exemplars = url_field("Danh sách điển hình")
    commendations = url_field("Sổ khen thưởng")
    movements = url_field("Phong trào thi đua")
    fields_ = url_field("Lĩnh vực", data_key="fields")
    localities = url_field("Địa phương")
    search = url_field("Tìm kiếm")
    openapi = url_field("Tài liệu OpenAPI 3.1")
    docs = url_field("Trang hướng dẫn")
