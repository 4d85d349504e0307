"""Stories in the panel: the form, the workflow buttons, previews and bulk actions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_admin.actions import action
from flask_admin.helpers import get_redirect_target

from showcase.admin.views.base import (
    STAFF,
    EnumEqual,
    HistoryMixin,
    SecureModelView,
    attempt,
    me,
    optional_slug,
    valid_csrf,
)
from showcase.dates import from_local
from showcase.models import Story, StoryStatus
from showcase.services import preview, stories, workflow
from showcase.services.errors import ServiceError


class StoryView(HistoryMixin, SecureModelView):
    roles = STAFF
    owner = "author_id"
    column_list = ("title", "status", "author", "published_at", "publish_at", "featured", "updated_at")
    column_searchable_list = ("title", "summary")
    column_filters = (EnumEqual(Story.status, "Trạng thái", StoryStatus), "featured")
    column_labels = {
        "title": "Tiêu đề",
        "status": "Trạng thái",
        "author": "Tác giả",
        "published_at": "Ngày đăng",
        "publish_at": "Hẹn đăng",
        "featured": "Nổi bật",
        "updated_at": "Cập nhật",
        "summary": "Tóm tắt",
        "body_md": "Nội dung (Markdown)",
        "exemplars": "Điển hình",
        "movements": "Phong trào",
        "field": "Lĩnh vực",
        "locality": "Địa phương",
        "byline": "Nguồn",
        "cover": "Ảnh bìa",
        "broadcast_summary": "Bản tin 60 giây",
        "slug": "Đường dẫn (slug)",
    }
    column_formatters = {"status": lambda v, c, m, n: m.status.label}
    form_columns = (
        "title",
        "slug",
        "summary",
        "body_md",
        "exemplars",
        "movements",
        "field",
        "locality",
        "byline",
        "broadcast_summary",
        "cover",
    )
    form_extra_fields = {"slug": optional_slug()}
    required_choices = {"field": None, "locality": None}
    form_widget_args = {"body_md": {"rows": 18}, "summary": {"rows": 3}, "broadcast_summary": {"rows": 5}}
    edit_template = "admin/story_edit.html"
    details_template = "admin/story_details.html"

    def form_values(self, form) -> dict[str, Any]:
        # a workflow field someone added to the request goes to the service, which refuses it
        posted = {name: request.form[name] for name in stories.WORKFLOW_FIELDS if name in request.form}
        return super().form_values(form) | posted

    def create(self, values):
        return stories.create(values, by=me())

    def update(self, record, values, seen):
        scheduled = record.publish_at
        changed = stories.update(record, values, by=me(), seen=seen)
        if changed and not me().is_editor and record.status == StoryStatus.IN_REVIEW:
            flash(
                "Bài đã quay lại hàng chờ duyệt"
                + (" và lịch hẹn đăng đã được hủy" if scheduled else "")
                + ": biên tập viên sẽ duyệt lại nội dung bạn vừa sửa.",
                "info",
            )

    def remove(self, record):
        stories.delete(record, by=me())

    @expose("/edit/", methods=("GET", "POST"))
    def edit_view(self):
        story = self.get_one(request.args.get("id", ""))
        if not workflow.can_edit(story, me()):
            abort(403)
        return super().edit_view()

    @expose("/workflow/<int:story_id>/<step>", methods=("POST",))
    def workflow_view(self, story_id: int, step: str):
        valid_csrf()
        story = self.get_one(story_id)
        when = None
        raw_when = request.form.get("when", "").strip()
        if raw_when:
            try:
                when = from_local(datetime.fromisoformat(raw_when))
            except (ValueError, OverflowError):  # not a time, or one no calendar here holds
                flash("Thời điểm hẹn đăng không hợp lệ.", "error")
                return redirect(self._back(story))
        label = workflow.TRANSITIONS[step].label if step in workflow.TRANSITIONS else step
        attempt(
            lambda: workflow.transition(story, step, by=me(), text=request.form.get("text", ""), when=when),
            f"Đã «{label}»: {story.title}",
        )
        return redirect(self._back(story))

    @expose("/preview/<int:story_id>")
    def preview_view(self, story_id: int):
        """The story as the public page will show it (editors and the author)."""
        from showcase.site.views import preview_response

        return preview_response(self.get_one(story_id))

    @expose("/preview/<int:story_id>/revoke", methods=("POST",))
    def revoke_previews_view(self, story_id: int):
        """End every preview link given out for this story (editors)."""
        valid_csrf()
        story = self.get_one(story_id)
        attempt(
            lambda: preview.revoke(story, by=me()),
            "Đã thu hồi mọi đường dẫn xem trước đã gửi; đường dẫn mới ở dưới.",
        )
        return redirect(self._back(story))

    def _back(self, story: Story) -> str:
        view = ".edit_view" if workflow.can_edit(story, me()) else ".details_view"
        return get_redirect_target() or url_for(view, id=story.id)

    def is_action_allowed(self, name: str) -> bool:
        if name in workflow.TRANSITIONS:
            return me().is_editor
        return super().is_action_allowed(name)

    def _bulk(self, ids, name: str) -> None:
        done, refused = 0, []
        wanted = [int(i) for i in ids if str(i).isdigit() and int(i) < 2**31]
        for story in self.get_query().filter(Story.id.in_(wanted)).all():
            try:
                workflow.transition(story, name, by=me())
                done += 1
            except ServiceError as exc:
                refused.append(f"{story.title}: {exc}")
        attempt(lambda: None, f"Đã «{workflow.TRANSITIONS[name].label}» {done} bài.")
        for message in refused[:10]:
            flash(message, "error")

    @action("publish", "Duyệt và đăng", "Duyệt và đăng các bài đã chọn?")
    def action_publish(self, ids):
        self._bulk(ids, "publish")

    @action("archive", "Gỡ xuống (lưu trữ)", "Gỡ các bài đã chọn khỏi trang công khai?")
    def action_archive(self, ids):
        self._bulk(ids, "archive")
