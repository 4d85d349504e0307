"""Site-wide flags kept in the Setting table (whether the loaded content is sample data)."""

from __future__ import annotations

from typing import Any

from showcase.extensions import db
from showcase.models import Setting, User
from showcase.services import records

SAMPLE_DATA = "sample_data"


def is_sample_data() -> bool:
    """Tell whether sample data is loaded (every page then says so)."""
    setting = db.session.get(Setting, SAMPLE_DATA)
    return setting is not None and setting.value == "1"


def set_sample_data(on: bool, by: User | None = None, **detail: Any) -> str | None:
    """Record whether the loaded content is sample data, with an audit row when it changes;
    return "create", "edit" or None (nothing to change). The caller commits."""
    setting = db.session.get(Setting, SAMPLE_DATA)
    if setting is None and not on:
        return None  # no row already means "not sample data"
    created = setting is None
    if created:
        setting = Setting(key=SAMPLE_DATA)
    changed = records.save(setting, {"value": "1" if on else "0"}, by=by, created=created, **detail)
    return ("create" if created else "edit") if changed else None
