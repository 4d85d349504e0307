"""Numbers read from the query string, the same way on every public page.

What a person types there is never trusted to be small or even a number: a value that is not
one is a 400 with a Vietnamese message, a number that names no page is a 404, and neither
ever reaches the database as an integer it cannot hold (SQLite raises OverflowError past
2**63, PostgreSQL "bigint out of range").
"""

from __future__ import annotations

from flask import abort, request

# No list has a millionth page; a longer number cannot name a page that exists.
PAGE_DIGITS = 6


def ascii_number(raw: str, digits: int) -> int | None:
    """Return the value of at most `digits` ASCII digits, else None ("²", "１", "-1", "1e5")."""
    if not raw or len(raw) > digits or not (raw.isascii() and raw.isdigit()):
        return None
    return int(raw)


def page_number(limit: int | None = None) -> int:
    """Return ?trang=N (1 when absent); abort 400 when it is not a number, 404 when no such page."""
    raw = request.args.get("trang", "").strip()
    if not raw:
        return 1
    if not (raw.isascii() and raw.isdigit()):
        abort(400, description=f"Số trang “{raw[:20]}” không hợp lệ: hãy dùng một số nguyên dương.")
    page = ascii_number(raw, PAGE_DIGITS)
    if page is None or page < 1:
        abort(404)
    if limit is not None and page > limit:
        abort(400, description=f"Chỉ xem được tới trang {limit}; hãy thu hẹp tìm kiếm bằng bộ lọc.")
    return page
