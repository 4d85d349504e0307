"""Public consultations on award candidates: the consultations, their candidates, the people's
comments (with the commenters' contacts: editors and admins only, never partners) and where the
press ran the list. Every change goes through `services.consultations`."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import Response, has_app_context, redirect, request, url_for
from flask_admin import expose
from flask_admin.contrib.sqla.filters import FilterEqual
from sqlalchemy import select
from wtforms import TextAreaField
from wtforms.validators import Optional

from showcase.admin.views.base import (
    ADMIN,
    EDITOR,
    EnumEqual,
    SecureModelView,
    attempt,
    me,
    optional_slug,
    valid_csrf,
)
from showcase.extensions import db
from showcase.models import (
    CommentStatus,
    Consultation,
    ConsultationCandidate,
    ConsultationComment,
    ConsultationStatus,
    Locality,
)
from showcase.services import consultations
from showcase.spreadsheet import phone_cell

CONSULTATION_LABELS = {
    "title": "Tiêu đề",
    "slug": "Đường dẫn (slug)",
    "award": "Hình thức khen thưởng đề nghị",
    "proposing_body": "Cơ quan đề nghị",
    "intro": "Lời giới thiệu",
    "opens_on": "Ngày bắt đầu lấy ý kiến",
    "working_days": "Số ngày làm việc",
    "closes_at": "Hết hạn lúc",
    "status": "Trạng thái",
    "decision": "Quyết định khen thưởng",
    "candidates": "Người, tập thể được đề nghị",
    "coverage": "Đã đăng, phát",
}
CANDIDATE_LABELS = {
    "consultation": "Đợt lấy ý kiến",
    "position": "Thứ tự",
    "kind": "Cá nhân hay tập thể",
    "name": "Tên người, tập thể",
    "locality": "Địa phương",
    "role": "Chức vụ, đơn vị",
    "summary": "Tóm tắt thành tích",
    "exemplar": "Điển hình trên trang",
    "commendation": "Khen thưởng đã trao",
    "comments": "Ý kiến",
}
COMMENT_LABELS = {
    "candidate": "Người, tập thể được góp ý",
    "candidate.name": "Người, tập thể được góp ý",
    "candidate.consultation": "Đợt lấy ý kiến",
    "name": "Người góp ý",
    "phone": "Điện thoại",
    "email": "Email",
    "content": "Nội dung ý kiến",
    "consent": "Đồng ý xử lý dữ liệu",
    "status": "Tình trạng",
    "note": "Ghi chú nội bộ",
    "purged_at": "Đã xóa thông tin liên hệ lúc",
}
COVERAGE_LABELS = {
    "consultation": "Đợt lấy ý kiến",
    "outlet": "Cơ quan báo chí",
    "medium": "Loại hình",
    "published_on": "Ngày đăng, phát",
    "url": "Đường dẫn",
    "created_by_id": "Người ghi nhận",
}
EDITORS = (ADMIN, EDITOR)


class ConsultationView(SecureModelView):
    roles = EDITORS
    column_list = ("title", "award", "opens_on", "closes_at", "status")
    column_labels = CONSULTATION_LABELS
    column_searchable_list = ("title", "award", "proposing_body")
    column_filters = (EnumEqual(Consultation.status, "Trạng thái", ConsultationStatus),)
    column_details_exclude_list = (  # type: ignore[assignment]  # a longer tuple than the base's
        *SecureModelView.column_details_exclude_list,
        "candidates",
        "coverage",
    )
    form_columns = ("title", "slug", "award", "proposing_body", "intro", "opens_on", "working_days")
    form_overrides = {"intro": TextAreaField}
    form_extra_fields = {"slug": optional_slug()}
    form_args = {
        "working_days": {
            "description": "Ít nhất 10 ngày làm việc (Nghị định 98/2023/NĐ-CP, Điều 46). Ngày hết hạn "
            "được tính tự động, không kể thứ Bảy, Chủ nhật và ngày lễ, Tết.",
        },
        "opens_on": {
            "description": "Ngày danh sách được công bố; ngày này không tính vào số ngày làm việc. Sau khi "
            "công bố, ngày bắt đầu và số ngày làm việc không sửa được nữa."
        },
        "intro": {
            "validators": [Optional()],
            "description": "In trong thông báo ngay sau đoạn mở đầu chuẩn (“Thực hiện Điều 46 Nghị định số "
            "98/2023/NĐ-CP…, công khai danh sách… từ ngày… đến hết ngày…”), trước danh sách: đừng viết "
            "lại đoạn ấy. Để trống nếu không cần.",
        },
    }
    form_widget_args = {"intro": {"rows": 4}}
    edit_template = "admin/consultation_edit.html"

    saver = staticmethod(consultations.save)
    remover = staticmethod(consultations.delete)

    def edit_form(self, obj=None):
        form = super().edit_form(obj)
        if obj is not None and obj.status != ConsultationStatus.DRAFT:
            for name in ("opens_on", "working_days"):  # fixed once published (the service refuses)
                field = getattr(form, name)
                field.render_kw = {**(field.render_kw or {}), "readonly": True}
                field.description = "Đã công bố: không sửa được (thông báo và báo, đài đã đăng ngày này)."
        return form

    def render(self, template: str, **kwargs: Any):
        if template == self.edit_template and kwargs.get("model") is not None:
            record = kwargs["model"]
            number, decided_on = consultations.decision_parts(record)
            kwargs |= {
                "counts": consultations.counts(record),
                "phase": consultations.phase(record),
                "last_day": consultations.last_day(record),
                "countdown": consultations.countdown(record),
                "decision_number": number,
                "decision_date": decided_on.isoformat() if decided_on else "",
                "Status": ConsultationStatus,
                "CommentStatus": CommentStatus,
            }
        return super().render(template, **kwargs)

    def _step(self, record_id: int, work, done: str):
        valid_csrf()
        record = self.get_one(record_id)
        attempt(lambda: work(record), done)
        return redirect(url_for(".edit_view", id=record_id))

    @expose("/open/<int:record_id>", methods=("POST",))
    def open_view(self, record_id: int):
        return self._step(
            record_id,
            lambda r: consultations.open_(r, by=me()),
            "Đã công bố danh sách để lấy ý kiến nhân dân.",
        )

    @expose("/close/<int:record_id>", methods=("POST",))
    def close_view(self, record_id: int):
        return self._step(record_id, lambda r: consultations.close(r, by=me()), "Đã kết thúc đợt lấy ý kiến.")

    @expose("/decide/<int:record_id>", methods=("POST",))
    def decide_view(self, record_id: int):
        number = request.form.get("decision_number", "")[:400]
        decided_on = _form_date(request.form.get("decision_date", ""))
        return self._step(
            record_id,
            lambda r: consultations.decide(r, number, decided_on, by=me()),
            "Đã ghi quyết định khen thưởng; hãy gắn khen thưởng đã trao cho từng người, tập thể.",
        )

    @expose("/export/<int:record_id>")
    def export_view(self, record_id: int):
        record = self.get_one(record_id)
        saved: list[str] = []
        if not attempt(lambda: saved.append(consultations.export_csv(record, by=me()))):
            return redirect(url_for(".edit_view", id=record_id))
        response = Response(saved[0].encode("utf-8"), mimetype="text/csv")
        response.headers["Content-Disposition"] = (
            f'attachment; filename="{consultations.export_name(record)}"'
        )
        response.headers["Cache-Control"] = "private, no-store"
        return response


def _form_date(raw: str) -> date | None:
    """A date as a browser's date input sends it (2027-03-15) or as typed (15/03/2027); None
    for anything else (the service then asks for it)."""
    raw = raw.strip()[:20]
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(raw, pattern).date()
        except ValueError:
            continue
    return None


class PrefilledConsultation:
    """A form opened from a consultation's screen (?consultation=<id>) starts with that
    consultation chosen; `url=` (Flask-Admin's return address) brings the editor back to it."""

    def create_form(self, obj=None):
        form = super().create_form(obj)  # type: ignore[misc]
        raw = request.args.get("consultation", "")
        if request.method == "GET" and raw.isdigit() and len(raw) < 10:
            chosen = db.session.get(Consultation, int(raw))
            if chosen is not None:
                form.consultation.data = chosen
        return form


class IdEqual(FilterEqual):
    """A list filter on a row id (an integer column): the value in the URL as a number, anything
    else ignored (PostgreSQL will not compare an integer with text)."""

    def clean(self, value):
        if not str(value).isdigit() or len(str(value)) > 9:
            raise ValueError(value)  # Flask-Admin drops the filter
        return int(value)

    def operation(self) -> str:
        return "là"


class LiveChoices:
    """A list whose filter offers rows of the database (consultations, candidates): the choices are
    read again for each page (Flask-Admin reads them once, when the app starts, before any row)."""

    def _get_filter_groups(self):
        self._refresh_filters_cache()  # type: ignore[attr-defined]
        return super()._get_filter_groups()  # type: ignore[misc]


def _consultation_choices() -> list[tuple[str, str]]:
    if not has_app_context():
        return []
    return [(str(c.id), c.title) for c in _consultations()]


def _candidate_choices() -> list[tuple[str, str]]:
    if not has_app_context():
        return []
    rows = db.session.scalars(select(ConsultationCandidate).order_by(ConsultationCandidate.id))
    return [(str(c.id), f"{c.name} — {c.consultation.title}") for c in rows]


def _current_localities():
    return db.session.scalars(select(Locality).order_by(Locality.name)).all()


def _consultations():
    return db.session.scalars(select(Consultation).order_by(Consultation.opens_on.desc())).all()


class CandidateView(PrefilledConsultation, LiveChoices, SecureModelView):
    roles = EDITORS
    column_list = ("consultation", "position", "name", "kind", "locality", "commendation")
    column_labels = CANDIDATE_LABELS
    column_searchable_list = ("name", "role")
    column_default_sort = [("consultation_id", True), ("position", False), ("id", False)]
    column_filters = (
        IdEqual(
            ConsultationCandidate.consultation_id,
            "Đợt lấy ý kiến",
            options=_consultation_choices,
        ),
    )
    column_details_exclude_list = (  # type: ignore[assignment]
        *SecureModelView.column_details_exclude_list,
        "comments",
    )
    form_columns = (
        "consultation",
        "position",
        "kind",
        "name",
        "role",
        "locality",
        "summary",
        "exemplar",
        "commendation",
    )
    form_overrides = {"summary": TextAreaField}
    form_widget_args = {"summary": {"rows": 5}}
    form_args = {
        "commendation": {"description": "Gắn sau khi có quyết định: trang công khai dẫn tới sổ khen thưởng."},
        "exemplar": {"description": "Nếu người, tập thể này đã có trang điển hình."},
        "position": {"default": 1, "description": "Thứ tự trong danh sách công bố (1, 2, 3…)."},
    }
    required_choices = {"consultation": _consultations, "locality": _current_localities}

    saver = staticmethod(consultations.save_candidate)
    remover = staticmethod(consultations.delete_candidate)


class CommentView(LiveChoices, SecureModelView):
    """The people's comments, per candidate: contacts shown to editors and admins only."""

    roles = EDITORS
    can_create = False
    can_delete = False
    column_list = ("created_at", "candidate", "name", "content", "status")
    column_labels = COMMENT_LABELS
    column_searchable_list = ("name", "content", "candidate.name")
    column_default_sort = [("created_at", True), ("id", True)]
    column_filters = (
        EnumEqual(ConsultationComment.status, "Tình trạng", CommentStatus),
        IdEqual(
            ConsultationComment.candidate_id,
            "Người, tập thể được góp ý",
            options=_candidate_choices,
        ),
    )
    column_formatters = {
        "content": lambda v, c, m, n: m.content if len(m.content) <= 160 else m.content[:160] + "…",
    }
    column_details_exclude_list = (  # type: ignore[assignment]
        *SecureModelView.column_details_exclude_list,
        "name_key",
        "content_key",
        "ip_hash",
    )
    form_columns = ("status", "note")
    form_overrides = {"note": TextAreaField}
    form_args = {"note": {"validators": [Optional()], "description": "Chỉ Ban xem."}}
    form_widget_args = {"note": {"rows": 4}}
    edit_template = "admin/consultation_comment_edit.html"

    def render(self, template: str, **kwargs: Any):
        if template == self.edit_template and kwargs.get("model") is not None:
            kwargs["duplicate"] = consultations.duplicate_of(kwargs["model"])
            kwargs["phone"] = phone_cell(kwargs["model"].phone)  # 0987 654 321, as the CSV writes it
        return super().render(template, **kwargs)

    def update(self, record: ConsultationComment, values: dict[str, Any], seen: int | None) -> None:
        consultations.update_comment(record, values, by=me())


class ConsultationCoverageView(PrefilledConsultation, SecureModelView):
    roles = EDITORS
    column_list = ("consultation", "outlet", "medium", "published_on", "url")
    column_labels = COVERAGE_LABELS
    column_searchable_list = ("outlet",)
    form_columns = ("consultation", "outlet", "medium", "published_on", "url")
    required_choices = {"consultation": _consultations}
    column_default_sort = [("published_on", True), ("id", True)]

    saver = staticmethod(consultations.save_coverage)
    remover = staticmethod(consultations.delete_coverage)
