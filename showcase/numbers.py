"""Numbers the Vietnamese way: a dot between thousands, a comma before decimals (1.234,5), and
a percent sign after a no-break space (12,5 %)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

NBSP = "\u00a0"  # keeps "12,5" and "%" on one line


def format_number(value: int | float | Decimal | None, decimals: int = 0) -> str:
    """Format as 1.234.567 or, with decimals, 1.234,5 (halves rounded away from zero)."""
    if value is None:
        return ""
    exact = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    if exact == 0:
        exact = abs(exact)  # never "-0"
    text = f"{exact:,.{decimals}f}"  # 1,234.5
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def share(part: int, whole: int) -> Decimal:
    """`part` as a percentage of `whole` (0 when the whole is 0), not yet rounded."""
    if not whole:
        return Decimal(0)
    return Decimal(part) * 100 / Decimal(whole)


def format_percent(value: int | float | Decimal | None, decimals: int = 1) -> str:
    """Format a percentage as 12,5 % (a no-break space before the sign)."""
    if value is None:
        return ""
    return f"{format_number(value, decimals)}{NBSP}%"
