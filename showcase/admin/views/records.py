"""The trash and the audit log, in words: people by name, actions and kinds in Vietnamese."""

from __future__ import annotations

from typing import Any, NamedTuple

from flask import current_app, g, redirect, url_for
from flask_admin import expose
from flask_admin.contrib.sqla.filters import FilterEqual
from flask_admin.model.template import macro
from flask_login import current_user
from sqlalchemy import select

from showcase import models
from showcase.admin import labels
from showcase.admin.views.base import ADMIN, SecureModelView, attempt, me, valid_csrf
from showcase.extensions import db
from showcase.models import AuditLog, User
from showcase.services import trash
from showcase.services.contacts import show_code


def person(user_id: int | None) -> str:
    """A user's name ("—" for the system, e.g. a scheduled publication or an import)."""
    if user_id is None:
        return "Hệ thống"
    if "person_names" not in g:
        g.person_names = dict(db.session.execute(select(User.id, User.name)).all())
    return g.person_names.get(user_id, "Tài khoản đã xóa")


class ChoiceEqual(FilterEqual):
    """A filter on a code column offering the codes' Vietnamese words."""

    def __init__(self, column: Any, name: str, words: dict[str, str]) -> None:
        super().__init__(column, name, options=sorted(words.items(), key=lambda item: item[1]))

    def operation(self) -> str:
        return "là"


class TrashView(SecureModelView):
    """Deleted stories, exemplars and commendations: editors restore; only an admin purges."""

    can_create = can_edit = False
    column_list = ("label", "object_type", "deleted_at", "deleted_by_id")
    column_details_list = column_list
    column_default_sort = ("deleted_at", True)
    column_labels = {
        "label": "Tiêu đề",
        "object_type": "Loại",
        "deleted_at": "Xóa lúc",
        "deleted_by_id": "Người xóa",
    }
    column_formatters = {
        "object_type": lambda v, c, m, n: labels.kind_label(m.object_type),
        "deleted_by_id": lambda v, c, m, n: person(m.deleted_by_id),
    }
    column_filters = (ChoiceEqual(models.TrashItem.object_type, "Loại", dict(labels.KINDS)),)
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


class AuditObject(NamedTuple):
    kind: str  # "Bài viết"
    title: str  # the object's title or name ("" when unknown)
    url: str | None  # where it can be opened by this user, while it exists
    gone: bool  # deleted since


def _title(record: Any) -> str:
    if isinstance(record, User):
        return record.name
    if isinstance(record, models.InfoRequest):  # named by its code, as the requester reads it
        return f"mã {show_code(record.code)}"
    if isinstance(record, models.ConsultationComment):  # never the commenter's name: the Mã and whom
        return f"Ý kiến mã {record.id} về {record.candidate.name}"
    for name in ("title", "name", "label", "decision_no", "caption", "original_name", "key"):
        value = getattr(record, name, None)
        if value:
            return str(value)
    return ""


class AuditLogView(SecureModelView):
    """Who did what to which object, and when (read-only)."""

    can_create = can_edit = can_delete = False
    column_list = ("at", "user_id", "action", "object_type", "object_id", "detail")
    column_details_list = ("at", "user_id", "action", "object_type", "object_id", "detail", "ip")
    column_default_sort = ("at", True)
    column_filters = (
        ChoiceEqual(AuditLog.action, "Thao tác", labels.ACTIONS),
        ChoiceEqual(AuditLog.object_type, "Loại đối tượng", labels.KINDS),
    )
    column_labels = {
        "at": "Thời điểm",
        "user_id": "Người thực hiện",
        "action": "Thao tác",
        "object_type": "Loại",
        "object_id": "Đối tượng",
        "ip": "Địa chỉ IP",
        "detail": "Chi tiết",
    }
    column_formatters = {
        "user_id": lambda v, c, m, n: person(m.user_id),
        "action": lambda v, c, m, n: labels.action_label(m.action),
        "object_type": lambda v, c, m, n: labels.kind_label(m.object_type),
        "object_id": macro("audit_object"),
        "detail": lambda v, c, m, n: labels.detail_text(m.detail, m.object_type) or "—",
    }
    list_template = "admin/audit_list.html"
    details_template = "admin/audit_details.html"


def audit_object(row: AuditLog) -> AuditObject | None:
    """The object an audit row is about, by kind and title, linked while it exists."""
    if not row.object_type or row.object_id is None:
        return None
    kind = labels.kind_label(row.object_type)
    model = getattr(models, row.object_type, None)
    record = db.session.get(model, row.object_id) if isinstance(model, type) else None
    if record is None:
        return AuditObject(kind, _remembered_title(row), None, True)
    return AuditObject(kind, _title(record), _url(row.object_type, row.object_id), False)


def _url(type_name: str, object_id: int) -> str | None:
    endpoint = labels.ENDPOINTS.get(type_name)
    admin = current_app.extensions["showcase_admin"]
    view = next((v for v in admin._views if getattr(v, "endpoint", None) == endpoint), None)
    if view is None or not view.is_accessible():
        return None
    page = "details_view" if view.can_view_details else "edit_view"
    return url_for(f"{endpoint}.{page}", id=object_id)


def _remembered_title(row: AuditLog) -> str:
    """A deleted object's title, as its deletion's audit row kept it."""
    label = (row.detail or {}).get("label")
    if label:
        return str(label)
    details = db.session.scalars(
        select(AuditLog.detail)
        .where(
            AuditLog.object_type == row.object_type,
            AuditLog.object_id == row.object_id,
            AuditLog.action.in_(("delete", "purge")),
        )
        .order_by(AuditLog.id.desc())
        .limit(1)
    ).all()
    return str(details[0].get("label", "")) if details else ""


def init_templates(app) -> None:
    """Give templates the audit log's words (the dashboard's recent activity uses them too)."""
    app.add_template_filter(labels.action_label, "action_label")
    app.add_template_filter(labels.kind_label, "kind_label")
    app.add_template_filter(labels.detail_text, "audit_detail")
    app.add_template_global(audit_object, "audit_object")
    app.add_template_global(person, "person")
