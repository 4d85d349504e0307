"""The trash and the audit log."""

from __future__ import annotations

from flask import redirect, url_for
from flask_admin import expose
from flask_login import current_user

from showcase.admin.views.base import ADMIN, SecureModelView, attempt, me, valid_csrf
from showcase.services import trash


class TrashView(SecureModelView):
    """Deleted stories, exemplars and commendations: editors restore; only an admin purges."""

    can_create = can_edit = False
    column_list = ("label", "object_type", "deleted_at", "deleted_by_id")
    column_default_sort = ("deleted_at", True)
    column_labels = {
        "label": "Tiêu đề",
        "object_type": "Loại",
        "deleted_at": "Xóa lúc",
        "deleted_by_id": "Người xóa",
    }
    list_template = "admin/trash_list.html"

    @property
    def can_delete(self) -> bool:
        return current_user.is_authenticated and current_user.has_role(ADMIN)

    remover = staticmethod(trash.purge)

    def is_action_allowed(self, name: str) -> bool:
        return name == "delete" and self.can_delete

    @expose("/restore/<int:item_id>", methods=("POST",))
    def restore_view(self, item_id: int):
        valid_csrf()
        item = self.get_one(item_id)
        attempt(lambda: trash.restore(item, by=me()), f"Đã khôi phục «{item.label}».")
        return redirect(url_for(".index_view"))


class AuditLogView(SecureModelView):
    can_create = can_edit = can_delete = False
    column_list = ("at", "user_id", "action", "object_type", "object_id", "ip")
    column_default_sort = ("at", True)
    column_filters = ("action", "object_type")
    column_labels = {
        "at": "Thời điểm",
        "user_id": "Người dùng",
        "action": "Thao tác",
        "object_type": "Đối tượng",
        "object_id": "Mã",
        "ip": "Địa chỉ IP",
        "detail": "Chi tiết",
    }
