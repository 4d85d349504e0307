"""The public commendation register: filters from the query string, rows, CSV."""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Select, extract, select
from sqlalchemy.orm import joinedload
from werkzeug.datastructures import MultiDict

from showcase.dates import format_date
from showcase.extensions import db
from showcase.models import Commendation, CommendationLevel, Exemplar, Locality, Movement
from showcase.site.params import ascii_number
from showcase.site.queries import locality_scope


class BadFilter(ValueError):
    """A filter value a person typed that makes no sense; the message is Vietnamese."""


@dataclass
class Filters:
    year: int | None = None
    form: str | None = None
    level: CommendationLevel | None = None
    locality: Locality | None = None
    movement: Movement | None = None

    def as_args(self) -> dict[str, str]:
        """Return the filters as query-string arguments (for links and the CSV)."""
        args = {
            "nam": str(self.year) if self.year else None,
            "hinh-thuc": self.form,
            "cap": self.level.value if self.level else None,
            "dia-phuong": self.locality.slug if self.locality else None,
            "phong-trao": self.movement.slug if self.movement else None,
        }
        return {k: v for k, v in args.items() if v}


def parse_filters(args: MultiDict) -> Filters:
    """Read the register's filters; raise BadFilter on values that cannot be right."""
    filters = Filters()
    if year := args.get("nam", "").strip():
        number = ascii_number(year, 4)
        if number is None or not 1900 <= number <= 2100:
            raise BadFilter(f"Năm “{year[:20]}” không hợp lệ.")
        filters.year = number
    if form := args.get("hinh-thuc", "").strip():
        filters.form = unicodedata.normalize("NFC", form)[:300]  # stored forms are NFC
    if level := args.get("cap", "").strip():
        try:
            filters.level = CommendationLevel(level)
        except ValueError:
            raise BadFilter(f"Cấp khen thưởng “{level[:20]}” không có.") from None
    if slug := args.get("dia-phuong", "").strip():
        filters.locality = db.session.scalar(select(Locality).filter_by(slug=slug))
        if filters.locality is None:
            raise BadFilter(f"Không có địa phương “{slug[:60]}”.")
    if slug := args.get("phong-trao", "").strip():
        filters.movement = db.session.scalar(select(Movement).filter_by(slug=slug))
        if filters.movement is None:
            raise BadFilter(f"Không có phong trào “{slug[:60]}”.")
    return filters


def query(filters: Filters) -> Select:
    """Commendations matching the filters, newest decision first."""
    stmt = (
        select(Commendation)
        .join(Exemplar)
        .options(
            joinedload(Commendation.exemplar).joinedload(Exemplar.locality),
            joinedload(Commendation.movement),
        )
        .order_by(Commendation.decision_date.desc(), Commendation.decision_no, Exemplar.name)
    )
    if filters.year:
        stmt = stmt.where(extract("year", Commendation.decision_date) == filters.year)
    if filters.form:
        stmt = stmt.where(Commendation.form == filters.form)
    if filters.level:
        stmt = stmt.where(Commendation.level == filters.level)
    if filters.locality:
        stmt = stmt.where(Exemplar.locality_id.in_(locality_scope(filters.locality)))
    if filters.movement:
        stmt = stmt.where(Commendation.movement_id == filters.movement.id)
    return stmt


def choices() -> dict[str, Sequence[object]]:
    """What the filter form offers."""
    years = db.session.scalars(select(extract("year", Commendation.decision_date)).distinct()).all()
    return {
        "years": sorted((int(y) for y in years), reverse=True),
        "forms": db.session.scalars(select(Commendation.form).distinct().order_by(Commendation.form)).all(),
        "levels": list(CommendationLevel),
        "localities": db.session.scalars(select(Locality).order_by(Locality.name, Locality.kind)).all(),
        "movements": db.session.scalars(select(Movement).order_by(Movement.name)).all(),
    }


def _cell(value: str) -> str:
    """Keep spreadsheet programs from reading a cell as a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


CSV_HEADER = [
    "Số quyết định",
    "Ngày quyết định",
    "Hình thức",
    "Cấp",
    "Cơ quan quyết định",
    "Điển hình",
    "Loại",
    "Địa phương",
    "Phong trào",
    "Lý do",
    "Thu hồi theo quyết định",
    "Ngày thu hồi",
    "Lý do thu hồi",
]


def to_csv(rows: Sequence[Commendation]) -> str:
    """Render commendations as CSV (UTF-8 with BOM so spreadsheet programs read Vietnamese)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for c in rows:
        writer.writerow(
            _cell(v)
            for v in (
                c.decision_no,
                format_date(c.decision_date),
                c.form,
                c.level.label,
                c.issuer,
                c.exemplar.name,
                c.exemplar.kind.label,
                c.exemplar.locality.full_name,
                c.movement.name if c.movement else "",
                c.reason,
                c.revoked_decision_no or "",
                format_date(c.revoked_on),
                c.revoked_reason or "",
            )
        )
    return out.getvalue()
