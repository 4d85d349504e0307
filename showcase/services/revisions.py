"""Nothing is lost: every save of a story, exemplar or commendation keeps a full revision;
editors compare any two and restore one (restoring is itself a new revision)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from showcase.extensions import db
from showcase.models import (
    Revision,
    User,
)
from showcase.services import audit, snapshots
from showcase.services.errors import ServiceError

LABELS = {
    "title": "Tiêu đề",
    "slug": "Đường dẫn",
    "summary": "Tóm tắt",
    "body_md": "Nội dung",
    "byline": "Nguồn",
    "broadcast_summary": "Bản tin 60 giây",
    "field": "Lĩnh vực",
    "locality": "Địa phương",
    "exemplars": "Điển hình",
    "movements": "Phong trào",
    "cover": "Ảnh bìa",
    "name": "Tên",
    "kind": "Loại",
    "role": "Chức vụ",
    "organisation": "Đơn vị",
    "bio_md": "Tiểu sử",
    "portrait": "Ảnh chân dung",
    "gender": "Giới tính",
    "work_role": "Vị trí công tác",
    "sector": "Khu vực",
    "collective_size": "Quy mô tập thể",
    "consent_date": "Ngày đồng ý",
    "consent_method": "Hình thức đồng ý",
    "consent_by": "Người ghi nhận đồng ý",
    "is_minor": "Người chưa thành niên",
    "guardian_name": "Người giám hộ",
    "guardian_consent_date": "Ngày người giám hộ đồng ý",
    "guardian_consent_method": "Hình thức người giám hộ đồng ý",
    "exemplar": "Điển hình",
    "form": "Hình thức",
    "level": "Cấp",
    "issuer": "Cơ quan",
    "decision_no": "Số QĐ",
    "decision_date": "Ngày QĐ",
    "reason": "Lý do",
    "movement": "Phong trào",
    "revoked_decision_no": "QĐ thu hồi",
    "revoked_on": "Ngày thu hồi",
    "revoked_reason": "Lý do thu hồi",
}


def store(record: Any, by: User | None, data: dict[str, Any] | None = None) -> Revision:
    """Keep a revision of the record as it is now (call after the change is applied), or of
    `data`, a snapshot taken earlier."""
    if record.id is None:
        db.session.flush()
    revision = Revision(
        object_type=type(record).__name__,
        object_id=record.id,
        user_id=by.id if by else None,
        data=data if data is not None else snapshots.snapshot(record),
    )
    db.session.add(revision)
    return revision


def has_history(record: Any) -> bool:
    """Whether any revision of this record is kept."""
    return (
        db.session.scalar(
            select(Revision.id)
            .where(Revision.object_type == type(record).__name__, Revision.object_id == record.id)
            .limit(1)
        )
        is not None
    )


def history(record: Any) -> list[Revision]:
    return list(
        db.session.scalars(
            select(Revision)
            .where(Revision.object_type == type(record).__name__, Revision.object_id == record.id)
            .order_by(Revision.id.desc())
        )
    )


def restore(record: Any, revision: Revision, by: User) -> None:
    """Put the record back as it was in `revision` (its workflow status is left alone)."""
    if revision.object_type != type(record).__name__ or revision.object_id != record.id:
        raise ServiceError("Phiên bản này không thuộc về bản ghi đang mở.")
    values = {
        name: snapshots.read(type(record), name, revision.data.get(name))
        for name in snapshots.TRACKED[type(record)]
        if name in revision.data
    }
    snapshots.apply(record, values)
    store(record, by)
    audit.record("restore", record, by=by, revision=revision.id)
