"""Exemplars and their commendations: the register the board keeps true (editors and admins)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from showcase import public_names, visibility
from showcase.extensions import db
from showcase.models import Commendation, Exemplar, ExemplarKind, User
from showcase.services import checks, consent, records, trash
from showcase.services.errors import ServiceError
from showcase.services.stories import make_slug

REVOCATION = ("revoked_decision_no", "revoked_on", "revoked_reason")
# a person's consent, and a minor's guardian's: each record whole or not at all
CONSENT = {
    "consent_date": "Ngày đồng ý",
    "consent_method": "Hình thức đồng ý",
    "consent_by": "Người ghi nhận",
}
GUARDIAN = {
    "guardian_name": "Người giám hộ",
    "guardian_consent_date": "Ngày người giám hộ đồng ý",
    "guardian_consent_method": "Hình thức người giám hộ đồng ý",
}
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
    values = check_consent(exemplar, values)
    values = dict(values, slug=_slug(exemplar, values))
    return bool(records.save(exemplar, values, by=by, created=created, seen=seen))


def _slug(exemplar: Exemplar, values: dict[str, Any]) -> str:
    """The slug asked for or made from the name; for a minor shown by initials, a neutral one
    (a slug spelled from the full name would put it in every link, the sitemap and feeds)."""
    future = Exemplar(
        name=values.get("name", exemplar.name) or "",
        kind=values.get("kind", exemplar.kind),
        is_minor=values.get("is_minor", exemplar.is_minor),
        guardian_consent_date=values.get("guardian_consent_date", exemplar.guardian_consent_date),
        guardian_consent_method=values.get("guardian_consent_method", exemplar.guardian_consent_method),
    )
    if not public_names.anonymised(future):
        kept = exemplar.slug if "slug" not in values and "name" not in values else ""  # a partial edit
        return make_slug(values.get("slug", "") or kept, values.get("name", ""), Exemplar, exemplar.id)
    base = public_names.neutral_slug(future)
    if (exemplar.slug or "").startswith(base):
        return exemplar.slug  # already neutral: keep the link people have
    for n in range(1, 1000):
        slug = base if n == 1 else f"{base}-{n}"
        clash = db.session.scalar(select(Exemplar.id).where(Exemplar.slug == slug))
        if clash is None or clash == exemplar.id:
            return slug
    raise ServiceError("Không tạo được đường dẫn ẩn danh; hãy tự đặt đường dẫn.")


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def check_consent(exemplar: Exemplar, values: dict[str, Any]) -> dict[str, Any]:
    """Check the consent record and return the values with its empty text fields as "".

    A person's consent and a guardian's are each recorded whole (date, how, by whom / guardian's
    name) or not at all; dates are not in the future; a guardian's only for a minor; a collective
    records none. Withdrawing an adult's consent while a story about them is public is refused:
    take the story down first."""
    values = {k: ("" if k in ("consent_by", "guardian_name") and v is None else v) for k, v in values.items()}
    current = {k: values.get(k, getattr(exemplar, k)) for k in (*CONSENT, *GUARDIAN, "is_minor", "kind")}
    today = checks.today()
    dates = {
        "consent_date": CONSENT["consent_date"],
        "guardian_consent_date": GUARDIAN["guardian_consent_date"],
    }
    for name, label in dates.items():
        when = current[name]
        if isinstance(when, date) and when > today:
            raise ServiceError(f"{label} không thể ở tương lai (nhận {when:%d/%m/%Y}).")
        checks.check_date(when, label)
    given = [k for k in (*CONSENT, *GUARDIAN) if not _blank(current[k])]
    if current["kind"] == ExemplarKind.COLLECTIVE:
        if given or current["is_minor"]:
            raise ServiceError(
                "Tập thể không cần ghi sự đồng ý cá nhân hay người giám hộ; hãy để trống các ô này."
            )
        return values
    for group, whose in ((CONSENT, "sự đồng ý"), (GUARDIAN, "sự đồng ý của người giám hộ")):
        missing = [label for k, label in group.items() if _blank(current[k])]
        if missing and len(missing) < len(group):
            raise ServiceError(f"Ghi {whose} cần đủ cả: {', '.join(missing)}.")
    if not current["is_minor"] and any(not _blank(current[k]) for k in GUARDIAN):
        raise ServiceError(
            "Chỉ ghi người giám hộ cho người chưa thành niên: hãy đánh dấu “Người chưa thành niên” "
            "hoặc để trống các ô người giám hộ."
        )
    if exemplar.id is not None and consent.consented(exemplar):
        after = Exemplar(kind=current["kind"], is_minor=current["is_minor"])
        after.consent_date, after.consent_method = current["consent_date"], current["consent_method"]
        if not consent.consented(after) and _has_public_story(exemplar):
            raise ServiceError(
                f"“{exemplar.name}” đang có bài viết đã đăng: hãy gỡ bài (lưu trữ hoặc ẩn theo yêu cầu) "
                "trước khi xoá ghi nhận đồng ý."
            )
    return values


def _has_public_story(exemplar: Exemplar) -> bool:
    found = db.session.scalar(
        select(Exemplar.id).where(Exemplar.id == exemplar.id, visibility.has_published_story())
    )
    return found is not None


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
