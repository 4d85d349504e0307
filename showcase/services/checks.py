"""Checks several services share: dates and years within what the register can hold."""

from __future__ import annotations

from datetime import date, timedelta

from showcase.dates import to_local
from showcase.models import utcnow
from showcase.search.analysis import DECISION
from showcase.services.errors import ServiceError

FIRST_YEAR = 1945  # the first commendations of the Democratic Republic of Viet Nam


def today() -> date:
    """Today in Vietnam."""
    return to_local(utcnow()).date()


def _dmy(value: date) -> str:
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


def check_date(value: date | None, label: str, earliest: date | None = None) -> None:
    """Refuse a date before `earliest` (1945 by default) or later than tomorrow."""
    if value is None:
        return
    earliest = earliest or date(FIRST_YEAR, 1, 1)
    if value < earliest or value > today() + timedelta(days=1):
        raise ServiceError(f"{label} phải từ {_dmy(earliest)} đến hôm nay (nhận {_dmy(value)}).")


def check_year(value: int | None, label: str, earliest: int = 1900) -> None:
    """Refuse a year outside earliest..2100."""
    if value is not None and not earliest <= value <= 2100:
        raise ServiceError(f"{label} phải là một năm từ {earliest} đến 2100 (nhận {value}).")


def decision_number(value: str, label: str, example: str = "ví dụ 1245/QĐ-UBND") -> str:
    """A decision number in the usual form: digits, then parts joined by "/" or "-", at least one
    with letters (1245/QĐ-UBND, 12/2023/QĐ-UBND, 56-QĐ/BDVTW): the pattern the register's search
    and /tra-cuu read decision numbers with. Returns it without surrounding spaces."""
    text = " ".join(str(value or "").split())
    if not text:
        raise ServiceError(f"Hãy ghi {label.lower()} ({example}).")
    if len(text) > 100 or not DECISION.fullmatch(text):
        raise ServiceError(f"{label} “{text[:100]}” không đúng dạng số quyết định ({example}).")
    return text
