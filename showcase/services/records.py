"""Apply field values to a record: NFC text, rendered Markdown, `updated_at` only on change."""

from __future__ import annotations

from typing import Any

from showcase.markup import nfc, render_markdown
from showcase.models import utcnow

# Markdown source column -> rendered HTML column.
RENDERED = {"body_md": "body_html", "bio_md": "bio_html"}


def _normalise(value: Any) -> Any:
    if isinstance(value, str):
        return nfc(value.replace("\r\n", "\n"))
    return value


def apply(record: Any, values: dict[str, Any]) -> bool:
    """Set the given attributes where they differ; return whether anything changed."""
    changed = False
    for name, value in values.items():
        value = _normalise(value)
        current = getattr(record, name)
        same = set(current) == set(value) if isinstance(value, list) else current == value
        if not same:
            setattr(record, name, value)
            changed = True
            if name in RENDERED:
                setattr(record, RENDERED[name], render_markdown(value))
    if changed and hasattr(record, "updated_at"):
        record.updated_at = utcnow()
    return changed
