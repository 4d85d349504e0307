"""Stories: create, edit and delete, with who may do what (DESIGN.md, roles). The workflow's
status changes are in `workflow`; this module keeps a partner's edit from going live unreviewed."""

from __future__ import annotations

from typing import Any

from slugify import slugify
from sqlalchemy import select

from showcase.extensions import db
from showcase.models import Story, StoryStatus, User
from showcase.services import audit, consent, records, trash, workflow
from showcase.services.errors import ServiceError

# Only the workflow changes these; a form, the API or an import never sets them on an edit.
WORKFLOW_FIELDS = frozenset(
    {
        "status",
        "featured",
        "published_at",
        "publish_at",
        "author",
        "author_id",
        "retraction_reason",
        "retracted_at",
        "revised_at",
        "review_comment",
        "preview_epoch",
        "created_at",
        "updated_at",
        "version",
    }
)


def make_slug(wanted: str, fallback: str, model: Any, record_id: int | None) -> str:
    """The slug a record gets: the one asked for or one made from its title (đ → d), unique."""
    slug = slugify(wanted or fallback or "")[:120].strip("-")
    if not slug:
        raise ServiceError("Cần có tiêu đề (hoặc tên) để tạo đường dẫn.")
    clash = db.session.scalar(select(model.id).where(model.slug == slug))
    if clash is not None and clash != record_id:
        raise ServiceError(f"Đường dẫn «{slug}» đã có bản ghi khác dùng; hãy đổi tiêu đề hoặc đường dẫn.")
    return slug


def _refuse_workflow_fields(values: dict[str, Any]) -> None:
    forbidden = sorted(WORKFLOW_FIELDS & set(values))
    if forbidden:
        raise ServiceError(
            f"Không được đặt «{', '.join(forbidden)}» qua biểu mẫu; hãy dùng các nút quy trình."
        )


def create(values: dict[str, Any], by: User) -> Story:
    """A new draft by `by` (anyone on the staff may write one)."""
    _refuse_workflow_fields(values)
    values = dict(values, slug=make_slug(values.get("slug", ""), values.get("title", ""), Story, None))
    story = Story(status=StoryStatus.DRAFT, author=by)
    records.save(story, values, by=by, created=True)
    return story


def update(story: Story, values: dict[str, Any], by: User, seen: int | None = None) -> bool:
    """Edit a story. A partner's edit of a story in review (or scheduled) sends it back to the
    review queue and clears the schedule: only what an editor has approved is ever published."""
    _refuse_workflow_fields(values)
    if not workflow.can_edit(story, by):
        raise ServiceError("Bạn chỉ sửa được bài của mình khi bài còn là bản nháp hoặc đang chờ duyệt.")
    values = dict(values, slug=make_slug(values.get("slug", ""), values.get("title", ""), Story, story.id))
    _check_public_text(story, values)
    changed = bool(records.save(story, values, by=by, created=False, seen=seen))
    if changed and not by.is_editor and story.status == StoryStatus.IN_REVIEW:
        detail = {"from": story.status.value, "to": StoryStatus.IN_REVIEW.value}
        if story.publish_at is not None:
            detail["cleared_schedule"] = story.publish_at.isoformat()
        story.publish_at = None
        audit.record("resubmit", story, by=by, **detail)
    return changed


def _check_public_text(story: Story, values: dict[str, Any]) -> None:
    """An edit of a story already public (or scheduled) meets the publishing gate: a person added
    needs consent like at publication, and the text and address must not spell the full name of
    a minor shown by initials (consent.name_warnings, the one detector)."""
    if not (story.status == StoryStatus.PUBLISHED or story.publish_at is not None):
        return
    exemplars = values.get("exemplars")
    people = story.exemplars if exemplars is None else exemplars
    added = consent.refusal([e for e in people if e not in story.exemplars], "rồi lưu lại")
    if added:
        raise ServiceError(added.replace("Chưa thể đăng", "Chưa thể thêm vào bài đã đăng hoặc đã hẹn giờ"))
    texts = {name: str(values.get(name, getattr(story, name)) or "") for name in consent.PLACES}
    named = consent.name_warnings(story, people, texts)
    if named:
        raise ServiceError(
            "Chưa lưu được bài đã đăng hoặc đã hẹn giờ: " + " ".join(m[0].lower() + m[1:] for m in named)
        )


def can_delete(story: Story, by: User) -> bool:
    """Editors delete any story; a partner only their own draft."""
    return by.is_editor or (story.author_id == by.id and story.status == StoryStatus.DRAFT)


def delete(story: Story, by: User) -> None:
    """Move a story to the trash: editors any story, a partner only their own draft."""
    if not can_delete(story, by):
        raise ServiceError("Bạn chỉ xóa được bản nháp của chính mình.")
    trash.discard(story, by=by)


def can_autosave(story: Story | None, by: User) -> bool:
    """Whether the editor may save this story on its own as it is written: a story not saved yet,
    or a draft this person may edit. Never a story in review (a partner's edit would send it back
    to the queue) nor one on the public site (half a sentence would go live)."""
    return story is None or (story.status == StoryStatus.DRAFT and workflow.can_edit(story, by))


def autosave(story: Story | None, values: dict[str, Any], by: User, seen: int | None = None) -> Story:
    """Save what the editor holds without anyone pressing «Lưu», so a closed tab loses nothing: the
    first autosave of a new story files it as a draft (`create`), later ones `update` the draft,
    each keeping a revision. Refused for anything but a draft."""
    if story is None:
        return create(values, by=by)
    if not can_autosave(story, by):
        raise ServiceError("Chỉ bản nháp được tự lưu; hãy bấm «Lưu» để lưu bài này.")
    update(story, values, by=by, seen=seen)
    return story
