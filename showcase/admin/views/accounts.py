"""Accounts (admins only): name, organisation, role and whether the account is active."""

from __future__ import annotations

from showcase.admin.views.base import ADMIN, SecureModelView, me
from showcase.services import accounts


class UserView(SecureModelView):
    roles = (ADMIN,)
    can_create = can_delete = False  # accounts are created with `flask users create`
    column_list = ("email", "name", "organisation", "role", "active", "last_login_at")
    column_labels = {
        "email": "Email",
        "name": "Tên",
        "organisation": "Đơn vị",
        "role": "Vai trò",
        "active": "Đang hoạt động",
        "last_login_at": "Đăng nhập gần nhất",
    }
    column_formatters = {"role": lambda v, c, m, n: m.role.label}
    column_searchable_list = ("email", "name", "organisation")
    column_default_sort = [("name", False), ("id", False)]
    form_columns = ("name", "organisation", "role", "active")
    edit_template = "admin/user_edit.html"

    def update(self, record, values, seen):
        accounts.update_user(record, values, by=me(), seen=seen)
