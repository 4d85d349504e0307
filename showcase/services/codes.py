"""Give each new commendation its permanent public code, one no other record has."""

from __future__ import annotations

from sqlalchemy import select

from showcase import codes
from showcase.extensions import db
from showcase.models import Commendation

TRIES = 20  # with 31**8 codes a clash is already one in millions; twenty in a row is a broken generator


def unused_code() -> str:
    """Return a random code no commendation (stored or pending in this session) holds."""
    pending = {c.code for c in db.session.new if isinstance(c, Commendation) and c.code}
    with db.session.no_autoflush:  # a half-built record (no exemplar yet) must not be flushed by the check
        for _ in range(TRIES):
            code = codes.generate()
            taken = db.session.scalar(select(Commendation.id).filter_by(code=code)) is not None
            if code not in pending and not taken:
                return code
    raise RuntimeError("no unused commendation code found")


def assign(commendation: Commendation) -> None:
    """Give a new commendation its code, unless it came with one (an import keeps the file's)."""
    if not commendation.code:
        commendation.code = unused_code()
