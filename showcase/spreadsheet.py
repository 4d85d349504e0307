"""Cells of the CSV files people open in a spreadsheet (Excel, LibreOffice): text that is shown
as written, never run as a formula, and phone numbers that keep their leading 0."""

from __future__ import annotations

from typing import Any

# what a spreadsheet reads as the start of a formula (a tab or a return too: Excel strips them)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> str:
    """The cell as text; one that would start a formula gets a leading apostrophe (the
    spreadsheet's own sign for "this is text"). An empty cell stays empty."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def phone_cell(digits: str) -> str:
    """A phone number (digits only, as stored) written the Vietnamese way, in groups: "0912 345
    678", "0225 384 2123". The spaces keep Excel from reading it as a number (which would drop the
    leading 0) without a formula (="0912…" would be one) or an apostrophe shown in LibreOffice."""
    digits = "".join(c for c in str(digits or "") if c.isdigit())
    if len(digits) <= 4:
        return digits
    head, rest = digits[:4], digits[4:]
    groups = [rest[i : i + 3] for i in range(0, len(rest), 3)]
    if len(groups) > 1 and len(groups[-1]) == 1:  # never a lone digit at the end: 0225 384 2123
        lone = groups.pop()
        groups[-1] += lone
    return " ".join([head, *groups])
