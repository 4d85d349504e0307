"""Coverage: pieces by newspapers, TV and radio that used a story. A partner records coverage of
their own stories; it shows on the public story only once an editor approves it."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from showcase.extensions import db
from showcase.models import CoverageItem, Story, User, utcnow
from showcase.services import audit, checks, records
from showcase.services.errors import ServiceError


def stories_for(user: User):
    """The stories this user may record coverage of (a query)."""
    query = select(Story).order_by(Story.title)
    return query if user.is_editor else query.where(Story.author_id == user.id)


def _check(values: dict[str, Any], by: User) -> dict[str, Any]:
    url = (values.get("url") or "").strip()
    if url and not url.lower().startswith(("https://", "http://")):
        raise ServiceError("Đường dẫn tin bài phải bắt đầu bằng https:// hoặc http://.")
    checks.check_date(values.get("published_on"), "Ngày đăng tin bài", earliest=date(1990, 1, 1))
    story = values.get("story")
    if story is not None and not by.is_editor and story.author_id != by.id:
        raise ServiceError("Bạn chỉ ghi nhận tin bài cho bài viết của mình.")
    return dict(values, url=url) if "url" in values else values


def can_edit(item: CoverageItem, user: User) -> bool:
    return user.is_editor or item.created_by_id == user.id


def save(
    item: CoverageItem, values: dict[str, Any], by: User, created: bool, seen: int | None = None
) -> bool:
    """Record or edit coverage; what an editor records is approved at once, a partner's waits for
    an editor (and a partner's edit of an approved entry sends it back for approval)."""
    if not created and not can_edit(item, by):
        raise ServiceError("Bạn chỉ sửa được tin bài do mình ghi nhận.")
    values = _check(values, by)
    if created:
        item.created_by_id = by.id
    changed = bool(records.save(item, values, by=by, created=created, seen=seen))
    if created and by.is_editor:
        item.approved_at, item.approved_by_id = utcnow(), by.id
    elif changed and not by.is_editor:
        item.approved_at = item.approved_by_id = None
    return changed


def approve(item: CoverageItem, by: User) -> None:
    """Show a partner's coverage on the public story (editors)."""
    if not by.is_editor:
        raise ServiceError("Chỉ biên tập viên duyệt được tin bài đã đăng.")
    if item.approved_at is None:
        item.approved_at, item.approved_by_id = utcnow(), by.id
        audit.record("approve", item, by=by)


def delete(item: CoverageItem, by: User) -> None:
    if not can_edit(item, by):
        raise ServiceError("Bạn chỉ xóa được tin bài do mình ghi nhận.")
    audit.record("delete", item, by=by, label=item.title[:200])
    db.session.delete(item)


def pending() -> list[CoverageItem]:
    """Coverage waiting for an editor's approval, oldest first."""
    return list(
        db.session.scalars(
            select(CoverageItem).where(CoverageItem.approved_at.is_(None)).order_by(CoverageItem.created_at)
        )
    )
