"""/thong-ke: every figure on the page, in its table, its picture and its CSV, equals what the test
counts itself from the rows in the database (plain ORM reads and Python, not the site's queries).

What is counted (see showcase/site/statistics.py): public stories; exemplars featured in them;
every commendation in force in the register (revoked ones only in their own figure, never in a
chart; the register shows a commendation whether or not its exemplar has a public page); places
folded into the unit that replaced them."""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from html.parser import HTMLParser

import pytest

from showcase.extensions import db
from showcase.models import (
    CollectiveSize,
    Commendation,
    CommendationLevel,
    Exemplar,
    ExemplarKind,
    Field,
    Gender,
    Locality,
    LocalityKind,
    Movement,
    Sector,
    Story,
    StoryStatus,
    WorkRole,
    utcnow,
)
from showcase.numbers import format_number, format_percent, share
from showcase.services import exemplars as exemplar_service
from showcase.services.errors import ServiceError

# --- reading the page -----------------------------------------------------------------------


class StatsPage(HTMLParser):
    """Per figure: its table rows (cells as text), its SVG's value labels and title; the headline
    figures."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.figures: dict[str, dict] = {}
        self.summary: dict[str, str] = {}
        self.figure: dict | None = None
        self.cell: list[str] | None = None
        self.row: list[str] | None = None
        self.in_body = False
        self.capture: str | None = None
        self.text: list[str] = []
        self.dt: str | None = None
        self.in_figures = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if tag == "dl":
            self.in_figures = "stat-figures" in classes
        if tag == "figure" and "chart" in classes:
            self.figure = {"rows": [], "values": [], "svg": None, "title": ""}
            self.figures[a["id"].removeprefix("bieu-do-")] = self.figure
        if self.figure is None:
            if tag in ("dt", "dd") and self.in_figures:
                self.capture, self.text = tag, []
            return
        if tag == "svg":
            self.figure["svg"] = a
        if tag == "title":
            self.capture, self.text = "title", []
        if tag == "text" and "chart-value" in classes:
            self.capture, self.text = "value", []
        if tag == "tbody":
            self.in_body = True
        if tag == "tr" and self.in_body:
            self.row = []
        if tag in ("th", "td") and self.row is not None:
            self.cell = []

    def handle_endtag(self, tag):
        if tag == "dl":
            self.in_figures = False
        if self.figure is None:
            if tag == self.capture:
                value = "".join(self.text).strip()
                if tag == "dt":
                    self.dt = value
                elif self.dt:
                    self.summary[self.dt] = value
                self.capture = None
            return
        if tag in ("th", "td") and self.cell is not None and self.row is not None:
            self.row.append("".join(self.cell).strip())
            self.cell = None
        if tag == "tr" and self.row is not None:
            self.figure["rows"].append(self.row)
            self.row = None
        if tag == "tbody":
            self.in_body = False
        if tag == "title" and self.capture == "title":
            self.figure["title"] = "".join(self.text)
            self.capture = None
        if tag == "text" and self.capture == "value":
            self.figure["values"].append("".join(self.text))
            self.capture = None
        if tag == "figure":
            self.figure = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)
        if self.capture:
            self.text.append(data)


def read_page(client, query: str = "") -> StatsPage:
    response = client.get(f"/thong-ke{query}")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    parser = StatsPage()
    parser.feed(response.get_data(as_text=True))
    return parser


def read_csv(client, slug: str, query: str = "") -> list[list[str]]:
    response = client.get(f"/thong-ke/{slug}.csv{query}")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    raw = response.get_data()
    assert raw.startswith("\ufeff".encode()), "UTF-8 with BOM"
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


# --- a varied record --------------------------------------------------------------------------

NOW = utcnow()


@pytest.fixture
def record(make_world, make_exemplar, make_story, make_commendation):
    """Public and non-public stories, exemplars with and without the balance's attributes, old
    units merged into new ones, commendations in force and revoked, over three years."""
    world = make_world()
    city, ward, old = world["city"], world["ward"], world["old"]
    commune = Locality(slug="xa-tien-lang", name="Tiên Lãng", kind=LocalityKind.COMMUNE, parent=city)
    district = Locality(
        slug="huyen-tien-lang",
        name="Tiên Lãng",
        kind=LocalityKind.RURAL_DISTRICT,
        parent=city,
        replaced_by=commune,
    )
    village = Locality(  # merged into a unit that was itself merged: counted in today's unit
        slug="xa-vinh-quang",
        name="Vinh Quang",
        kind=LocalityKind.COMMUNE,
        parent=district,
        replaced_by=district,
    )
    economy = Field(slug="kinh-te", name="Kinh tế")
    poverty = Movement(slug="vi-nguoi-ngheo", name="Vì người nghèo", launched_by="MTTQ", start_year=2000)
    db.session.add_all([commune, district, village, economy, poverty])
    db.session.commit()
    rural = world["movement"]

    an = make_exemplar(
        name="Nguyễn Thị An",
        gender=Gender.FEMALE,
        work_role=WorkRole.DIRECT,
        sector=Sector.NON_STATE,
        locality=old,
    )
    binh = make_exemplar(
        name="Trần Văn Bình",
        gender=Gender.MALE,
        work_role=WorkRole.MANAGEMENT,
        sector=Sector.STATE,
        locality=commune,
    )
    cuong = make_exemplar(name="Lê Cường", locality=city)  # nothing recorded yet
    dung = make_exemplar(
        name="Phạm Dung", gender=Gender.UNSTATED, work_role=WorkRole.DIRECT, locality=district
    )
    team = make_exemplar(
        name="Tổ dân phố số 5",
        kind=ExemplarKind.COLLECTIVE,
        collective_size=CollectiveSize.SMALL,
        sector=Sector.NON_STATE,
        locality=village,
    )
    firm = make_exemplar(
        name="Công ty Biển Xanh",
        kind=ExemplarKind.COLLECTIVE,
        collective_size=CollectiveSize.OTHER,
        sector=Sector.NON_STATE,
        locality=ward,
    )
    school = make_exemplar(name="Trường Tiểu học Hòa Bình", kind=ExemplarKind.COLLECTIVE, locality=ward)
    hidden = make_exemplar(
        name="Chỉ có trong bản nháp", gender=Gender.FEMALE, sector=Sector.STATE, locality=ward
    )

    make_story(
        exemplars=[an, team], published_at=datetime(2024, 3, 1, 3), movements=[rural, poverty], locality=old
    )
    # 20:00 UTC on 31/12/2024 is 03:00 on 01/01/2025 in Hải Phòng: a 2025 story
    make_story(
        exemplars=[an],
        published_at=datetime(2024, 12, 31, 20),
        movements=[rural],
        field=economy,
        locality=commune,
    )
    make_story(
        exemplars=[binh, firm, school],
        published_at=datetime(2025, 6, 1, 3),
        movements=[],
        field=economy,
        locality=village,
    )
    make_story(
        exemplars=[cuong, dung], published_at=datetime(2023, 12, 31, 12), movements=[poverty], locality=city
    )
    make_story(exemplars=[dung], published_at=datetime(2025, 2, 2, 2), movements=[], locality=district)
    # none of these may count
    make_story(exemplars=[hidden, an], status=StoryStatus.DRAFT, published_at=None)
    make_story(
        exemplars=[hidden],
        status=StoryStatus.IN_REVIEW,
        published_at=None,
        publish_at=NOW + timedelta(days=3),
    )
    make_story(exemplars=[hidden, binh], published_at=NOW + timedelta(days=2))  # scheduled: not yet public
    make_story(
        exemplars=[hidden],
        status=StoryStatus.RETRACTED,
        published_at=datetime(2024, 5, 1, 3),
        retracted_at=datetime(2024, 6, 1),
        retraction_reason="Sai sự thật",
    )
    make_story(exemplars=[hidden, firm], status=StoryStatus.ARCHIVED, published_at=datetime(2024, 6, 1, 3))

    def award(exemplar, level, day, movement=None, form="Giấy khen", revoked=False):
        extra = {}
        if revoked:
            extra = {"revoked_decision_no": f"9{day.day}/QĐ-TH", "revoked_on": day + timedelta(days=30)}
            extra["revoked_reason"] = "Hồ sơ không trung thực"
        return make_commendation(
            exemplar=exemplar, level=level, decision_date=day, movement=movement, form=form, **extra
        )

    award(an, CommendationLevel.LOCAL, date(2024, 2, 1), rural, form="Giấy khen của Chủ tịch UBND xã")
    award(an, CommendationLevel.CITY, date(2025, 3, 1), form="Bằng khen của Chủ tịch UBND thành phố")
    award(
        binh, CommendationLevel.CITY, date(2024, 9, 9), poverty, form="Bằng khen của Chủ tịch UBND thành phố"
    )
    award(binh, CommendationLevel.STATE, date(2025, 1, 1), form="Huân chương Lao động hạng Ba", revoked=True)
    award(team, CommendationLevel.LOCAL, date(2024, 11, 11), rural, form="Giấy khen của Chủ tịch UBND xã")
    award(firm, CommendationLevel.MINISTRY, date(2025, 5, 5), form='=HYPERLINK("x")', revoked=True)
    award(firm, CommendationLevel.CITY, date(2025, 5, 6), poverty, form="-Cờ thi đua")  # escaped in CSV
    award(school, CommendationLevel.LOCAL, date(2025, 7, 7), form="Giấy khen của Chủ tịch UBND xã")
    award(hidden, CommendationLevel.LOCAL, date(2024, 1, 1), form="Giấy khen của Chủ tịch UBND xã")
    award(cuong, CommendationLevel.GOVERNMENT, date(2023, 1, 1), form="Bằng khen của Thủ tướng Chính phủ")
    award(dung, CommendationLevel.LOCAL, date(2025, 8, 8), form="Giấy khen của Chủ tịch UBND xã")
    return world


# --- counting it again, independently ------------------------------------------------------


def vietnam_year(moment: datetime) -> int:
    return (moment + timedelta(hours=7)).year


def expected(year: int | None) -> dict:
    """Every chart's rows {label: values} and the headline figures, from the rows themselves."""
    now = utcnow()
    stories = [
        s
        for s in db.session.scalars(db.select(Story))
        if s.status == StoryStatus.PUBLISHED and s.published_at is not None and s.published_at <= now
    ]
    all_public = stories
    if year:
        stories = [s for s in stories if vietnam_year(s.published_at) == year]
    exemplars = {e for s in stories for e in s.exemplars}
    every = db.session.scalars(db.select(Commendation)).all()
    in_force = [c for c in every if c.revoked_decision_no is None]
    revoked = [c for c in every if c.revoked_decision_no is not None]
    if year:
        in_force = [c for c in in_force if c.decision_date.year == year]
        revoked = [c for c in revoked if c.decision_date.year == year]

    def today(unit: Locality) -> Locality:
        while unit.replaced_by is not None:
            unit = unit.replaced_by
        return unit

    def rows(keys, labels, *counters):
        found = {}
        for key in keys:
            values = [c.get(key, 0) for c in counters]
            if any(values):
                found[labels[key]] = values
        return found

    charts: dict[str, dict] = {}
    movements = db.session.scalars(db.select(Movement)).all()
    m_labels = {m.id: m.name for m in movements} | {None: "Không gắn phong trào"}
    m_stories: Counter = Counter()
    m_exemplars: dict = {}
    for s in stories:
        for key in [m.id for m in s.movements] or [None]:
            m_stories[key] += 1
            m_exemplars.setdefault(key, set()).update(e.id for e in s.exemplars)
    m_commendations = Counter(c.movement_id for c in in_force)
    charts["phong-trao"] = rows(
        m_labels, m_labels, {k: len(v) for k, v in m_exemplars.items()}, m_stories, m_commendations
    )
    f_labels = {f.id: f.name for f in db.session.scalars(db.select(Field))}
    f_stories = Counter(s.field_id for s in stories)
    f_exemplars: dict = {}
    for s in stories:
        f_exemplars.setdefault(s.field_id, set()).update(e.id for e in s.exemplars)
    charts["linh-vuc"] = rows(f_labels, f_labels, {k: len(v) for k, v in f_exemplars.items()}, f_stories)
    units = db.session.scalars(db.select(Locality)).all()
    l_labels = {u.id: u.full_name for u in units}
    charts["dia-phuong"] = rows(
        l_labels,
        l_labels,
        Counter(today(e.locality).id for e in exemplars),
        Counter(today(s.locality).id for s in stories),
        Counter(today(c.exemplar.locality).id for c in in_force),
    )
    y_stories = Counter(vietnam_year(s.published_at) for s in all_public)
    y_exemplars: dict = {}
    for s in all_public:
        y_exemplars.setdefault(vietnam_year(s.published_at), set()).update(e.id for e in s.exemplars)
    y_commendations = Counter(c.decision_date.year for c in every if c.revoked_decision_no is None)
    years = sorted({*y_stories, *y_commendations})
    charts["nam"] = rows(
        years,
        {y: str(y) for y in years},
        {k: len(v) for k, v in y_exemplars.items()},
        y_stories,
        y_commendations,
    )
    k_labels = {k: k.label for k in ExemplarKind}
    charts["ca-nhan-tap-the"] = rows(
        ExemplarKind,
        k_labels,
        Counter(e.kind for e in exemplars),
        Counter(k for s in stories for k in {e.kind for e in s.exemplars}),
        Counter(c.exemplar.kind for c in in_force),
    )
    forms = Counter(c.form for c in in_force)
    charts["hinh-thuc"] = {f: [n] for f, n in forms.items()}
    levels = Counter(c.level for c in in_force)
    charts["cap"] = {lv.label: [levels[lv]] for lv in CommendationLevel if levels[lv]}

    people = [c for c in in_force if c.exemplar.kind == ExemplarKind.INDIVIDUAL]
    groups = [c for c in in_force if c.exemplar.kind == ExemplarKind.COLLECTIVE]
    local = sum(1 for c in in_force if c.level == CommendationLevel.LOCAL)
    charts["cap-co-so"] = {"Cấp cơ sở": [local], "Các cấp khác": [len(in_force) - local]}

    def split(chosen, attribute, members):
        counted = Counter(getattr(c.exemplar, attribute) for c in chosen)
        found = {m.label: [counted[m]] for m in members}
        found["Chưa rõ"] = [counted[None]]
        return found

    charts["tap-the-nho"] = split(groups, "collective_size", CollectiveSize)
    charts["truc-tiep-lao-dong"] = split(people, "work_role", WorkRole)
    charts["khu-vuc"] = split(in_force, "sector", Sector)
    charts["gioi-tinh"] = split(people, "gender", Gender)
    summary = {
        "exemplars": len(exemplars),
        "stories": len(stories),
        "commendations": len(in_force),
        "revoked": len(revoked),
    }
    return {"charts": charts, "summary": summary}


SHARES = {"cap-co-so", "tap-the-nho", "truc-tiep-lao-dong", "khu-vuc", "gioi-tinh"}


def percent_text(part: int, whole: int) -> str:
    """12,5 % computed here, not by the site's helper."""
    value = (Decimal(part) * 100 / whole) if whole else Decimal(0)
    rounded = value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{rounded}".replace(".", ",") + "\u00a0%"


def check_everything(client, year: int | None) -> None:
    want = expected(year)
    query = f"?nam={year}" if year else ""
    page = read_page(client, query)
    assert set(page.figures) == set(want["charts"])
    summary = want["summary"]
    figures = list(page.summary.values())
    assert figures == [str(summary[k]) for k in ("exemplars", "stories", "commendations", "revoked")]
    for slug, rows in want["charts"].items():
        figure = page.figures[slug]
        svg = figure["svg"]
        if rows and (slug not in SHARES or sum(v[0] for v in rows.values())):
            assert svg is not None and svg["role"] == "img" and svg.get("aria-labelledby"), slug
            assert figure["title"], slug
        table = {r[0]: r[1:] for r in figure["rows"] if r[0] != "Chưa có số liệu."}
        if slug in SHARES:
            whole = sum(v[0] for v in rows.values())
            assert table == {k: [str(v[0]), percent_text(v[0], whole)] for k, v in rows.items()}, slug
            for label, values in rows.items():  # the picture's key says the same
                assert (
                    not whole or f"{label}: {values[0]} ({percent_text(values[0], whole)})" in figure["title"]
                ), slug
        else:
            assert table == {k: [str(n) for n in v] for k, v in rows.items()}, (slug, table, rows)
            # the bars' labels, in the table's order, say the same numbers
            assert figure["values"] == [n for r in figure["rows"] for n in r[1:]], slug
        chart_query = "" if slug == "nam" else query
        lines = read_csv(client, slug, chart_query)
        body = {line[0].removeprefix("'"): line[1:] for line in lines[1:] if line[0] != "Tổng"}
        if slug in SHARES:
            whole = sum(v[0] for v in rows.values())
            assert body == {k: [str(v[0]), percent_text(v[0], whole)[:-2]] for k, v in rows.items()}, slug
            assert lines[-1][:2] == ["Tổng", str(whole)]
        else:
            assert body == {k: [str(n) for n in v] for k, v in rows.items()}, slug


@pytest.mark.parametrize("year", [None, 2023, 2024, 2025, 2019])
def test_every_figure_equals_the_database(record, client, year):
    check_everything(client, year)


def test_what_must_not_count_is_not_counted(record, client):
    page = read_page(client)
    names = " ".join(" ".join(r[0] for r in f["rows"]) for f in page.figures.values())
    assert "Đồ Sơn" in names and "Quận Đồ Sơn" not in names  # the old district folded into the ward
    assert "Huyện Tiên Lãng" not in names and "Xã Vinh Quang" not in names  # merged twice: counted today
    assert "Xã Tiên Lãng" in names
    assert (
        page.summary["Bài viết đã đăng"] == "5"
    )  # draft, embargoed, scheduled, retracted, archived left out
    assert page.summary["Khen thưởng đã thu hồi"] == "2"
    forms = {r[0] for r in page.figures["hinh-thuc"]["rows"]}
    assert "Huân chương Lao động hạng Ba" not in forms  # revoked: only in its own figure
    # the register shows every commendation: one to an exemplar without a public page counts
    assert page.figures["cap"]["rows"][-1] == ["Cơ sở", "5"]


def test_the_year_chooser_links_every_year_and_marks_the_chosen(record, client):
    html = client.get("/thong-ke?nam=2024").get_data(as_text=True)
    assert '<a href="/thong-ke?nam=2024" aria-current="page">2024</a>' in html
    for year in (2023, 2025):
        assert f'<a href="/thong-ke?nam={year}">{year}</a>' in html
    assert '<a href="/thong-ke">Tất cả</a>' in html
    assert "/thong-ke/cap.csv?nam=2024" in html and "/thong-ke/nam.csv" in html


@pytest.mark.parametrize("bad", ["abc", "20245", "1800", "２０２４", "-2024", "2024.0"])
def test_a_bad_year_is_a_400_in_words(record, client, bad):
    for url in (f"/thong-ke?nam={bad}", f"/thong-ke/cap.csv?nam={bad}"):
        response = client.get(url)
        assert response.status_code == 400, url
        assert "không hợp lệ" in response.get_data(as_text=True)


def test_an_unknown_chart_is_a_404(record, client):
    assert client.get("/thong-ke/khong-co.csv").status_code == 404


def test_csv_headers_bom_and_formula_escaping(record, client):
    lines = read_csv(client, "phong-trao")
    assert lines[0] == ["Nhóm", "Điển hình", "Bài viết", "Khen thưởng còn hiệu lực"]
    assert read_csv(client, "gioi-tinh")[0] == ["Nhóm", "Số khen thưởng", "Tỉ lệ (%)"]
    assert read_csv(client, "nam")[0][0] == "Năm"
    forms = [line[0] for line in read_csv(client, "hinh-thuc")[1:]]
    assert "'-Cờ thi đua" in forms  # a cell starting with - is not a formula
    response = client.get("/thong-ke/hinh-thuc.csv")
    assert "attachment" in response.headers["Content-Disposition"]


def test_the_page_is_linked_and_accessible_markup(record, client):
    home = client.get("/").get_data(as_text=True)
    assert 'href="/thong-ke"' in home
    html = client.get("/thong-ke").get_data(as_text=True)
    assert "<script" not in html.split("</head>")[1]  # no chart script
    assert html.count('<figure class="chart"') == 12
    assert html.count("<summary>Xem bảng số liệu</summary>") == 12
    assert "Tải số liệu (CSV)" in html


def test_empty_database_renders(client, ctx):
    response = client.get("/thong-ke")
    assert response.status_code == 200
    assert "Chưa có số liệu." in response.get_data(as_text=True)
    assert client.get("/thong-ke/gioi-tinh.csv").status_code == 200


# --- numbers the Vietnamese way ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "decimals", "text"),
    [
        (0, 0, "0"),
        (7, 0, "7"),
        (1234, 0, "1.234"),
        (1234567, 0, "1.234.567"),
        (1234.5, 1, "1.234,5"),
        (1234.45, 1, "1.234,5"),  # halves round up, not to even
        (0.25, 1, "0,3"),
        (-1234.5, 1, "-1.234,5"),
        (-0.04, 1, "0,0"),  # never "-0,0"
        (Decimal("999999.96"), 1, "1.000.000,0"),
        (None, 0, ""),
    ],
)
def test_format_number(value, decimals, text):
    assert format_number(value, decimals) == text


def test_format_percent_and_share():
    assert format_percent(Decimal("12.5")) == "12,5\u00a0%"
    assert format_percent(share(1, 3)) == "33,3\u00a0%"
    assert format_percent(share(2, 3)) == "66,7\u00a0%"
    assert format_percent(share(3, 0)) == "0,0\u00a0%"
    assert format_percent(share(1234, 1000), 0) == "123\u00a0%"


# --- the attributes belong to the right kind of exemplar -----------------------------------------


def named(exemplar: Exemplar, **values) -> dict:
    return {"name": exemplar.name, "slug": exemplar.slug} | values


def test_an_individuals_attribute_on_a_collective_is_refused(make_exemplar, people):
    team = make_exemplar(name="Đội tình nguyện", kind=ExemplarKind.COLLECTIVE)
    with pytest.raises(ServiceError, match="Giới tính"):
        exemplar_service.save_exemplar(
            team, named(team, gender=Gender.FEMALE), by=people["editor"], created=False
        )
    db.session.rollback()
    person = make_exemplar(name="Vũ Thị Hoa")
    with pytest.raises(ServiceError, match="Quy mô tập thể"):
        exemplar_service.save_exemplar(
            person, named(person, collective_size=CollectiveSize.SMALL), by=people["editor"], created=False
        )
    db.session.rollback()
    assert exemplar_service.save_exemplar(
        person, named(person, gender=Gender.FEMALE, sector=Sector.STATE), by=people["editor"], created=False
    )
    db.session.commit()
    assert db.session.get(Exemplar, person.id).gender == Gender.FEMALE
