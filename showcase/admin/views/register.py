"""Exemplars and commendations: the register (editors and admins)."""

from __future__ import annotations

from datetime import date

from flask import flash, url_for
from flask_admin.contrib.sqla.filters import BooleanEqualFilter, FilterEqual
from markupsafe import Markup
from wtforms import StringField

from showcase.admin.views.base import EnumEqual, HistoryMixin, SecureModelView, optional_slug
from showcase.models import (
    CollectiveSize,
    Commendation,
    CommendationLevel,
    Exemplar,
    ExemplarKind,
    Gender,
    MediaAsset,
    Sector,
    WorkRole,
)
from showcase.services import consent, exemplars


class IsRevoked(BooleanEqualFilter):
    """ "Đã thu hồi: có / không" (a revoked commendation has the decision that revoked it)."""

    def __init__(self, column, name: str) -> None:
        super().__init__(column, name)
        self.options = (("1", "có"), ("0", "không"))

    def apply(self, query, value, alias=None):
        revoked = Commendation.revoked_decision_no.is_not(None) & (Commendation.revoked_decision_no != "")
        return query.filter(revoked if value else ~revoked)

    def operation(self) -> str:
        return "là"


class YearIs(FilterEqual):
    """ "Năm quyết định là 2024"."""

    def apply(self, query, value, alias=None):
        return query.filter(Commendation.decision_date.between(date(value, 1, 1), date(value, 12, 31)))

    def clean(self, value):
        if not str(value).isdigit() or not 1900 <= int(value) <= 2100:
            raise ValueError(value)  # Flask-Admin drops a filter it cannot read
        return int(value)

    def operation(self) -> str:
        return "là"


class ConsentIs(FilterEqual):
    """ "Đồng ý là: Chưa có đồng ý / Chỉ hiện tên viết tắt / Đã ghi nhận" (services/consent.py)."""

    def __init__(self, column, name: str) -> None:
        super().__init__(column, name, options=list(consent.STATES.items()))

    def apply(self, query, value, alias=None):
        return query.filter(consent.state_is(value))

    def clean(self, value):
        if value not in consent.STATES:
            raise ValueError(value)  # Flask-Admin drops a filter it cannot read
        return value

    def operation(self) -> str:
        return "là"


def consent_state(view, context, model: Exemplar, name: str) -> str:
    """The list's consent column, in words."""
    return consent.describe(model)


def photo_label(asset: MediaAsset) -> str:
    """A photo in a select: what it shows (its alt text), then its file name."""
    parts = [part for part in (asset.alt_text, asset.original_name) if part]
    return " — ".join(parts) or "Ảnh chưa có mô tả"


class ExemplarView(HistoryMixin, SecureModelView):
    column_list = ("name", "kind", "locality", "role", "consent_state", "updated_at")
    column_searchable_list = ("name", "organisation", "role")
    column_default_sort = [("name", False), ("id", False)]
    column_filters = (
        EnumEqual(Exemplar.kind, "Loại", ExemplarKind),
        EnumEqual(Exemplar.gender, "Giới tính", Gender),
        EnumEqual(Exemplar.work_role, "Vị trí công tác", WorkRole),
        EnumEqual(Exemplar.sector, "Khu vực", Sector),
        EnumEqual(Exemplar.collective_size, "Quy mô tập thể", CollectiveSize),
        ConsentIs(Exemplar.consent_date, "Đồng ý"),
    )
    column_formatters = {"consent_state": consent_state}
    column_labels = {
        "name": "Tên",
        "kind": "Loại",
        "locality": "Địa phương",
        "role": "Chức vụ",
        "organisation": "Đơn vị",
        "portrait": "Ảnh chân dung",
        "bio_md": "Tiểu sử (Markdown)",
        "updated_at": "Cập nhật",
        "slug": "Đường dẫn (slug)",
        "commendations": "Khen thưởng",
        "stories": "Bài viết",
        "gender": "Giới tính",
        "work_role": "Vị trí công tác",
        "sector": "Khu vực",
        "collective_size": "Quy mô tập thể",
        "consent_state": "Đồng ý",
        "consent_date": "Ngày đồng ý",
        "consent_method": "Hình thức đồng ý",
        "consent_by": "Người ghi nhận đồng ý",
        "is_minor": "Người chưa thành niên",
        "guardian_name": "Họ tên người giám hộ",
        "guardian_consent_date": "Ngày người giám hộ đồng ý",
        "guardian_consent_method": "Hình thức người giám hộ đồng ý",
    }
    form_columns = (
        "name",
        "slug",
        "kind",
        "locality",
        "role",
        "organisation",
        "gender",
        "work_role",
        "sector",
        "collective_size",
        "portrait",
        "bio_md",
        "consent_date",
        "consent_method",
        "consent_by",
        "is_minor",
        "guardian_name",
        "guardian_consent_date",
        "guardian_consent_method",
    )
    form_extra_fields = {"slug": optional_slug()}
    required_choices = {"locality": None}
    form_args = {
        "portrait": {"get_label": photo_label},
        "gender": {"description": "Chỉ ghi cho cá nhân; để trống nếu chưa rõ."},
        "work_role": {
            "description": "Chỉ ghi cho cá nhân: người trực tiếp lao động, sản xuất, công tác "
            "hay người giữ chức vụ lãnh đạo, quản lý."
        },
        "sector": {"description": "Nơi cá nhân làm việc hoặc tập thể thuộc về; để trống nếu chưa rõ."},
        "collective_size": {
            "description": "Chỉ ghi cho tập thể: tập thể nhỏ như tổ, đội, thôn, khu dân cư, phòng, ban."
        },
        "consent_date": {
            "description": "Chỉ ghi cho cá nhân: ngày người được viết về đồng ý cho đăng tên, ảnh và câu "
            "chuyện của mình. Bài về một người lớn chưa có đồng ý thì không đăng được. Tập thể không cần "
            "ghi sự đồng ý cá nhân."
        },
        "consent_method": {"description": "Đồng ý bằng cách nào; giữ bản gốc (văn bản, thư, ghi âm) ở Ban."},
        "consent_by": {
            "description": "Họ tên, chức vụ của người đã nhận sự đồng ý (phóng viên, cán bộ Ban…)."
        },
        "is_minor": {
            "description": "Đánh dấu nếu người này chưa đủ 18 tuổi. Khi chưa có đồng ý của người giám hộ, "
            "trang công khai chỉ hiện tên viết tắt (ví dụ N.V.A.), không hiện ảnh chân dung, và đường dẫn "
            "không chứa họ tên."
        },
        "guardian_name": {"description": "Chỉ ghi cho người chưa thành niên: cha, mẹ hoặc người giám hộ."},
        "guardian_consent_date": {
            "description": "Ngày người giám hộ đồng ý cho đăng họ tên và ảnh của em (với trẻ từ đủ 7 tuổi, "
            "cần cả sự đồng ý của chính em)."
        },
        "guardian_consent_method": {"description": "Người giám hộ đồng ý bằng cách nào."},
    }

    saver = staticmethod(exemplars.save_exemplar)
    remover = staticmethod(exemplars.delete)

    def create(self, values):
        record = super().create(values)
        _warn_bio(record)
        return record

    def update(self, record, values, seen):
        super().update(record, values, seen)
        _warn_bio(record)


def _warn_bio(exemplar: Exemplar) -> None:
    warning = consent.bio_warning(exemplar)
    if warning:
        flash(warning, "warning")


def public_code(view, context, model: Commendation, name: str) -> Markup:
    """The public code, linking to the page its QR code leads to."""
    if not model.code:
        return Markup("")
    url = url_for("site.commendation", code=model.code)
    return Markup('<a href="{}" class="text-monospace">{}</a>').format(url, model.code)


def code_field() -> StringField:
    """The public code, shown and never edited (the service gives it at creation and ignores it after)."""
    return StringField(
        "Mã công khai",
        render_kw={"readonly": True, "class": "text-monospace"},
        # Flask-Admin prints the description as HTML: plain words only, no angle brackets
        description="Tạo tự động khi lưu lần đầu và không bao giờ đổi: mã QR in trên giấy khen dẫn tới "
        "trang xác minh công khai của khen thưởng này.",
    )


class CommendationView(HistoryMixin, SecureModelView):
    column_list = ("code", "decision_no", "decision_date", "form", "level", "exemplar", "revoked_decision_no")
    column_searchable_list = ("code", "decision_no", "form", "issuer", "exemplar.name")
    column_formatters = {"code": public_code}
    column_formatters_detail = {"code": public_code}
    form_columns = (
        "code",
        "exemplar",
        "form",
        "level",
        "issuer",
        "decision_no",
        "decision_date",
        "reason",
        "movement",
        "revoked_decision_no",
        "revoked_on",
        "revoked_reason",
    )
    form_extra_fields = {"code": code_field()}
    column_default_sort = [("decision_date", True), ("id", True)]
    column_filters = (
        EnumEqual(Commendation.level, "Cấp", CommendationLevel),
        YearIs(Commendation.decision_date, "Năm quyết định"),
        IsRevoked(Commendation.revoked_decision_no, "Đã thu hồi"),
    )
    column_labels = {
        "code": "Mã công khai",
        "decision_no": "Số quyết định",
        "decision_date": "Ngày quyết định",
        "form": "Hình thức",
        "level": "Cấp",
        "issuer": "Cơ quan quyết định",
        "exemplar": "Điển hình",
        "exemplar.name": "Tên điển hình",
        "reason": "Lý do",
        "movement": "Phong trào",
        "revoked_decision_no": "Thu hồi theo QĐ",
        "revoked_on": "Ngày thu hồi",
        "revoked_reason": "Lý do thu hồi",
    }
    required_choices = {"exemplar": None}

    saver = staticmethod(exemplars.save_commendation)
    remover = staticmethod(exemplars.delete)
