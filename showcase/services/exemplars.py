"""Exemplars and their commendations: the register the board keeps true (editors and admins)."""

from __future__ import annotations

from typing import Any

from showcase.models import Commendation, Exemplar, User
from showcase.services import checks, records, trash
from showcase.services.errors import ServiceError
from showcase.services.stories import make_slug

REVOCATION = ("revoked_decision_no", "revoked_on", "revoked_reason")


def _editors_only(by: User) -> None:
    if not by.is_editor:
        raise ServiceError("Chỉ biên tập viên sửa được điển hình và khen thưởng.")


def save_exemplar(
    exemplar: Exemplar, values: dict[str, Any], by: User, created: bool, seen: int | None = None
) -> bool:
    """Create or edit an exemplar; an empty slug is made from the name."""
    _editors_only(by)
    values = dict(
        values, slug=make_slug(values.get("slug", ""), values.get("name", ""), Exemplar, exemplar.id)
    )
    return bool(records.save(exemplar, values, by=by, created=created, seen=seen))


def save_commendation(
    commendation: Commendation, values: dict[str, Any], by: User, created: bool, seen: int | None = None
) -> bool:
    """Create or edit a commendation; a revocation needs its decision, date and reason together.

    The public code is the service's to give (on creation) and nobody's to change: a `code` among
    the values is ignored."""
    _editors_only(by)
    values = {k: (None if k in REVOCATION and not v else v) for k, v in values.items() if k != "code"}
    decided = values.get("decision_date", commendation.decision_date)
    checks.check_date(decided, "Ngày quyết định")
    checks.check_date(values.get("revoked_on", commendation.revoked_on), "Ngày thu hồi", earliest=decided)
    revocation = [values.get(k, getattr(commendation, k)) for k in REVOCATION]
    if any(revocation) and not all(revocation):
        raise ServiceError("Thu hồi cần đủ cả số quyết định thu hồi, ngày thu hồi và lý do thu hồi.")
    return bool(records.save(commendation, values, by=by, created=created, seen=seen))


def delete(record: Exemplar | Commendation, by: User) -> None:
    """Move an exemplar (with its commendations) or a commendation to the trash."""
    _editors_only(by)
    trash.discard(record, by=by)
