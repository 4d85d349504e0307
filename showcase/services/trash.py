"""Deleting a story moves it to the trash: editors restore it, only an admin purges it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from showcase.extensions import db
from showcase.models import Story, StoryStatus, TrashItem, User, UserRole
from showcase.services import audit, revisions
from showcase.services.errors import ServiceError

WORKFLOW = [
    "status",
    "published_at",
    "publish_at",
    "featured",
    "author_id",
    "review_comment",
    "retraction_reason",
    "created_at",
]


def discard(story: Story, by: User) -> TrashItem:
    """Move a story to the trash (the row goes; everything needed to bring it back stays)."""
    data = revisions.snapshot(story)
    for name in WORKFLOW:
        value = getattr(story, name)
        data[name] = value.isoformat() if isinstance(value, datetime) else getattr(value, "value", value)
    item = TrashItem(
        object_type="Story", object_id=story.id, label=story.title[:300], data=data, deleted_by_id=by.id
    )
    db.session.add(item)
    audit.record("delete", story, by=by, label=story.title[:200], trash=True)
    db.session.delete(story)
    return item


def restore(item: TrashItem, by: User) -> Story:
    """Bring a story back from the trash, with its id, slug, status and links."""
    if not by.is_editor:
        raise ServiceError("Chỉ biên tập viên khôi phục được bài trong thùng rác.")
    data = dict(item.data)
    if db.session.scalar(select(Story.id).where(Story.slug == data["slug"])) is not None:
        raise ServiceError(f"Đã có bài khác dùng đường dẫn «{data['slug']}»; hãy đổi đường dẫn bài đó trước.")
    taken = db.session.get(Story, item.object_id) is not None
    story = Story(id=None if taken else item.object_id, slug=data["slug"])
    values = {name: revisions._read(Story, name, data.get(name)) for name in revisions.TRACKED[Story]}
    for name in WORKFLOW:
        value = data.get(name)
        if name in ("published_at", "publish_at", "created_at") and value:
            value = datetime.fromisoformat(value)
        elif name == "status":
            value = StoryStatus(value)
        values[name] = value
    from showcase.services import records

    records.apply(story, values)
    db.session.add(story)
    db.session.delete(item)
    db.session.flush()
    audit.record("restore", story, by=by, from_trash=item.id)
    revisions.store(story, by)
    return story


def purge(item: TrashItem, by: User) -> None:
    """Delete a trashed story for good (admins only)."""
    if not by.has_role(UserRole.ADMIN):
        raise ServiceError("Chỉ quản trị viên được xóa hẳn khỏi thùng rác.")
    audit.record("purge", item, by=by, label=item.label, story=item.object_id)
    db.session.delete(item)
