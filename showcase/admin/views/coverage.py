"""Coverage: what newspapers, TV and radio published from a story; editors approve partners'."""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask_admin import expose
from flask_admin.actions import action

from showcase.admin.views.base import STAFF, SecureModelView, attempt, me, valid_csrf
from showcase.extensions import db
from showcase.models import CoverageItem
from showcase.services import coverage


def _stories_for_me():
    return db.session.scalars(coverage.stories_for(me())).all()


class CoverageView(SecureModelView):
    roles = STAFF
    owner = "created_by_id"
    column_list = ("story", "outlet", "title", "medium", "published_on", "approved_at")
    column_labels = {
        "story": "Bài viết",
        "story.title": "Tiêu đề bài viết",
        "outlet": "Cơ quan báo chí",
        "title": "Tiêu đề tin bài",
        "url": "Đường dẫn",
        "medium": "Loại hình",
        "published_on": "Ngày đăng",
        "approved_at": "Đã duyệt",
    }
    column_formatters = {
        "approved_at": lambda v, c, m, n: "Đã duyệt" if m.is_approved else "Chờ biên tập viên duyệt",
    }
    form_columns = ("story", "outlet", "title", "url", "medium", "published_on")
    column_searchable_list = ("title", "outlet", "story.title")
    required_choices = {"story": _stories_for_me}
    list_template = "admin/coverage_list.html"

    remover = staticmethod(coverage.delete)

    def create(self, values):
        record = self.build_new_instance()
        coverage.save(record, values, by=me(), created=True)
        self._say_if_waiting(record)
        return record

    def update(self, record, values, seen):
        coverage.save(record, values, by=me(), created=False, seen=seen)
        self._say_if_waiting(record)

    def _say_if_waiting(self, record) -> None:
        if not record.is_approved:
            flash("Tin bài sẽ hiện trên trang công khai sau khi biên tập viên duyệt.", "info")

    @expose("/approve/<int:item_id>", methods=("POST",))
    def approve_view(self, item_id: int):
        valid_csrf()
        item = self.get_one(item_id)
        attempt(
            lambda: coverage.approve(item, by=me()),
            f"Đã duyệt «{item.title}»: tin bài hiện trên trang công khai.",
        )
        return redirect(url_for(".index_view"))

    def is_action_allowed(self, name: str) -> bool:
        if name == "approve":
            return me().is_editor
        return super().is_action_allowed(name)

    @action("approve", "Duyệt (hiện trên trang công khai)", "Duyệt các tin bài đã chọn?")
    def action_approve(self, ids):
        wanted = [int(i) for i in ids if str(i).isdigit() and int(i) < 2**31]
        items = self.get_query().filter(CoverageItem.id.in_(wanted)).all()

        def work():
            for item in items:
                coverage.approve(item, by=me())

        attempt(work, f"Đã duyệt {len(items)} tin bài.")

    @expose("/report/")
    def report_view(self):
        """Coverage by outlet and by month (partners see their own entries)."""
        rows = self.get_query().all()
        table: dict[str, dict[str, int]] = {}
        for item in rows:
            month = item.published_on.strftime("%m/%Y")
            table.setdefault(item.outlet, {}).setdefault(month, 0)
            table[item.outlet][month] += 1
        months = sorted({m for counts in table.values() for m in counts}, key=lambda m: (m[3:], m[:2]))
        return self.render("admin/coverage_report.html", table=table, months=months, total=len(rows))
