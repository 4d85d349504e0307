"""Movements, fields and localities (editors and admins)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import exists, or_, select

from showcase.extensions import db
from showcase.models import Commendation, Exemplar, Field, Locality, Movement, Story, User, story_movements
from showcase.services import audit, checks, records
from showcase.services.errors import ServiceError
from showcase.services.stories import make_slug

Taxon = Field | Movement | Locality


def save(record: Taxon, values: dict[str, Any], by: User, created: bool, seen: int | None = None) -> bool:
    """Create or edit a movement, field or locality; an empty slug is made from the name."""
    if not by.is_editor:
        raise ServiceError("Chỉ biên tập viên sửa được danh mục.")
    if isinstance(record, Locality) and record.id is not None:
        for key in ("parent", "replaced_by"):
            target = values.get(key)
            if target is not None and target.id == record.id:
                raise ServiceError("Một địa phương không thể thuộc về hay được sắp xếp vào chính nó.")
    if isinstance(record, Movement):
        start, end = values.get("start_year", record.start_year), values.get("end_year", record.end_year)
        checks.check_year(start, "Năm bắt đầu")
        checks.check_year(end, "Năm kết thúc")
        if start is not None and end is not None and end < start:
            raise ServiceError("Năm kết thúc không thể trước năm bắt đầu.")
    values = dict(
        values, slug=make_slug(values.get("slug", ""), values.get("name", ""), type(record), record.id)
    )
    return bool(records.save(record, values, by=by, created=created, seen=seen))


def in_use(record: Taxon) -> bool:
    """Whether any story, exemplar, commendation or locality still points at this record."""
    if isinstance(record, Field):
        return bool(db.session.scalar(select(exists().where(Story.field_id == record.id))))
    if isinstance(record, Movement):
        return bool(
            db.session.scalar(select(exists().where(story_movements.c.movement_id == record.id)))
            or db.session.scalar(select(exists().where(Commendation.movement_id == record.id)))
        )
    return bool(
        db.session.scalar(select(exists().where(or_(Story.locality_id == record.id))))
        or db.session.scalar(select(exists().where(Exemplar.locality_id == record.id)))
        or db.session.scalar(
            select(exists().where(or_(Locality.parent_id == record.id, Locality.replaced_by_id == record.id)))
        )
    )


def delete(record: Taxon, by: User) -> None:
    """Delete a movement, field or locality that nothing uses any more."""
    if not by.is_editor:
        raise ServiceError("Chỉ biên tập viên xóa được danh mục.")
    if in_use(record):
        raise ServiceError(
            f"«{record}» vẫn đang được dùng (bài viết, điển hình hoặc địa phương khác): không xóa được."
        )
    audit.record("delete", record, by=by, label=str(record)[:200])
    db.session.delete(record)
