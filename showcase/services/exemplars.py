"""Exemplars and their commendations: the register the board keeps true (editors and admins)."""

from __future__ import annotations

from typing import Any

from showcase.models import Commendation, Exemplar, ExemplarKind, User
from showcase.services import checks, records, trash
from showcase.services.errors import ServiceError
from showcase.services.stories import make_slug

REVOCATION = ("revoked_decision_no", "revoked_on", "revoked_reason")
# the balance's attributes that belong to one kind of exemplar only
INDIVIDUAL_ONLY = {"gender": "Giới tính", "work_role": "Vị trí công tác"}
COLLECTIVE_ONLY = {"collective_size": "Quy mô tập thể"}


def _editors_only(by: User) -> None:
    if not by.is_editor:
        raise ServiceError("Chỉ biên tập viên sửa được điển hình và khen thưởng.")


def save_exemplar(
    exemplar: Exemplar, values: dict[str, Any], by: User, created: bool, seen: int | None = None
) -> bool:
    """Create or edit an exemplar; an empty slug is made from the name."""
    _editors_only(by)
    check_attributes(exemplar, values)
    values = dict(
        values, slug=make_slug(values.get("slug", ""), values.get("name", ""), Exemplar, exemplar.id)
    )
    return bool(records.save(exemplar, values, by=by, created=created, seen=seen))


def check_attributes(exemplar: Exemplar, values: dict[str, Any]) -> None:
    """Refuse an individual's attribute on a collective and the other way round."""
    kind = values.get("kind", exemplar.kind)
    wrong = COLLECTIVE_ONLY if kind == ExemplarKind.INDIVIDUAL else INDIVIDUAL_ONLY
    if kind is None:
        return
    for name, label in wrong.items():
        if values.get(name, getattr(exemplar, name)) is not None:
            owner = "tập thể" if kind == ExemplarKind.INDIVIDUAL else "cá nhân"
            raise ServiceError(f"“{label}” chỉ ghi cho {owner}; với {kind.label.lower()} hãy để trống.")


def save_commendation(
    commendation: Commendation, values: dict[str, Any], by: User, created: bool, seen: int | None = None
) -> bool:
    """Create or edit a commendation; a revocation needs its decision, date and reason together."""
    _editors_only(by)
    values = {k: (None if k in REVOCATION and not v else v) for k, v in values.items()}
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
