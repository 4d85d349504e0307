"""Citizens' nominations: the board's inbox (editors and admins only; partners never see it nor
the nominators' contact data). Every change goes through `services.nominations`."""

from __future__ import annotations

from typing import Any

from flask import redirect, request, url_for
from flask_admin import expose
from sqlalchemy import func, select
from wtforms import TextAreaField
from wtforms.validators import Length, Optional

from showcase.admin.views.base import ADMIN, EDITOR, EnumEqual, SecureModelView, attempt, me, valid_csrf
from showcase.extensions import db
from showcase.models import Field, Nomination, NominationStatus
from showcase.services import nominations

LABELS = {
    "created_at": "Gửi lúc",
    "nominee_name": "Người, tập thể được đề xuất",
    "nominee_kind": "Cá nhân hay tập thể",
    "locality": "Địa phương",
    "deed": "Việc tốt",
    "deed_when": "Khi nào",
    "why": "Vì sao đáng biết đến",
    "evidence": "Bằng chứng",
    "links": "Đường dẫn",
    "contact_name": "Người đề xuất",
    "contact_phone": "Điện thoại người đề xuất",
    "contact_email": "Email người đề xuất",
    "consent": "Đồng ý xử lý dữ liệu",
    "consented_at": "Đồng ý lúc",
    "status": "Trạng thái",
    "public_reply": "Trả lời công khai",
    "note": "Ghi chú nội bộ",
    "closed_at": "Đóng lúc",
    "purged_at": "Đã xóa thông tin liên hệ lúc",
    "exemplar": "Điển hình đã tạo",
    "story": "Bài nháp đã tạo",
    "photos": "Ảnh",
    "moderator_id": "Người xử lý",
}


def status_counts() -> dict[NominationStatus, int]:
    """How many nominations are in each status (the dashboard's figures)."""
    rows = db.session.execute(select(Nomination.status, func.count()).group_by(Nomination.status))
    counts = {status: 0 for status in NominationStatus}
    for status, count in rows:
        counts[status] = count
    return counts


class NominationView(SecureModelView):
    roles = (ADMIN, EDITOR)
    can_create = False
    can_delete = False
    column_list = ("created_at", "nominee_name", "nominee_kind", "locality", "status")
    column_labels = LABELS
    column_searchable_list = ("nominee_name", "deed")
    column_filters = (EnumEqual(Nomination.status, "Trạng thái", NominationStatus),)
    column_default_sort = [("created_at", True), ("id", True)]
    # the base's list plus what only the machinery reads (the code's hash, the folded name)
    column_details_exclude_list = (  # type: ignore[assignment]  # a longer tuple than the base's
        *SecureModelView.column_details_exclude_list,
        "code_hash",
        "nominee_key",
    )
    form_columns = ("status", "public_reply", "note")
    form_overrides = {"public_reply": TextAreaField, "note": TextAreaField}
    form_args = {
        "public_reply": {
            "validators": [Optional(), Length(max=3000)],
            "description": "Hiện trên trang theo dõi của người đề xuất. Không ghi thông tin liên hệ.",
        },
        "note": {"validators": [Optional()], "description": "Chỉ Ban xem."},
    }
    form_widget_args = {"public_reply": {"rows": 4}, "note": {"rows": 6}}
    edit_template = "admin/nomination_edit.html"

    def update(self, record: Nomination, values: dict[str, Any], seen: int | None) -> None:
        nominations.update(record, values, by=me())

    def render(self, template: str, **kwargs: Any):
        if template == self.edit_template and kwargs.get("model") is not None:
            record = kwargs["model"]
            kwargs |= {
                "duplicates": nominations.likely_duplicates(record),
                "fields": db.session.scalars(select(Field).order_by(Field.name)).all(),
                "Status": NominationStatus,
            }
        return super().render(template, **kwargs)

    @expose("/convert/<int:record_id>", methods=("POST",))
    def convert_view(self, record_id: int):
        valid_csrf()
        record = self.get_one(record_id)
        raw = request.form.get("field", "")
        field = db.session.get(Field, int(raw)) if raw.isdigit() and len(raw) < 10 else None
        made: list[Any] = []
        done = attempt(
            lambda: made.extend(nominations.convert(record, by=me(), field=field)),
            "Đã tạo điển hình và bài nháp từ đề xuất; đề xuất chuyển sang «Đã tiếp nhận».",
        )
        if done:
            return redirect(url_for("stories.edit_view", id=made[1].id))
        return redirect(url_for(".edit_view", id=record_id))
