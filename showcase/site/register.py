"""The public commendation register: filters from the query string, rows, CSV."""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload
from werkzeug.datastructures import MultiDict

from showcase.dates import format_date
from showcase.extensions import db
from showcase.models import Commendation, CommendationLevel, Exemplar, Locality, Movement
from showcase.public_names import public_name
from showcase.search.analysis import decision_key
from showcase.site import memo, paging
from showcase.site.params import ascii_number
from showcase.site.queries import locality_scope
from showcase.spreadsheet import safe_cell


class BadFilter(ValueError):
    """A filter value a person typed that makes no sense; the message is Vietnamese."""


@dataclass
class Filters:
    year: int | None = None
    form: str | None = None
    level: CommendationLevel | None = None
    locality: Locality | None = None
    movement: Movement | None = None
    decision: str | None = None  # a decision number as typed (decision_key folds it)
    revoked: bool | None = None

    def key(self) -> tuple:
        """What identifies this filtering (for remembering its list)."""
        return (
            self.year,
            self.form,
            self.level,
            self.locality.id if self.locality else None,
            self.movement.id if self.movement else None,
            decision_key(self.decision) if self.decision else None,
            self.revoked,
        )

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


ROW_OPTIONS = (
    joinedload(Commendation.exemplar).joinedload(Exemplar.locality),
    joinedload(Commendation.movement),
)


def _matching(filters: Filters, *columns) -> Select:
    """The filtered commendations (the given columns), newest decision first."""
    stmt = (
        select(*columns)
        .select_from(Commendation)
        .join(Exemplar, Exemplar.id == Commendation.exemplar_id)
        .order_by(Commendation.decision_date.desc(), Commendation.decision_no, Exemplar.name, Commendation.id)
    )
    if filters.year:  # a range on the indexed date, not a function of it
        stmt = stmt.where(
            Commendation.decision_date.between(date(filters.year, 1, 1), date(filters.year, 12, 31))
        )
    if filters.form:
        stmt = stmt.where(Commendation.form == filters.form)
    if filters.level:
        stmt = stmt.where(Commendation.level == filters.level)
    if filters.locality:
        stmt = stmt.where(Exemplar.locality_id.in_(locality_scope(filters.locality)))
    if filters.movement:
        stmt = stmt.where(Commendation.movement_id == filters.movement.id)
    if filters.decision:  # the stored spellings of the number, found by its folded key
        stmt = stmt.where(Commendation.decision_no.in_(decision_numbers(filters.decision)))
    if filters.revoked is not None:
        revoked = Commendation.revoked_decision_no.is_not(None)
        stmt = stmt.where(revoked if filters.revoked else ~revoked)
    return stmt


def _decision_numbers() -> dict[str, tuple[str, ...]]:
    numbers: dict[str, list[str]] = {}
    for number in db.session.scalars(select(Commendation.decision_no).distinct()):
        numbers.setdefault(decision_key(number), []).append(number)
    return {key: tuple(sorted(found)) for key, found in numbers.items()}


def decision_numbers(typed: str) -> tuple[str, ...]:
    """The decision numbers as stored that match one as typed: with or without diacritics, any
    case, en dash or hyphen (`1245/qd-ubnd` finds `1245/QĐ-UBND`)."""
    table = memo.remember(("decision-numbers",), _decision_numbers)
    return table.get(decision_key(typed.strip()), ())


def query(filters: Filters) -> Select:
    """Commendations matching the filters, newest decision first, with what a row shows."""
    return _matching(filters, Commendation).options(*ROW_OPTIONS)


def _rows(ids: list[int]) -> Sequence[Commendation]:
    return db.session.scalars(
        select(Commendation).where(Commendation.id.in_(ids)).options(*ROW_OPTIONS)
    ).all()


def page(filters: Filters, number: int, per_page: int) -> paging.Page:
    """Page `number` of the matching commendations (a page past the end is a 404)."""
    return paging.page_of(
        ("register", filters.key()), _matching(filters, Commendation.id), _rows, number, per_page
    )


@dataclass(frozen=True)
class Choice:
    """One option of a filter: plain values, kept between requests."""

    slug: str
    name: str
    full_name: str = ""
    replaced_by: bool = False  # an old unit, merged away


def _choices() -> dict[str, tuple]:
    dates = db.session.scalars(select(Commendation.decision_date).distinct())
    units = db.session.scalars(select(Locality).order_by(Locality.name, Locality.kind)).all()
    movements = db.session.execute(select(Movement.slug, Movement.name).order_by(Movement.name))
    return {
        "years": tuple(sorted({d.year for d in dates}, reverse=True)),
        "forms": tuple(db.session.scalars(select(Commendation.form).distinct().order_by(Commendation.form))),
        "levels": tuple(CommendationLevel),
        "localities": tuple(Choice(u.slug, u.name, u.full_name, u.replaced_by_id is not None) for u in units),
        "movements": tuple(Choice(slug, name) for slug, name in movements),
    }


def choices() -> dict[str, Sequence[object]]:
    """What the filter form offers (computed once per change of the data)."""
    return dict(memo.remember(("register-choices",), _choices))


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
            safe_cell(v)
            for v in (
                c.decision_no,
                format_date(c.decision_date),
                c.form,
                c.level.label,
                c.issuer,
                public_name(c.exemplar),
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
