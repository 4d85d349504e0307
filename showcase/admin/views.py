"""Flask-Admin views: who may open what (roles matrix in DESIGN.md), and saves through services.

Rules are enforced on the server: in the list query and in `get_one` (a row a user may not
see is a 404 on every view: edit, details, delete, actions), and in the form (status and the
other workflow fields are never taken from a form).
"""

from __future__ import annotations

from datetime import datetime

from flask import abort, flash, redirect, request, url_for
from flask_admin import AdminIndexView, expose
from flask_admin.actions import action
from flask_admin.contrib.sqla import ModelView
from flask_admin.helpers import get_redirect_target
from flask_login import current_user
from flask_wtf import FlaskForm
from slugify import slugify
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from wtforms import FileField, HiddenField, StringField
from wtforms.validators import Length, Optional, ValidationError

from showcase.admin.auth import safe_next
from showcase.dates import format_datetime, from_local
from showcase.extensions import db
from showcase.media import images
from showcase.models import (
    AuditLog,
    Commendation,
    CoverageItem,
    Exemplar,
    Field,
    Locality,
    MediaAsset,
    Movement,
    Revision,
    Story,
    StoryStatus,
    TrashItem,
    User,
    UserRole,
)
from showcase.services import accounts, audit, records, revisions, trash, workflow
from showcase.services.errors import ServiceError

ADMIN, EDITOR, PARTNER = UserRole.ADMIN, UserRole.EDITOR, UserRole.PARTNER
STAFF = (ADMIN, EDITOR, PARTNER)
# Never read from a form: only the workflow changes these.
WORKFLOW_FIELDS = {
    "status",
    "featured",
    "published_at",
    "publish_at",
    "author",
    "author_id",
    "retraction_reason",
    "review_comment",
    "created_at",
    "updated_at",
}


def me() -> User:
    return current_user._get_current_object()


def attempt(work, done: str = "") -> bool:
    """Run one change and commit it; when a service refuses, roll back and say why."""
    try:
        work()
        db.session.commit()
    except (ServiceError, ValidationError) as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return False
    except IntegrityError:
        db.session.rollback()
        flash(
            "Không thực hiện được: bản ghi đang được dùng ở nơi khác (ví dụ lĩnh vực còn bài viết), "
            "hoặc trùng với một bản ghi đã có (ví dụ cùng đường dẫn).",
            "error",
        )
        return False
    if done:
        flash(done, "success")
    return True


class Guarded:
    """Login required; the roles in `roles` may open the view; everyone else gets 403."""

    roles: tuple[UserRole, ...] = (ADMIN, EDITOR)

    def is_accessible(self) -> bool:
        return current_user.is_authenticated and current_user.has_role(*self.roles)

    def inaccessible_callback(self, name, **kwargs):
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        abort(403)

    def _handle_view(self, name, **kwargs):
        # Flask-Admin accepts "http:evil.example" as a return address (same host, it thinks);
        # only a path on this site is a valid `url=`.
        target = request.args.get("url")  # the query string (a form may have a field named url)
        if target and safe_next(target) is None:
            abort(400, description="Địa chỉ quay lại không hợp lệ: chỉ được là một trang của trang này.")
        return super()._handle_view(name, **kwargs)


class Dashboard(Guarded, AdminIndexView):
    roles = STAFF

    @expose("/")
    def index(self):
        user = me()
        waiting = scheduled = recent = []
        if user.is_editor:
            waiting = db.session.scalars(
                select(Story)
                .where(Story.status == StoryStatus.IN_REVIEW, Story.publish_at.is_(None))
                .order_by(Story.updated_at)
            ).all()
            scheduled = db.session.scalars(
                select(Story)
                .where(Story.status == StoryStatus.IN_REVIEW, Story.publish_at.is_not(None))
                .order_by(Story.publish_at)
            ).all()
            recent = db.session.scalars(select(AuditLog).order_by(AuditLog.at.desc()).limit(15)).all()
        else:
            recent = db.session.scalars(
                select(AuditLog).where(AuditLog.user_id == user.id).order_by(AuditLog.at.desc()).limit(15)
            ).all()
        drafts = db.session.scalars(
            select(Story)
            .where(Story.author_id == user.id, Story.status == StoryStatus.DRAFT)
            .order_by(Story.updated_at.desc())
        ).all()
        ids = {a.user_id for a in recent if a.user_id}
        names = (
            dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).all()) if ids else {}
        )
        return self.render(
            "admin/dashboard.html",
            waiting=waiting,
            scheduled=scheduled,
            drafts=drafts,
            recent=recent,
            names=names,
        )


class SecureModelView(Guarded, ModelView):
    """Every model view: CSRF through FlaskForm, saves and deletes through the services."""

    form_base_class = FlaskForm
    can_export = False
    can_view_details = True
    page_size = 25
    column_display_pk = False
    form_excluded_columns = ("created_at", "updated_at")
    column_default_sort = ("id", True)

    # --- the service path ------------------------------------------------------------

    def form_values(self, form) -> dict:
        return {name: f.data for name, f in form._fields.items() if name not in ("csrf_token", "seen")}

    # --- two people editing at once: the second save is refused, their text shown back ---

    def scaffold_form(self):
        form_class = super().scaffold_form()
        if hasattr(self.model, "updated_at"):
            form_class.seen = HiddenField()
        return form_class

    def on_form_prefill(self, form, id) -> None:
        if hasattr(form, "seen"):
            form.seen.data = self.get_one(id).updated_at.isoformat()

    def check_not_stale(self, form, model) -> None:
        seen = getattr(form, "seen", None)
        if seen is None or not seen.data:
            return
        current = model.updated_at.isoformat()
        if seen.data != current:
            seen.data = current  # saving again, on purpose, overwrites
            raise ServiceError(
                f"Người khác đã lưu bản ghi này lúc {format_datetime(model.updated_at)}, sau khi bạn mở nó. "
                "Nội dung bạn vừa viết vẫn ở dưới đây: hãy đối chiếu (xem «Lịch sử sửa đổi») "
                "rồi bấm Lưu lần nữa."
            )

    def check_form_fields(self) -> None:
        forbidden = sorted(WORKFLOW_FIELDS & set(request.form))
        if forbidden:
            raise ServiceError(
                f"Không được đặt «{', '.join(forbidden)}» qua biểu mẫu; hãy dùng các nút quy trình."
            )

    def save(self, record, values: dict, created: bool):
        """Apply the form through the services; return the record saved."""
        records.save(record, values, by=me(), created=created)
        return record

    def create_model(self, form):
        saved = []

        def work():
            self.check_form_fields()
            saved.append(self.save(self.build_new_instance(), self.form_values(form), created=True))

        return saved[0] if attempt(work) else False

    def update_model(self, form, model) -> bool:
        def work():
            self.check_form_fields()
            self.check_not_stale(form, model)
            self.save(model, self.form_values(form), created=False)

        return attempt(work)

    def delete_model(self, model) -> bool:
        def work():
            self.check_delete(model)
            if type(model).__name__ in trash.MODELS:  # stories, exemplars, commendations
                trash.discard(model, by=me())
            else:
                audit.record("delete", model, by=me(), label=str(model)[:200])
                db.session.delete(model)

        return attempt(work)

    def check_delete(self, model) -> None:
        """Raise ServiceError when this user may not delete this row."""

    # --- per-row rules: the same in the list query and in get_one ----------------------

    owner: str | None = None  # the column naming a row's owner: partners see only their rows

    def _own_rows(self, query):
        if self.owner is None or me().is_editor:
            return query
        return query.filter(getattr(self.model, self.owner) == me().id)

    def get_query(self):
        return self._own_rows(super().get_query())

    def get_count_query(self):
        return self._own_rows(super().get_count_query())

    def get_one(self, id):
        record = db.session.get(self.model, int(id)) if str(id).isdigit() else None
        if record is None or not self.can_see(record):
            abort(404)
        return record

    def can_see(self, record) -> bool:
        return self.owner is None or me().is_editor or getattr(record, self.owner) == me().id

    def handle_view_exception(self, exc: Exception) -> bool:
        if isinstance(exc, ServiceError):
            flash(str(exc), "error")
            return True
        return super().handle_view_exception(exc)


def optional_slug() -> StringField:
    """The slug may be left empty: it is then made from the title or name (đ → d)."""
    return StringField(
        "Đường dẫn (slug)",
        validators=[Optional(), Length(max=120)],
        description="Để trống để tạo tự động từ tiêu đề.",
    )


class HistoryMixin:
    """History, comparison and restore of a record's revisions (editors and admins)."""

    edit_template = "admin/record_edit.html"

    def _editor_record(self, record_id: int):
        if not me().is_editor:
            abort(403)
        return self.get_one(record_id)

    @expose("/history/<int:record_id>")
    def history_view(self, record_id: int):
        record = self._editor_record(record_id)
        items = revisions.history(record)
        names = dict(db.session.execute(select(User.id, User.name)).all())
        return self.render("admin/history.html", record=record, revisions=items, names=names)

    @expose("/history/<int:record_id>/diff")
    def diff_view(self, record_id: int):
        record = self._editor_record(record_id)
        found = {r.id: r for r in revisions.history(record)}
        try:
            a, b = found[int(request.args.get("a", ""))], found[int(request.args.get("b", ""))]
        except (KeyError, ValueError):
            abort(400, description="Hãy chọn hai phiên bản của chính bản ghi này để so sánh.")
        if a.id > b.id:
            a, b = b, a
        return self.render(
            "admin/diff.html", record=record, a=a, b=b, changes=revisions.changes(a.data, b.data)
        )

    @expose("/history/<int:record_id>/restore/<int:revision_id>", methods=("POST",))
    def restore_view(self, record_id: int, revision_id: int):
        record = self._editor_record(record_id)
        if not FlaskForm().validate_on_submit():
            abort(400, description="Phiên làm việc đã hết hạn; hãy tải lại trang và thử lại.")
        revision = db.session.get(Revision, revision_id)

        def work():
            if revision is None or revision.object_type != type(record).__name__:
                raise ServiceError("Không có phiên bản này.")
            revisions.restore(record, revision, by=me())

        attempt(work, f"Đã khôi phục phiên bản #{revision_id}.")
        return redirect(url_for(".history_view", record_id=record_id))


class TaxonomyView(SecureModelView):
    column_searchable_list = ("name", "slug")
    form_extra_fields = {"slug": optional_slug()}
    column_labels = {"slug": "Đường dẫn (slug)", "name": "Tên", "description": "Mô tả"}

    def save(self, record, values, created):
        if not values.get("slug"):
            values["slug"] = slugify(values.get("name") or "")
        return super().save(record, values, created)


class FieldView(TaxonomyView):
    column_list = ("name", "slug")


class MovementView(TaxonomyView):
    column_list = ("name", "launched_by", "start_year", "end_year")
    column_labels = TaxonomyView.column_labels | {
        "launched_by": "Cơ quan phát động",
        "start_year": "Năm bắt đầu",
        "end_year": "Năm kết thúc",
    }


class LocalityView(TaxonomyView):
    column_list = ("name", "kind", "parent", "replaced_by")
    column_labels = TaxonomyView.column_labels | {
        "kind": "Cấp",
        "parent": "Thuộc",
        "replaced_by": "Đã sắp xếp vào",
    }
    column_formatters = {"kind": lambda v, c, m, n: m.kind.label}
    form_excluded_columns = ("children", "replaced")


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

    def save(self, record, values, created):
        if not values.get("slug"):
            values["slug"] = slugify(values.get("name") or "")
        return super().save(record, values, created)


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


class StoryView(HistoryMixin, SecureModelView):
    roles = STAFF
    owner = "author_id"
    column_list = ("title", "status", "author", "published_at", "publish_at", "featured", "updated_at")
    column_searchable_list = ("title", "summary")
    column_filters = ("status", "featured")
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
    form_widget_args = {"body_md": {"rows": 18}, "summary": {"rows": 3}, "broadcast_summary": {"rows": 5}}
    edit_template = "admin/story_edit.html"
    details_template = "admin/story_details.html"

    def save(self, record, values, created):
        values["slug"] = slugify(values.get("slug") or values.get("title") or "")[:120]
        if not values["slug"]:
            raise ServiceError("Cần có tiêu đề.")
        clash = db.session.scalar(select(Story.id).where(Story.slug == values["slug"]))
        if clash is not None and clash != record.id:
            raise ServiceError(
                f"Đường dẫn «{values['slug']}» đã có bài khác dùng; hãy đổi tiêu đề hoặc slug."
            )
        if created:
            record.status, record.author = StoryStatus.DRAFT, me()
        elif not workflow.can_edit(record, me()):
            raise ServiceError("Bạn chỉ sửa được bài của mình khi bài còn là bản nháp hoặc đang chờ duyệt.")
        return super().save(record, values, created)

    def check_delete(self, model) -> None:
        if not me().is_editor and not (model.author_id == me().id and model.status == StoryStatus.DRAFT):
            raise ServiceError("Bạn chỉ xóa được bản nháp của chính mình.")

    @expose("/edit/", methods=("GET", "POST"))
    def edit_view(self):
        story = self.get_one(request.args.get("id", ""))
        if not workflow.can_edit(story, me()):
            abort(403)
        return super().edit_view()

    @expose("/workflow/<int:story_id>/<step>", methods=("POST",))
    def workflow_view(self, story_id: int, step: str):
        name = step
        form = FlaskForm()
        if not form.validate_on_submit():
            abort(400, description="Phiên làm việc đã hết hạn; hãy tải lại trang và thử lại.")
        story = self.get_one(story_id)
        when = None
        raw_when = request.form.get("when", "").strip()
        if raw_when:
            try:
                when = from_local(datetime.fromisoformat(raw_when))
            except ValueError:
                flash("Thời điểm hẹn đăng không hợp lệ.", "error")
                return redirect(self._back(story))
        label = workflow.TRANSITIONS[name].label if name in workflow.TRANSITIONS else name
        attempt(
            lambda: workflow.transition(story, name, by=me(), text=request.form.get("text", ""), when=when),
            f"Đã «{label}»: {story.title}",
        )
        return redirect(self._back(story))

    @expose("/preview/<int:story_id>")
    def preview_view(self, story_id: int):
        """The story as the public page will show it (editors and the author)."""
        from showcase.site.views import preview_response

        return preview_response(self.get_one(story_id))

    def _back(self, story: Story) -> str:
        view = ".edit_view" if workflow.can_edit(story, me()) else ".details_view"
        return get_redirect_target() or url_for(view, id=story.id)

    def is_action_allowed(self, name: str) -> bool:
        if name in workflow.TRANSITIONS:
            return me().is_editor
        return super().is_action_allowed(name)

    def _bulk(self, ids, name: str) -> None:
        done, refused = 0, []
        ids = [int(i) for i in ids if str(i).isdigit()]
        for story in self.get_query().filter(Story.id.in_(ids)).all():
            try:
                workflow.transition(story, name, by=me())
                done += 1
            except ServiceError as exc:
                refused.append(f"{story.title}: {exc}")
        db.session.commit()
        flash(f"Đã «{workflow.TRANSITIONS[name].label}» {done} bài.", "success")
        for message in refused[:10]:
            flash(message, "error")

    @action("publish", "Duyệt và đăng", "Duyệt và đăng các bài đã chọn?")
    def action_publish(self, ids):
        self._bulk(ids, "publish")

    @action("archive", "Gỡ xuống (lưu trữ)", "Gỡ các bài đã chọn khỏi trang công khai?")
    def action_archive(self, ids):
        self._bulk(ids, "archive")


class MediaView(SecureModelView):
    """Photos: staff upload them (checked, stripped of metadata, renditions made at once)."""

    roles = STAFF
    can_delete = False  # an image may be in use on published pages; replace it instead
    column_list = ("original_name", "width", "height", "alt_text", "credit", "created_at")
    column_labels = {
        "original_name": "Tệp",
        "width": "Rộng",
        "height": "Cao",
        "alt_text": "Mô tả ảnh (alt)",
        "credit": "Nguồn ảnh",
        "created_at": "Ngày tải lên",
        "caption": "Chú thích",
        "licence": "Giấy phép",
        "upload": "Tệp ảnh (JPEG, PNG, WebP)",
    }
    form_columns = ("upload", "alt_text", "caption", "credit", "licence")
    form_extra_fields = {"upload": FileField("Tệp ảnh (JPEG, PNG, WebP)")}
    column_formatters = {"original_name": lambda v, c, m, n: m.original_name or f"Ảnh {m.id}"}

    def save(self, record, values, created):
        upload = values.pop("upload", None)
        if created:
            if not upload or not getattr(upload, "filename", ""):
                raise ServiceError("Hãy chọn một tệp ảnh.")
            try:
                asset = images.add_image(upload.read(), upload.filename)
            except images.ImageRejected as exc:
                raise ServiceError(f"Không nhận ảnh này: {exc}.") from None
            if asset.id is not None:
                raise ServiceError(f"Ảnh này đã có trong thư viện (ảnh số {asset.id}).")
            records.save(asset, values, by=me(), created=True)
            return asset  # the stored image, not the blank record the form started from
        records.save(record, values, by=me(), created=False)
        return record


class CoverageView(SecureModelView):
    roles = STAFF
    owner = "created_by_id"
    column_list = ("story", "outlet", "title", "medium", "published_on")
    column_labels = {
        "story": "Bài viết",
        "outlet": "Cơ quan báo chí",
        "title": "Tiêu đề tin bài",
        "url": "Đường dẫn",
        "medium": "Loại hình",
        "published_on": "Ngày đăng",
    }
    form_columns = ("story", "outlet", "title", "url", "medium", "published_on")

    list_template = "admin/coverage_list.html"

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

    def save(self, record, values, created):
        url = (values.get("url") or "").strip()
        if url and not url.startswith(("https://", "http://")):
            raise ServiceError("Đường dẫn tin bài phải bắt đầu bằng https:// hoặc http://.")
        if created:
            record.created_by_id = me().id
        return super().save(record, values, created)


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
    form_columns = ("name", "organisation", "role", "active")

    def save(self, record, values, created):
        role, active = values.pop("role"), values.pop("active")
        if record.id == me().id and (role != record.role or not active):
            raise ServiceError("Không thể tự đổi vai trò hoặc tự khóa tài khoản của mình.")
        accounts.set_role(record, role.value if hasattr(role, "value") else role, by=me())
        if not active:
            accounts.deactivate(record, by=me())
        elif not record.active:
            record.active = True
            audit.record("user_activate", record, by=me())
        return super().save(record, values, created)


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

    def delete_model(self, model) -> bool:
        return attempt(lambda: trash.purge(model, by=me()))

    def is_action_allowed(self, name: str) -> bool:
        return name == "delete" and self.can_delete

    @expose("/restore/<int:item_id>", methods=("POST",))
    def restore_view(self, item_id: int):
        if not FlaskForm().validate_on_submit():
            abort(400, description="Phiên làm việc đã hết hạn; hãy tải lại trang và thử lại.")
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


def register_views(admin) -> None:
    """Add every view to the Admin object (called inside the factory)."""
    admin.add_view(StoryView(Story, db, name="Bài viết", endpoint="stories"))
    admin.add_view(ExemplarView(Exemplar, db, name="Điển hình", endpoint="exemplars"))
    admin.add_view(CommendationView(Commendation, db, name="Khen thưởng", endpoint="commendations"))
    admin.add_view(MovementView(Movement, db, name="Phong trào", endpoint="movements", category="Danh mục"))
    admin.add_view(FieldView(Field, db, name="Lĩnh vực", endpoint="fields", category="Danh mục"))
    admin.add_view(LocalityView(Locality, db, name="Địa phương", endpoint="localities", category="Danh mục"))
    admin.add_view(MediaView(MediaAsset, db, name="Ảnh", endpoint="media"))
    admin.add_view(CoverageView(CoverageItem, db, name="Tin bài đã đăng", endpoint="coverage"))
    admin.add_view(UserView(User, db, name="Tài khoản", endpoint="users"))
    admin.add_view(TrashView(TrashItem, db, name="Thùng rác", endpoint="trash"))
    admin.add_view(AuditLogView(AuditLog, db, name="Nhật ký", endpoint="audit"))
