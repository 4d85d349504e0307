"""The figures of /thong-ke: what the public record holds, counted, for the board's reports.

What is counted, all through visibility.py and the register's rule:
- stories: public ones (`is_published`), in a year by their publication date in Vietnam time;
- exemplars: public ones (`has_published_story`), in a year those featured in that year's
  public stories; an exemplar's movement and field are those of its public stories;
- commendations: every commendation in force in the register (the register shows them all),
  in a year by the decision's date; revoked ones are counted apart, never in a chart;
- places: the unit that exists today — a unit merged away counts in the unit that replaced it.

The balance the directive asks for (Decree 98/2023) is the commendations in force by the
commendation's level (grassroots: CommendationLevel.LOCAL) and by their exemplar's recorded
attributes; an attribute not recorded yet is counted as "Chưa rõ", never left out.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, and_, func, select

from showcase.extensions import db
from showcase.models import (
    CollectiveSize,
    Commendation,
    CommendationLevel,
    Exemplar,
    ExemplarKind,
    Field,
    Gender,
    LabelledEnum,
    Locality,
    Movement,
    Sector,
    Story,
    WorkRole,
    story_exemplars,
    story_movements,
)
from showcase.numbers import format_number, share
from showcase.site import memo
from showcase.site.params import ascii_number
from showcase.site.queries import in_year, local_year
from showcase.visibility import has_published_story, is_published

UNKNOWN = "Chưa rõ"
NO_MOVEMENT = "Không gắn phong trào"
EXEMPLARS, STORIES, COMMENDATIONS = "Điển hình", "Bài viết", "Khen thưởng còn hiệu lực"


class BadYear(ValueError):
    """A ?nam= that is no year; the message is Vietnamese."""


def parse_year(raw: str | None) -> int | None:
    """The year asked for (None: every year); raise BadYear on anything else."""
    text = (raw or "").strip()
    if not text:
        return None
    number = ascii_number(text, 4)
    if number is None or not 1900 <= number <= 2100:
        raise BadYear(f"Năm “{text[:20]}” không hợp lệ: hãy chọn một năm có bốn chữ số, ví dụ 2025.")
    return number


@dataclass(frozen=True)
class Row:
    label: str
    values: tuple[int, ...]


@dataclass(frozen=True)
class Chart:
    """One chart: rows of counts, one value per series. A "share" chart has one series whose
    rows split a whole (drawn as one bar of 100 %)."""

    slug: str
    title: str
    note: str
    series: tuple[str, ...]
    rows: tuple[Row, ...]
    shares: bool = False
    year_independent: bool = False  # the chart by year shows every year whatever is chosen
    key_row: int = 0  # a share chart's row the directive watches (shown in large)

    @property
    def total(self) -> int:
        return sum(r.values[0] for r in self.rows)

    def percent(self, row: Row) -> Decimal:
        return share(row.values[0], self.total)


@dataclass(frozen=True)
class Summary:
    exemplars: int
    stories: int
    commendations: int
    revoked: int


@dataclass(frozen=True)
class Statistics:
    year: int | None
    summary: Summary
    charts: tuple[Chart, ...] = field(default_factory=tuple)

    def chart(self, slug: str) -> Chart | None:
        return next((c for c in self.charts if c.slug == slug), None)

    @property
    def counts(self) -> tuple[Chart, ...]:
        return tuple(c for c in self.charts if not c.shares)

    @property
    def balance(self) -> tuple[Chart, ...]:
        return tuple(c for c in self.charts if c.shares)


# --- the sets counted ---------------------------------------------------------------------


def _story_filter(year: int | None) -> Any:
    return and_(is_published(), in_year(year)) if year else is_published()


def _decided_in(year: int | None) -> Any:
    if not year:
        return True
    return Commendation.decision_date.between(date(year, 1, 1), date(year, 12, 31))


def public_story_ids(year: int | None) -> Select:
    """The public stories (of this year)."""
    return select(Story.id).where(_story_filter(year))


def public_exemplar_ids(year: int | None) -> Select:
    """The public exemplars (featured in this year's public stories)."""
    stmt = select(Exemplar.id).where(has_published_story())
    if year:
        featured = select(story_exemplars.c.exemplar_id).where(
            story_exemplars.c.story_id.in_(public_story_ids(year))
        )
        stmt = stmt.where(Exemplar.id.in_(featured))
    return stmt


def _commendations(year: int | None, revoked: bool = False) -> Select:
    """Commendations in the register (of this year), in force or revoked."""
    state = (
        Commendation.revoked_decision_no.is_not(None)
        if revoked
        else Commendation.revoked_decision_no.is_(None)
    )
    return select(Commendation).where(state, _decided_in(year))


# --- helpers --------------------------------------------------------------------------------


def _current_units() -> dict[int, Locality]:
    """Each unit's id → the unit that exists today (following replaced_by, safe from loops)."""
    units = {u.id: u for u in db.session.scalars(select(Locality))}
    current: dict[int, Locality] = {}
    for unit_id, unit in units.items():
        seen = {unit_id}
        while (
            unit.replaced_by_id is not None
            and unit.replaced_by_id in units
            and unit.replaced_by_id not in seen
        ):
            seen.add(unit.replaced_by_id)
            unit = units[unit.replaced_by_id]
        current[unit_id] = unit
    return current


def sort_key(name: str) -> tuple[str, str]:
    """Order Vietnamese names by their letters (Đ with D, tones after), not by code point."""
    bare = "".join(c for c in unicodedata.normalize("NFD", name) if not unicodedata.combining(c))
    return bare.replace("Đ", "D").replace("đ", "d").casefold(), name


def _grid(keys: Iterable[Any], labels: dict[Any, str], *columns: Counter) -> tuple[Row, ...]:
    """Rows in the order of `keys`, leaving out a row with nothing in any column."""
    rows = []
    for key in keys:
        values = tuple(c.get(key, 0) for c in columns)
        if any(values):
            rows.append(Row(labels[key], values))
    return tuple(rows)


def _counter(rows: Iterable[tuple[Any, int]]) -> Counter:
    found: Counter = Counter()
    for key, n in rows:
        found[key] += n
    return found


def _share_rows(counted: Counter, members: Iterable[LabelledEnum], unknown: bool = True) -> tuple[Row, ...]:
    rows = [Row(m.label, (counted.get(m, 0),)) for m in members]
    if unknown:
        rows.append(Row(UNKNOWN, (counted.get(None, 0),)))
    return tuple(rows)


# --- the charts -----------------------------------------------------------------------------


def compute(year: int | None) -> Statistics:
    """Every figure of the page, for one year or all of them."""
    session = db.session
    stories = public_story_ids(year)
    exemplars = public_exemplar_ids(year)
    in_force = _commendations(year).subquery()

    summary = Summary(
        exemplars=session.scalar(select(func.count()).select_from(exemplars.subquery())) or 0,
        stories=session.scalar(select(func.count()).select_from(stories.subquery())) or 0,
        commendations=session.scalar(select(func.count()).select_from(in_force)) or 0,
        revoked=session.scalar(
            select(func.count()).select_from(_commendations(year, revoked=True).subquery())
        )
        or 0,
    )
    # (exemplar, story) pairs among the public ones counted: an exemplar's movements and fields
    pairs = (
        select(story_exemplars.c.exemplar_id, story_exemplars.c.story_id)
        .where(story_exemplars.c.story_id.in_(stories), story_exemplars.c.exemplar_id.in_(exemplars))
        .subquery()
    )
    exemplar_kind = select(Exemplar.id, Exemplar.kind, Exemplar.locality_id).where(Exemplar.id.in_(exemplars))
    kinds = {i: k for i, k, _ in session.execute(exemplar_kind)}
    commendation_rows = session.execute(
        select(
            in_force.c.movement_id,
            in_force.c.form,
            in_force.c.level,
            in_force.c.decision_date,
            Exemplar.kind,
            Exemplar.locality_id,
            Exemplar.gender,
            Exemplar.work_role,
            Exemplar.sector,
            Exemplar.collective_size,
        ).join(Exemplar, Exemplar.id == in_force.c.exemplar_id)
    ).all()

    charts = [
        _by_movement(stories, pairs, commendation_rows),
        _by_field(stories, pairs),
        _by_locality(stories, exemplars, commendation_rows),
        _by_year(),
        _by_kind(stories, kinds, commendation_rows),
        _by_form(commendation_rows),
        _by_level(commendation_rows),
        *_balance(commendation_rows),
    ]
    return Statistics(year, summary, tuple(charts))


def _by_movement(stories: Select, pairs: Any, commendations: Sequence[Any]) -> Chart:
    session = db.session
    movements = session.execute(
        select(Movement.id, Movement.name).order_by(Movement.start_year.desc(), Movement.name)
    )
    labels = dict(movements.all()) | {None: NO_MOVEMENT}
    column = story_movements.c.movement_id
    story_counts = _counter(
        session.execute(
            select(column, func.count()).where(story_movements.c.story_id.in_(stories)).group_by(column)
        )
    )
    filed = select(story_movements.c.story_id)
    unfiled = select(func.count()).select_from(Story).where(Story.id.in_(stories), ~Story.id.in_(filed))
    story_counts[None] = session.scalar(unfiled) or 0
    exemplar_counts = _counter(
        session.execute(
            select(column, func.count(func.distinct(pairs.c.exemplar_id)))
            .join(pairs, pairs.c.story_id == story_movements.c.story_id)
            .group_by(column)
        )
    )
    exemplar_counts[None] = (
        session.scalar(
            select(func.count(func.distinct(pairs.c.exemplar_id))).where(~pairs.c.story_id.in_(filed))
        )
        or 0
    )
    commendation_counts = Counter(r.movement_id for r in commendations)
    return Chart(
        "phong-trao",
        "Theo phong trào thi đua",
        "Một bài viết, một điển hình có thể thuộc nhiều phong trào; "
        "khen thưởng theo phong trào ghi trong quyết định.",
        (EXEMPLARS, STORIES, COMMENDATIONS),
        _grid(labels, labels, exemplar_counts, story_counts, commendation_counts),
    )


def _by_field(stories: Select, pairs: Any) -> Chart:
    session = db.session
    fields = sorted(session.execute(select(Field.id, Field.name)).all(), key=lambda f: sort_key(f.name))
    labels = {f.id: f.name for f in fields}
    story_counts = _counter(
        session.execute(
            select(Story.field_id, func.count()).where(Story.id.in_(stories)).group_by(Story.field_id)
        )
    )
    exemplar_counts = _counter(
        session.execute(
            select(Story.field_id, func.count(func.distinct(pairs.c.exemplar_id)))
            .join(pairs, pairs.c.story_id == Story.id)
            .group_by(Story.field_id)
        )
    )
    return Chart(
        "linh-vuc",
        "Theo lĩnh vực",
        "Lĩnh vực là của bài viết; một điển hình được tính ở lĩnh vực của từng bài viết về mình. "
        "Quyết định khen thưởng không ghi lĩnh vực.",
        (EXEMPLARS, STORIES),
        _grid(labels, labels, exemplar_counts, story_counts),
    )


def _by_locality(stories: Select, exemplars: Select, commendations: Sequence[Any]) -> Chart:
    session = db.session
    current = _current_units()

    def folded(rows: Iterable[tuple[int, int]]) -> Counter:
        return _counter((current[unit_id].id, n) for unit_id, n in rows)

    story_counts = folded(
        session.execute(
            select(Story.locality_id, func.count()).where(Story.id.in_(stories)).group_by(Story.locality_id)
        )
    )
    exemplar_counts = folded(
        session.execute(
            select(Exemplar.locality_id, func.count())
            .where(Exemplar.id.in_(exemplars))
            .group_by(Exemplar.locality_id)
        )
    )
    commendation_counts = folded(Counter(r.locality_id for r in commendations).items())
    units = sorted(
        {u.id: u for u in current.values()}.values(), key=lambda u: (sort_key(u.name), u.kind.label, u.id)
    )
    labels = {u.id: u.full_name for u in units}
    return Chart(
        "dia-phuong",
        "Theo địa phương",
        "Theo đơn vị hành chính hiện nay: số liệu của đơn vị cũ đã sáp nhập "
        "được tính vào đơn vị thay thế nó. Điển hình và khen thưởng theo địa phương "
        "của điển hình, bài viết theo địa phương của bài.",
        (EXEMPLARS, STORIES, COMMENDATIONS),
        _grid(labels, labels, exemplar_counts, story_counts, commendation_counts),
    )


def _by_year() -> Chart:
    """Every year (the year chosen does not narrow this one)."""
    session = db.session
    year = local_year(Story.published_at)
    story_counts = _counter(
        (int(y), n)
        for y, n in session.execute(select(year, func.count()).where(is_published()).group_by(year))
        if y is not None
    )
    pairs = (
        select(year.label("year"), story_exemplars.c.exemplar_id)
        .join(Story, Story.id == story_exemplars.c.story_id)
        .where(is_published())
        .subquery()
    )
    exemplar_counts = _counter(
        (int(y), n)
        for y, n in session.execute(
            select(pairs.c.year, func.count(func.distinct(pairs.c.exemplar_id))).group_by(pairs.c.year)
        )
        if y is not None
    )
    commendation_counts = Counter(
        d.year
        for d in session.scalars(
            select(Commendation.decision_date).where(Commendation.revoked_decision_no.is_(None))
        )
    )
    years = sorted({*story_counts, *exemplar_counts, *commendation_counts})
    return Chart(
        "nam",
        "Theo năm",
        "Mọi năm, không phụ thuộc năm đang chọn: bài viết theo năm đăng, "
        "điển hình theo năm có bài viết về mình (mỗi năm tính một lần), khen thưởng theo năm ra quyết định.",
        (EXEMPLARS, STORIES, COMMENDATIONS),
        _grid(years, {y: str(y) for y in years}, exemplar_counts, story_counts, commendation_counts),
        year_independent=True,
    )


def _by_kind(stories: Select, kinds: dict[int, ExemplarKind], commendations: Sequence[Any]) -> Chart:
    session = db.session
    exemplar_counts = Counter(kinds.values())
    about: dict[int, set[ExemplarKind]] = defaultdict(set)
    for story_id, exemplar_id in session.execute(
        select(story_exemplars.c.story_id, story_exemplars.c.exemplar_id).where(
            story_exemplars.c.story_id.in_(stories)
        )
    ):
        if exemplar_id in kinds:
            about[story_id].add(kinds[exemplar_id])
    story_counts = Counter(k for found in about.values() for k in found)
    commendation_counts = Counter(r.kind for r in commendations)
    labels = {k: k.label for k in ExemplarKind}
    return Chart(
        "ca-nhan-tap-the",
        "Cá nhân và tập thể",
        "Bài viết được tính ở mỗi loại điển hình mà bài nói tới.",
        (EXEMPLARS, STORIES, COMMENDATIONS),
        _grid(ExemplarKind, labels, exemplar_counts, story_counts, commendation_counts),
    )


def _by_form(commendations: Sequence[Any]) -> Chart:
    counted = Counter(r.form for r in commendations)
    forms = sorted(counted, key=lambda f: (-counted[f], sort_key(f)))
    return Chart(
        "hinh-thuc",
        "Khen thưởng theo hình thức",
        "",
        (COMMENDATIONS,),
        _grid(forms, {f: f for f in forms}, counted),
    )


def _by_level(commendations: Sequence[Any]) -> Chart:
    counted = Counter(r.level for r in commendations)
    return Chart(
        "cap",
        "Khen thưởng theo cấp",
        "",
        (COMMENDATIONS,),
        _grid(CommendationLevel, {lv: lv.label for lv in CommendationLevel}, counted),
    )


def _balance(commendations: Sequence[Any]) -> list[Chart]:
    individual = [r for r in commendations if r.kind == ExemplarKind.INDIVIDUAL]
    collective = [r for r in commendations if r.kind == ExemplarKind.COLLECTIVE]
    local = sum(1 for r in commendations if r.level == CommendationLevel.LOCAL)
    return [
        Chart(
            "cap-co-so",
            "Khen thưởng cấp cơ sở",
            "Trên tổng số khen thưởng còn hiệu lực.",
            ("Số khen thưởng",),
            (Row("Cấp cơ sở", (local,)), Row("Các cấp khác", (len(commendations) - local,))),
            shares=True,
        ),
        Chart(
            "tap-the-nho",
            "Khen thưởng tập thể nhỏ",
            "Trên số khen thưởng trao cho tập thể.",
            ("Số khen thưởng",),
            _share_rows(Counter(r.collective_size for r in collective), CollectiveSize),
            shares=True,
        ),
        Chart(
            "truc-tiep-lao-dong",
            "Khen thưởng người trực tiếp lao động, sản xuất, công tác",
            "Trên số khen thưởng trao cho cá nhân.",
            ("Số khen thưởng",),
            _share_rows(Counter(r.work_role for r in individual), WorkRole),
            shares=True,
        ),
        Chart(
            "khu-vuc",
            "Khen thưởng theo khu vực nhà nước và ngoài nhà nước",
            "Trên tổng số khen thưởng còn hiệu lực.",
            ("Số khen thưởng",),
            _share_rows(Counter(r.sector for r in commendations), Sector),
            shares=True,
            key_row=1,
        ),
        Chart(
            "gioi-tinh",
            "Khen thưởng cá nhân theo giới tính",
            "Trên số khen thưởng trao cho cá nhân.",
            ("Số khen thưởng",),
            _share_rows(Counter(r.gender for r in individual), Gender),
            shares=True,
            key_row=1,
        ),
    ]


# --- what the page asks -------------------------------------------------------------------


def statistics(year: int | None) -> Statistics:
    """The page's figures (computed once per change of the data)."""
    return memo.remember(("statistics", year), lambda: compute(year))


def _years() -> tuple[int, ...]:
    year = local_year(Story.published_at)
    found = {
        int(y) for y in db.session.scalars(select(year).where(is_published()).distinct()) if y is not None
    }
    found |= {d.year for d in db.session.scalars(select(Commendation.decision_date).distinct())}
    return tuple(sorted(found, reverse=True))


def years() -> tuple[int, ...]:
    """The years with a public story or a commendation, newest first."""
    return memo.remember(("statistics-years",), _years)


# --- CSV ------------------------------------------------------------------------------------


def _cell(value: str) -> str:
    """Keep spreadsheet programs from reading a cell as a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def to_csv(chart: Chart) -> str:
    """A chart's numbers as CSV: UTF-8 with BOM, Vietnamese headers, counts as plain integers,
    percentages with a decimal comma (as a Vietnamese spreadsheet reads them)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    first = "Năm" if chart.slug == "nam" else "Nhóm"
    if chart.shares:
        writer.writerow([first, chart.series[0], "Tỉ lệ (%)"])
        for row in chart.rows:
            writer.writerow([_cell(row.label), row.values[0], format_number(chart.percent(row), 1)])
        writer.writerow(["Tổng", chart.total, format_number(100 if chart.total else 0, 1)])
    else:
        writer.writerow([first, *chart.series])
        for row in chart.rows:
            writer.writerow([_cell(row.label), *row.values])
    return out.getvalue()
