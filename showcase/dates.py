"""Time zones and date formats: stored naive UTC, shown in Vietnam time as dd/mm/yyyy."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone

VIETNAM = timezone(timedelta(hours=7), "ICT")


def to_local(value: datetime) -> datetime:
    """Return a stored (naive UTC) datetime in Vietnam time."""
    return value.replace(tzinfo=UTC).astimezone(VIETNAM)


def from_local(value: date | datetime) -> datetime:
    """Return naive UTC for a Vietnam-local date (midnight) or datetime (naive means local)."""
    if not isinstance(value, datetime):
        value = datetime.combine(value, time())
    if value.tzinfo is None:
        value = value.replace(tzinfo=VIETNAM)
    return value.astimezone(UTC).replace(tzinfo=None)


def format_date(value: date | datetime | None) -> str:
    """Format as dd/mm/yyyy (datetimes in Vietnam time)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_local(value)
    return value.strftime("%d/%m/%Y")


def format_datetime(value: datetime | None) -> str:
    """Format as dd/mm/yyyy HH:MM in Vietnam time."""
    return to_local(value).strftime("%d/%m/%Y %H:%M") if value else ""


def iso_date(value: date | datetime | None) -> str:
    """Format as yyyy-mm-dd, the day in Vietnam time (a <time datetime> matching what is shown)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_local(value)
    return value.strftime("%Y-%m-%d")
