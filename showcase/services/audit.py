"""The audit log: who did what to which object, and when. Written in the caller's transaction."""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request

from showcase.extensions import db
from showcase.models import AuditLog, User


def record(action: str, obj: Any = None, by: User | None = None, **detail: Any) -> AuditLog:
    """Add one audit row to the session (committed with the change it describes)."""
    if obj is not None and getattr(obj, "id", None) is None:
        db.session.flush()  # a new object needs its id for the log
    row = AuditLog(
        action=action,
        object_type=type(obj).__name__ if obj is not None else "",
        object_id=getattr(obj, "id", None),
        user_id=by.id if by is not None else None,
        detail={k: v for k, v in detail.items() if v is not None},
        ip=(request.remote_addr or "")[:45] if has_request_context() else "",
    )
    db.session.add(row)
    return row
