"""Exemplars and commendations: the register (editors and admins)."""

from __future__ import annotations

from showcase.admin.views.base import HistoryMixin, SecureModelView, optional_slug
from showcase.services import exemplars


class ExemplarView(HistoryMixin, SecureModelView):
    column_list = ("name", "kind", "locality", "role", "updated_at")
    column_searchable_list = ("name", "organisation")
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
    }
    column_formatters = {"kind": lambda v, c, m, n: m.kind.label}
    form_columns = ("name", "slug", "kind", "locality", "role", "organisation", "portrait", "bio_md")
    form_extra_fields = {"slug": optional_slug()}
    required_choices = {"locality": None}

    saver = staticmethod(exemplars.save_exemplar)
    remover = staticmethod(exemplars.delete)


class CommendationView(HistoryMixin, SecureModelView):
    column_list = ("decision_no", "decision_date", "form", "level", "exemplar", "revoked_decision_no")
    column_searchable_list = ("decision_no", "form", "issuer")
    column_labels = {
        "decision_no": "Số quyết định",
        "decision_date": "Ngày quyết định",
        "form": "Hình thức",
        "level": "Cấp",
        "issuer": "Cơ quan quyết định",
        "exemplar": "Điển hình",
        "reason": "Lý do",
        "movement": "Phong trào",
        "revoked_decision_no": "Thu hồi theo QĐ",
        "revoked_on": "Ngày thu hồi",
        "revoked_reason": "Lý do thu hồi",
    }
    column_formatters = {"level": lambda v, c, m, n: m.level.label}
    required_choices = {"exemplar": None}

    saver = staticmethod(exemplars.save_commendation)
    remover = staticmethod(exemplars.delete)
