"""Stories in the panel: the editor (toolbar, live preview, counts, cover grid, autosave), the
workflow buttons, previews and bulk actions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from flask import abort, flash, jsonify, redirect, request, session, url_for
from flask_admin import expose
from flask_admin.actions import action
from flask_admin.helpers import get_redirect_target
from flask_admin.model.template import DeleteRowAction, EditRowAction
from markupsafe import Markup
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.wrappers import Response

from showcase import public_names, readout
from showcase.admin import editor
from showcase.admin.views.base import (
    LARGEST_ID,
    STAFF,
    STALE,
    EnumEqual,
    HistoryMixin,
    SecureModelView,
    attempt,
    me,
    optional_slug,
    valid_csrf,
)
from showcase.dates import from_local, to_local
from showcase.extensions import db
from showcase.markup import render_markdown
from showcase.models import MediaAsset, Story, StoryStatus, utcnow
from showcase.services import consent, media, preview, stories, transaction, workflow
from showcase.services.errors import ServiceError, StaleError

ALT_TEXT_LIMIT = 1000  # characters of a photo's description


def _json_error(status: int, message: str, **extra: Any) -> tuple[Response, int]:
    return jsonify(error=message, **extra), status


def _number(raw: str) -> int | None:
    """A version or row id from a form; anything else (or beyond any id) is None."""
    return int(raw) if raw.isdigit() and int(raw) <= LARGEST_ID else None


def _saved(work: Callable[[], Any]) -> tuple[Response, int] | None:
    """Run one change from the editor's scripts and commit it; None when it landed, else the
    JSON answer saying why not (a refused or stale save, a value the database cannot hold)."""
    try:
        with transaction():
            work()
    except StaleError as exc:
        return _json_error(409, str(exc), stale=True)
    except StaleDataError:
        return _json_error(409, str(STALE), stale=True)
    except ServiceError as exc:
        return _json_error(422, str(exc))
    except (OverflowError, DataError):
        return _json_error(422, "Có số hoặc ngày nằm ngoài khoảng cho phép; hãy kiểm tra lại.")
    except IntegrityError:
        return _json_error(422, "Không lưu được: trùng với một bản ghi đã có (ví dụ cùng đường dẫn).")
    return None


# what a new story needs before autosave can file it as a draft (the database requires them)
FIRST_AUTOSAVE = ("title", "field", "locality")


def _not_yet(form, new: bool = False) -> tuple[Response, int]:
    """Why an autosave did not happen, in words: what a new story still lacks (`pending`: not an
    error, the page waits for it), or each field's refusal."""
    if new and form.errors and set(form.errors) <= set(FIRST_AUTOSAVE):
        missing = [form[name].label.text.lower() for name in FIRST_AUTOSAVE if name in form.errors]
        wanted = missing[0] if len(missing) == 1 else ", ".join(missing[:-1]) + " và " + missing[-1]
        return _json_error(
            422, f"Chưa tự lưu: bài được tự lưu thành bản nháp khi đã có {wanted}.", pending=True
        )
    problems = [f"{form[name].label.text}: {errors[0]}" for name, errors in form.errors.items()]
    return _json_error(422, "Chưa tự lưu được — " + "; ".join(problems))


def _status(view, context, model: Story, name: str) -> str:
    """The status in words; a story in review with a time set is scheduled, not waiting."""
    if model.status == StoryStatus.IN_REVIEW and model.publish_at is not None:
        return "Đã hẹn giờ"
    return model.status.label


def _author(view, context, model: Story, name: str) -> str:
    """The author by name and newsroom, not by email."""
    author = model.author
    if author is None:
        return "—"
    return f"{author.name} ({author.organisation})" if author.organisation else author.name


def _consent_notes(story: Story) -> None:
    """Tell the editor, before they press «Duyệt và đăng», what the consent rule will refuse, and
    where the text names a minor the public pages show by initials (once per page)."""
    pending = {message for _category, message in session.get("_flashes", [])}
    notes = consent.name_warnings(story)
    if story.status in (StoryStatus.DRAFT, StoryStatus.IN_REVIEW):
        notes += [n for n in [consent.refusal(story.exemplars)] if n]
    for note in notes:
        if note not in pending:
            flash(note, "warning")


def _people_for(form):
    """A partner picks people by the name the public sees: a minor shown by initials is shown by
    initials here too (editors, who record consent, keep full names)."""
    if not me().is_editor and hasattr(form, "exemplars"):
        form.exemplars.get_label = public_names.public_name
    return form


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
    # the choices a draft needs come first: autosave files a new story once they are made
    form_columns = (
        "title",
        "slug",
        "field",
        "locality",
        "summary",
        "body_md",
        "exemplars",
        "movements",
        "byline",
        "broadcast_summary",
        "cover",
    )
    column_details_list = (
        "title",
        "status",
        "author",
        "field",
        "locality",
        "exemplars",
        "movements",
        "summary",
        "body_md",
        "byline",
        "broadcast_summary",
        "cover",
        "published_at",
        "publish_at",
        "featured",
        "review_comment",
        "retraction_reason",
        "slug",
        "created_at",
        "updated_at",
    )
    column_formatters = {"status": _status, "author": _author}
    # long texts keep their paragraphs (escaped by Markup.format: shown, never run)
    column_formatters_detail = column_formatters | {
        name: (
            lambda view, context, model, name: Markup('<div class="details-text">{}</div>').format(
                getattr(model, name)
            )
        )
        for name in ("summary", "body_md", "broadcast_summary", "review_comment")
    }
    form_extra_fields = {"slug": optional_slug()}
    required_choices = {"field": None, "locality": None}
    form_widget_args = {"body_md": {"rows": 18}, "summary": {"rows": 3}, "broadcast_summary": {"rows": 5}}
    edit_template = "admin/story_edit.html"
    create_template = "admin/story_create.html"
    details_template = "admin/story_details.html"

    def create_form(self, obj=None):
        return _people_for(super().create_form(obj))

    def edit_form(self, obj=None):
        return _people_for(super().edit_form(obj))

    def render(self, template, **kwargs):
        model = kwargs.get("model")
        if isinstance(model, Story):
            kwargs["story_state"] = editor.describe(model, me())
            kwargs["story_editable"] = workflow.can_edit(model, me())
        form = kwargs.get("form")
        if template in (self.edit_template, self.create_template) and form is not None:
            kwargs["story_editor_page"] = self._editor_page(form, model if isinstance(model, Story) else None)
        return super().render(template, **kwargs)

    def _editor_page(self, form, story: Story | None) -> dict[str, Any]:
        """What the editor shows on load: the preview and counts of what the form holds, the
        photos to choose a cover from, and where its scripts post."""
        body = form.body_md.data or ""
        chosen = form.cover.data if isinstance(form.cover.data, MediaAsset) else None
        covers, next_covers = editor.cover_choices(me(), chosen)
        return {
            "preview_html": render_markdown(body),  # sanitised: the only HTML the page marks safe
            "counts": readout.counts(body, form.broadcast_summary.data or ""),
            "limit": readout.READOUT_LIMIT_SECONDS,
            "per_second": readout.SYLLABLES_PER_SECOND,
            "covers": covers,
            "next_covers": next_covers,
            "chosen": next((c for c in covers if chosen is not None and c.id == chosen.id), None),
            "autosave_url": self._autosave_url(story) if stories.can_autosave(story, me()) else "",
            "autosave_off": not stories.can_autosave(story, me()),
            "is_new": story is None,
        }

    def _autosave_url(self, story: Story | None) -> str:
        if story is None:  # the page the create form returns to, once the draft is filed
            return url_for(".autosave_new_view", url=get_redirect_target())
        return url_for(".autosave_view", story_id=story.id)

    @expose("/preview-markdown", methods=("POST",))
    def markdown_preview_view(self):
        """The body as the public page will render it (same renderer, same sanitiser)."""
        valid_csrf()
        body = request.form.get("body_md", "")
        if len(body) > editor.PREVIEW_LIMIT:
            return _json_error(413, f"Bài dài quá {editor.PREVIEW_LIMIT:,} ký tự nên không xem trước được.")
        return jsonify(html=render_markdown(body), words=readout.words(body))

    @expose("/cover-choices")
    def cover_choices_view(self):
        """A page of the cover grid (JSON): library photos searched by text, `offset` photos in."""
        query = request.args.get("q", "")[:200]
        offset = _number(request.args.get("offset", "0"))
        if offset is None:
            return _json_error(400, "Vị trí trang ảnh không hợp lệ.")
        assets, more = editor.library_page(query, offset)
        return jsonify(
            items=[editor.photo_item(a, me()) for a in assets], more=more, offset=offset + len(assets)
        )

    @expose("/media-picker")
    def media_picker_view(self):
        """Library photos for the body's «Ảnh từ thư viện», searched by text (JSON)."""
        query = request.args.get("q", "")[:200]
        return jsonify(items=editor.find_photos(query, me()))

    @expose("/autosave/<int:story_id>", methods=("POST",))
    def autosave_view(self, story_id: int):
        """Save a draft as it is written (every half minute the page changed): a revision kept,
        the new version returned so the next save is not refused as stale."""
        story = self.get_one(story_id)  # another partner's story: 404
        if not workflow.can_edit(story, me()):
            return _json_error(403, "Bạn không sửa được bài này nên không tự lưu được.", stop=True)
        if not stories.can_autosave(story, me()):
            return _json_error(409, "Chỉ bản nháp được tự lưu; hãy bấm «Lưu» để lưu bài này.", stop=True)
        form = self.edit_form(obj=story)
        if not self.validate_form(form):
            return _not_yet(form)
        seen = _number(form.seen.data or "")
        refused = _saved(lambda: stories.autosave(story, self.form_values(form), by=me(), seen=seen))
        if refused is not None:
            return refused
        return jsonify(version=story.version, saved_at=f"{to_local(utcnow()):%H:%M}")

    @expose("/autosave", methods=("POST",))
    def autosave_new_view(self):
        """Autosave of a story not saved yet: once it has a title, a field and a locality, the first
        autosave files it as a draft and answers where the page goes on editing it; until then it
        says what is missing and keeps nothing."""
        form = self.create_form()
        if not self.validate_form(form):
            return _not_yet(form, new=True)
        created: list[Story] = []
        refused = _saved(lambda: created.append(stories.autosave(None, self.form_values(form), by=me())))
        if refused is not None:
            return refused
        story = created[0]
        back = request.args.get("url") or url_for(".index_view")
        return jsonify(
            id=story.id,
            version=story.version,
            saved_at=f"{to_local(utcnow()):%H:%M}",
            autosave_url=url_for(".autosave_view", story_id=story.id),
            edit_url=url_for(".edit_view", id=story.id, url=back),
        )

    @expose("/photo-alt", methods=("POST",))
    def photo_alt_view(self):
        """Change the description (alt text) of the photo chosen as cover, from the editor."""
        valid_csrf()
        asset_id = _number(request.form.get("asset", ""))
        asset = db.session.get(MediaAsset, asset_id) if asset_id is not None else None
        if asset is None:
            return _json_error(404, "Không có ảnh này trong thư viện.")
        alt = request.form.get("alt_text", "").strip()
        if len(alt) > ALT_TEXT_LIMIT:
            return _json_error(422, f"Mô tả ảnh dài quá {ALT_TEXT_LIMIT} ký tự; hãy viết gọn lại.")
        seen = _number(request.form.get("seen", ""))
        refused = _saved(lambda: media.update(asset, {"alt_text": alt}, by=me(), seen=seen))
        if refused is not None:
            return refused
        return jsonify(alt=asset.alt_text, version=asset.version)

    def form_values(self, form) -> dict[str, Any]:
        # a workflow field someone added to the request goes to the service, which refuses it
        posted = {name: request.form[name] for name in stories.WORKFLOW_FIELDS if name in request.form}
        return super().form_values(form) | posted

    def create(self, values):
        return stories.create(values, by=me())

    def update(self, record, values, seen):
        scheduled = record.publish_at
        changed = stories.update(record, values, by=me(), seen=seen)
        _consent_notes(record)
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
        if request.method == "GET":
            _consent_notes(story)
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
        if step == "hide" and request.form.get("confirm") != "yes":
            # hiding is at once and on every channel: the form asks for a tick first
            flash("Chưa gỡ: hãy đánh dấu ô xác nhận bên nút «Gỡ ngay theo yêu cầu» rồi bấm lại.", "error")
            return redirect(self._back(story))
        t = workflow.TRANSITIONS.get(step)
        attempt(
            lambda: workflow.transition(story, step, by=me(), text=request.form.get("text", ""), when=when),
            t.done_text(story) if t is not None else "",
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

    def row_action_allowed(self, action: Any, record: Any) -> bool:
        if isinstance(action, EditRowAction):
            return workflow.can_edit(record, me())
        if isinstance(action, DeleteRowAction):
            return stories.can_delete(record, me())
        return True

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
