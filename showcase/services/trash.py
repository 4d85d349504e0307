"""Deleting a story, exemplar or commendation moves it to the trash: editors restore it
(with its id, links and, for an exemplar, its commendations); only an admin purges it."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from showcase.extensions import db
from showcase.models import Commendation, Exemplar, Story, StoryStatus, TrashItem, User, UserRole
from showcase.services import audit, revisions, snapshots
from showcase.services.errors import ServiceError

# Fields a revision does not keep but a restored record needs.
EXTRA: dict[type, list[str]] = {
    Story: [
        "status",
        "published_at",
        "publish_at",
        "featured",
        "author_id",
        "review_comment",
        "retraction_reason",
        "retracted_at",
        "revised_at",
        "created_at",
    ],
    Exemplar: ["created_at"],
    Commendation: ["code"],  # a restored commendation keeps its public code (printed QR codes)
}
MODELS = {model.__name__: model for model in EXTRA}


def _plain(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return getattr(value, "value", value)


def _dump(record: Any) -> dict[str, Any]:
    data = snapshots.snapshot(record)
    data.update({name: _plain(getattr(record, name)) for name in EXTRA[type(record)]})
    if isinstance(record, Exemplar):
        data["_commendations"] = [_dump(c) | {"_id": c.id} for c in record.commendations]
        data["_stories"] = sorted(s.slug for s in record.stories)
    return data


def discard(record: Any, by: User) -> TrashItem:
    """Move a record to the trash: the row goes, everything needed to bring it back stays."""
    label = str(
        getattr(record, "title", "") or getattr(record, "name", "") or getattr(record, "decision_no", "")
    )
    item = TrashItem(
        object_type=type(record).__name__,
        object_id=record.id,
        label=label[:300],
        data=_dump(record),
        deleted_by_id=by.id,
    )
    db.session.add(item)
    audit.record("delete", record, by=by, label=label[:200], trash=True)
    db.session.delete(record)
    return item


def _build(model: type, object_id: int | None, data: dict[str, Any]) -> Any:
    values = {
        name: snapshots.read(model, name, data.get(name)) for name in snapshots.TRACKED[model] if name in data
    }
    for name in EXTRA[model]:
        value = data.get(name)
        if name in ("published_at", "publish_at", "created_at", "retracted_at", "revised_at") and value:
            value = datetime.fromisoformat(value)
        elif name == "status" and value:
            value = StoryStatus(value)
        elif name == "code" and not value:  # trashed before codes existed: it gets a new one
            continue
        values[name] = value
    record = model(id=None if object_id is None or db.session.get(model, object_id) else object_id)
    snapshots.apply(record, values)
    db.session.add(record)
    return record


def restore(item: TrashItem, by: User) -> Any:
    """Bring a record back from the trash."""
    if not by.is_editor:
        raise ServiceError("Chỉ biên tập viên khôi phục được mục trong thùng rác.")
    model: Any = MODELS.get(item.object_type)
    data = dict(item.data)
    if model is None:
        raise ServiceError("Không khôi phục được loại mục này.")
    slug = data.get("slug")
    if slug and db.session.scalar(select(model.id).where(model.slug == slug)) is not None:
        raise ServiceError(f"Đã có bản ghi khác dùng đường dẫn «{slug}»; hãy đổi đường dẫn bản ghi đó trước.")
    if (
        model is Commendation
        and data.get("exemplar")
        and snapshots.read(Commendation, "exemplar", data["exemplar"]) is None
    ):
        raise ServiceError("Điển hình của khen thưởng này không còn; hãy khôi phục điển hình trước.")
    record = _build(model, item.object_id, data)
    if model is Exemplar:
        db.session.flush()
        for commendation in data.get("_commendations", []):
            commendation = dict(commendation, exemplar=record.slug)
            _build(Commendation, commendation.get("_id"), commendation)  # same id: history follows
        stories = db.session.scalars(select(Story).where(Story.slug.in_(data.get("_stories", [])))).all()
        for story in stories:
            story.exemplars.append(record)
    db.session.delete(item)
    db.session.flush()
    audit.record("restore", record, by=by, from_trash=item.id)
    revisions.store(record, by)
    return record


def purge(item: TrashItem, by: User) -> None:
    """Delete a trashed record for good (admins only)."""
    if not by.has_role(UserRole.ADMIN):
        raise ServiceError("Chỉ quản trị viên được xóa hẳn khỏi thùng rác.")
    audit.record("purge", item, by=by, label=item.label, object=f"{item.object_type}:{item.object_id}")
    db.session.delete(item)
