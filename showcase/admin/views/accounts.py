"""Accounts (admins only): invite someone, change a name, organisation or role, lock an account."""

from __future__ import annotations

from flask import current_app, request
from flask_admin import expose
from flask_wtf import FlaskForm
from wtforms import EmailField, StringField
from wtforms.validators import DataRequired, Length, Optional

from showcase.admin.auth import reset_url
from showcase.admin.views.base import ADMIN, EnumSelectField, SecureModelView, attempt, me
from showcase.models import User, UserRole
from showcase.services import accounts


class InviteForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired("Hãy nhập email."), Length(max=254)])
    name = StringField("Họ và tên", validators=[DataRequired("Hãy nhập họ và tên."), Length(max=200)])
    organisation = StringField(
        "Đơn vị",
        validators=[Optional(), Length(max=200)],
        description="Ví dụ: Báo Hải Phòng, Ban Thi đua – Khen thưởng.",
    )
    role = EnumSelectField("Vai trò", UserRole)


class UserView(SecureModelView):
    roles = (ADMIN,)
    can_create = can_delete = False  # accounts are invited (below) or made with `flask users create`
    column_list = ("email", "name", "organisation", "role", "active", "last_login_at")
    column_labels = {
        "email": "Email",
        "name": "Tên",
        "organisation": "Đơn vị",
        "role": "Vai trò",
        "active": "Đang hoạt động",
        "last_login_at": "Đăng nhập gần nhất",
    }
    column_searchable_list = ("email", "name", "organisation")
    column_default_sort = [("name", False), ("id", False)]
    form_columns = ("name", "organisation", "role", "active")
    edit_template = "admin/user_edit.html"
    list_template = "admin/user_list.html"

    def update(self, record, values, seen):
        accounts.update_user(record, values, by=me(), seen=seen)

    @expose("/invite/", methods=("GET", "POST"))
    def invite_view(self):
        """Invite someone: the account and a one-time link to set its password, shown here once."""
        form = InviteForm()
        if not form.validate_on_submit():
            status = 400 if request.method == "POST" else 200
            return self.render("admin/user_invite.html", form=form), status
        made: list[tuple[User, str]] = []
        role = form.role.data.value if isinstance(form.role.data, UserRole) else ""
        invited = attempt(
            lambda: made.append(
                accounts.invite(
                    form.email.data or "", form.name.data or "", role, form.organisation.data or "", by=me()
                )
            )
        )
        if not invited:
            return self.render("admin/user_invite.html", form=form), 400
        user, token = made[0]
        url = reset_url(token)
        # no mail server: the link is shown to the admin once and written to the log (at WARNING: Flask's
        # logger drops INFO unless logging is configured, and this line must reach the server's log)
        log = current_app.logger
        log.warning("Mời tài khoản %s (%s): liên kết đặt mật khẩu %s", user.email, user.role.value, url)
        page = self.render("admin/user_invited.html", user=user, url=url, hours=accounts.reset_hours())
        return page, 200, {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
