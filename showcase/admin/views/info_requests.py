"""Requests to remove or correct information: the board's inbox beside the nominations (editors
and admins only; partners never see it nor the requesters' contact data). Every change goes
through `services.info_requests`; "Gỡ bài ngay" hides the story through the workflow."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, request, url_for
from flask_admin import expose
from sqlalchemy import select
from wtforms import TextAreaField
from wtforms.validators import Optional

from showcase.admin.views.base import ADMIN, EDITOR, EnumEqual, SecureModelView, attempt, me, valid_csrf
from showcase.extensions import db
from showcase.models import InfoRequest, InfoRequestKind, InfoRequestStatus, Story, StoryStatus
from showcase.services import info_requests, workflow
from showcase.services.contacts import show_code

LABELS = {
    "created_at": "Gửi lúc",
    "code": "Mã yêu cầu",
    "kind": "Yêu cầu",
    "story": "Bài viết",
    "exemplar": "Điển hình",
    "details": "Chưa đúng ở đâu, vì sao cần gỡ",
    "requester_name": "Người gửi",
    "relation": "Quan hệ với người được nói đến",
    "contact_phone": "Điện thoại người gửi",
    "contact_email": "Email người gửi",
    "consented_at": "Đồng ý xử lý dữ liệu lúc",
    "status": "Trạng thái",
    "note": "Ghi chú nội bộ",
    "handled_by": "Người xử lý",
    "handled_at": "Xử lý lúc",
    "closed_at": "Đóng lúc",
    "purged_at": "Đã xóa thông tin liên hệ lúc",
}


class InfoRequestView(SecureModelView):
    roles = (ADMIN, EDITOR)
    can_create = False
    can_delete = False
    column_list = ("created_at", "kind", "story", "exemplar", "relation", "status")
    column_labels = LABELS
    column_searchable_list = ("code", "details")
    column_filters = (
        EnumEqual(InfoRequest.status, "Trạng thái", InfoRequestStatus),
        EnumEqual(InfoRequest.kind, "Yêu cầu", InfoRequestKind),
    )
    column_default_sort = [("created_at", True), ("id", True)]  # newest first
    form_columns = ("status", "note")
    form_overrides = {"note": TextAreaField}
    form_args = {"note": {"validators": [Optional()], "description": "Chỉ Ban xem."}}
    form_widget_args = {"note": {"rows": 6}}
    edit_template = "admin/info_request_edit.html"
    column_formatters = {"code": lambda v, c, m, n: show_code(m.code)}

    def search_rows(self) -> list[tuple[int, str]]:
        # the code as stored and as people read it aloud (ABCD-EFGH-JKMN), and the story's title
        rows = db.session.execute(
            select(InfoRequest.id, InfoRequest.code, InfoRequest.details, Story.title).outerjoin(
                Story, InfoRequest.story_id == Story.id
            )
        )
        return [
            (row_id, "\n".join((code, show_code(code), details, title or "")))
            for row_id, code, details, title in rows
        ]

    def update(self, record: InfoRequest, values: dict[str, Any], seen: int | None) -> None:
        info_requests.update(record, values, by=me())

    def render(self, template: str, **kwargs: Any):
        model = kwargs.get("model")
        if template == self.edit_template and isinstance(model, InfoRequest):
            kwargs["Hidden"] = StoryStatus.HIDDEN
            kwargs["show_code"] = show_code
            kwargs["exposure"] = info_requests.exposure(model)
            kwargs["can_hide"] = model.story is not None and "hide" in workflow.allowed(model.story, me())
        return super().render(template, **kwargs)

    @expose("/hide/<int:record_id>", methods=("POST",))
    def hide_view(self, record_id: int):
        valid_csrf()
        record = self.get_one(record_id)
        if request.form.get("confirm") != "yes":
            flash("Chưa gỡ: hãy đánh dấu ô xác nhận bên nút «Gỡ bài ngay» rồi bấm lại.", "error")
            return redirect(url_for(".edit_view", id=record_id))
        done = attempt(
            lambda: info_requests.hide_story(record, by=me()),
            "Đã gỡ bài khỏi trang công khai; địa chỉ của bài giờ chỉ báo bài đã được gỡ theo yêu cầu, "
            "không nêu tên bài.",
        )
        if done:
            for line in info_requests.exposure_warnings(record):
                flash(line, "warning")
        return redirect(url_for(".edit_view", id=record_id))
