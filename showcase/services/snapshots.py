"""A record as plain values and back: what revisions, the trash and backups keep, and the
one function that applies values to a record (NFC text, rendered Markdown, `updated_at`, `revised_at`)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from showcase.extensions import db
from showcase.markup import nfc, render_markdown
from showcase.models import Commendation, Exemplar, Field, Locality, MediaAsset, Movement, Story, utcnow

# Markdown source column -> rendered HTML column.
RENDERED = {"body_md": "body_html", "bio_md": "bio_html"}


def _normalise(value: Any) -> Any:
    if isinstance(value, str):
        return nfc(value.replace("\r\n", "\n"))
    return value


def apply(record: Any, values: dict[str, Any]) -> bool:
    """Set the given attributes where they differ; return whether anything changed."""
    return bool(apply_changes(record, values))


def apply_changes(record: Any, values: dict[str, Any]) -> list[str]:
    """Set the given attributes where they differ; return the names of those that changed."""
    was_published = _was_published(record)
    changed = []
    for name, value in values.items():
        value = _normalise(value)
        current = getattr(record, name)
        same = set(current) == set(value) if isinstance(value, list) else current == value
        if not same:
            setattr(record, name, value)
            changed.append(name)
            if name in RENDERED:
                setattr(record, RENDERED[name], render_markdown(value))
    if changed and hasattr(record, "updated_at"):
        record.updated_at = utcnow()
    if was_published and READER_TEXT.intersection(changed):
        record.revised_at = record.updated_at
    return changed


# What a reader reads of a story: a change to one of these after publication is a revision
# the page dates ("Cập nhật"); a new cover, tag or slug is not.
READER_TEXT = frozenset({"title", "summary", "body_md"})


def _was_published(record: Any) -> bool:
    """Whether this is a story readers have already been able to read (even if archived since)."""
    if not isinstance(record, Story) or record.published_at is None:
        return False
    return record.published_at <= utcnow()


# What a revision keeps of each kind of record, and how each value is written down.
TRACKED: dict[type, list[str]] = {
    Story: [
        "title",
        "slug",
        "summary",
        "body_md",
        "byline",
        "broadcast_summary",
        "field",
        "locality",
        "exemplars",
        "movements",
        "cover",
    ],
    Exemplar: [
        "name",
        "slug",
        "kind",
        "locality",
        "role",
        "organisation",
        "bio_md",
        "portrait",
        "gender",
        "work_role",
        "sector",
        "collective_size",
        "consent_date",
        "consent_method",
        "consent_by",
        "is_minor",
        "guardian_name",
        "guardian_consent_date",
        "guardian_consent_method",
    ],
    MediaAsset: ["alt_text", "caption", "credit", "licence"],
    Commendation: [
        "exemplar",
        "form",
        "level",
        "issuer",
        "decision_no",
        "decision_date",
        "reason",
        "movement",
        "revoked_decision_no",
        "revoked_on",
        "revoked_reason",
    ],
}
# Related records are kept by slug (or id for images), and found again on restore.
RELATED = {
    "field": Field,
    "locality": Locality,
    "exemplars": Exemplar,
    "movements": Movement,
    "exemplar": Exemplar,
    "movement": Movement,
    "cover": MediaAsset,
    "portrait": MediaAsset,
}


def write(value: Any) -> Any:
    """A value as plain JSON: related rows by slug (images by id), dates in ISO, enums by value."""
    if isinstance(value, list):
        return sorted(write(v) for v in value)
    if isinstance(value, MediaAsset):
        return value.id
    if hasattr(value, "slug"):
        return value.slug
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if hasattr(value, "value"):  # enums
        return value.value
    return value


def snapshot(record: Any) -> dict[str, Any]:
    """The tracked fields of a record, as plain JSON values."""
    return {name: write(getattr(record, name)) for name in TRACKED[type(record)]}


def read(record_type: type, name: str, value: Any) -> Any:
    """A snapshot value back as what the record holds (related rows found again)."""
    model = RELATED.get(name)
    if model is None:
        column = getattr(record_type, name).property.columns[0]
        python_type = getattr(column.type, "enum_class", None)
        if python_type is not None and value is not None:
            return python_type(value)
        if isinstance(value, str) and column.type.python_type in (date, datetime):
            return column.type.python_type.fromisoformat(value)
        return value
    key = "id" if model is MediaAsset else "slug"
    if isinstance(value, list):
        found = db.session.scalars(select(model).where(getattr(model, key).in_(value))).all()
        return list(found)
    if value is None:
        return None
    return db.session.scalar(select(model).where(getattr(model, key) == value))
