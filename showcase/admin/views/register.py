"""Exemplars and commendations: the register (editors and admins)."""

from __future__ import annotations

from datetime import date

from flask_admin.contrib.sqla.filters import BooleanEqualFilter, FilterEqual

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
from showcase.services import exemplars


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


def photo_label(asset: MediaAsset) -> str:
    """A photo in a select: what it shows (its alt text), then its file name."""
    parts = [part for part in (asset.alt_text, asset.original_name) if part]
    return " — ".join(parts) or "Ảnh chưa có mô tả"


class ExemplarView(HistoryMixin, SecureModelView):
    column_list = ("name", "kind", "locality", "role", "sector", "updated_at")
    column_searchable_list = ("name", "organisation", "role")
    column_default_sort = [("name", False), ("id", False)]
    column_filters = (
        EnumEqual(Exemplar.kind, "Loại", ExemplarKind),
        EnumEqual(Exemplar.gender, "Giới tính", Gender),
        EnumEqual(Exemplar.work_role, "Vị trí công tác", WorkRole),
        EnumEqual(Exemplar.sector, "Khu vực", Sector),
        EnumEqual(Exemplar.collective_size, "Quy mô tập thể", CollectiveSize),
    )
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
    }

    saver = staticmethod(exemplars.save_exemplar)
    remover = staticmethod(exemplars.delete)


class CommendationView(HistoryMixin, SecureModelView):
    column_list = ("decision_no", "decision_date", "form", "level", "exemplar", "revoked_decision_no")
    column_searchable_list = ("decision_no", "form", "issuer", "exemplar.name")
    column_default_sort = [("decision_date", True), ("id", True)]
    column_filters = (
        EnumEqual(Commendation.level, "Cấp", CommendationLevel),
        YearIs(Commendation.decision_date, "Năm quyết định"),
        IsRevoked(Commendation.revoked_decision_no, "Đã thu hồi"),
    )
    column_labels = {
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
