"""Working days in Vietnam: Monday to Friday, less the public holidays (Tết and 2/9 included).

The holidays come from the `holidays` package (country "VN"), which follows the Labour Code and
the government's yearly decisions on swapped days (a Tết or 2/9 bridge, a Monday off for a holiday
on a Sunday). A consultation on award candidates stays open for N working days (Decree
98/2023/NĐ-CP, Art. 46): it closes at the end of the Nth working day after it opens, Vietnam time.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache

import holidays

from showcase.dates import from_local, to_local

MAX_DAYS = 60  # a consultation longer than this is a typing mistake


@lru_cache(maxsize=64)
def _year(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("VN", years=year))


def holiday_name(day: date) -> str | None:
    """The holiday's name (in English, as the library gives it), or None on an ordinary day."""
    return holidays.country_holidays("VN", years=day.year).get(day)


def is_working_day(day: date) -> bool:
    """Whether offices work that day: not Saturday or Sunday, not a public holiday or day off."""
    return day.weekday() < 5 and day not in _year(day.year)


def add_working_days(start: date, count: int) -> date:
    """The `count`th working day after `start` (the day itself not counted)."""
    day = start
    left = count
    while left > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            left -= 1
    return day


def closing_time(opens_on: date, count: int) -> datetime:
    """When a consultation opened on `opens_on` for `count` working days closes: midnight at the
    end of its last working day, Vietnam time, as naive UTC (what the columns store)."""
    return from_local(add_working_days(opens_on, count) + timedelta(days=1))


def last_day(closes_at: datetime) -> date:
    """The last day (Vietnam time) on which comments are taken, from the stored closing time."""
    return to_local(closes_at - timedelta(seconds=1)).date()


def working_days_left(now: datetime, closes_at: datetime) -> int:
    """How many working days are left after today before the closing time: today is never
    counted (the day a consultation opens is not one of its N days, and on the last day none is
    left after it); 0 once it has closed."""
    if now >= closes_at:
        return 0
    day, end = to_local(now).date() + timedelta(days=1), last_day(closes_at)
    count = 0
    while day <= end:
        count += is_working_day(day)
        day += timedelta(days=1)
    return count
