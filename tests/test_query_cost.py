"""Every public page costs the same number of SQL statements whatever the size of the site,
each of those statements is served by an index, and what is remembered between requests is
never older than the database."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import event

from showcase import generation, web
from showcase.extensions import db
from showcase.models import (
    Commendation,
    CommendationLevel,
    CoverageItem,
    CoverageMedium,
    Exemplar,
    ExemplarKind,
    Field,
    Locality,
    LocalityKind,
    MediaAsset,
    Movement,
    Setting,
    Story,
    StoryStatus,
    utcnow,
)
from showcase.services import transaction
from tests.support import PG_URL, empty_database

BIG_TABLES = {"story", "exemplar", "commendation", "story_exemplar", "story_movement", "media_asset"}


@pytest.fixture(autouse=True)
def _no_publish_check(monkeypatch):
    """The scheduled-publishing check runs every 30 s: keep it out of the counts."""
    monkeypatch.setattr(web, "PUBLISH_DUE_EVERY", float("inf"))


@contextmanager
def recorded(app) -> Iterator[list[tuple[str, object]]]:
    """Record every SQL statement the app sends (with its parameters) while inside."""
    statements: list[tuple[str, object]] = []

    def note(_conn, _cursor, statement, parameters, _context, _executemany) -> None:
        statements.append((statement, parameters))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", note)


def populate(n: int) -> dict[str, str]:
    """A site with n of everything a page lists; return the URL of each public page type."""
    with transaction():
        city = Locality(slug="hai-phong", name="Hải Phòng", kind=LocalityKind.CITY)
        old = Locality(slug="quan-cu", name="Quận Cũ", kind=LocalityKind.DISTRICT, parent=city)
        wards = [
            Locality(slug=f"phuong-{i}", name=f"Phường {i}", kind=LocalityKind.WARD, parent=city)
            for i in range(n)
        ]
        old.replaced_by = wards[0]
        field = Field(slug="y-te", name="Y tế")
        movements = [
            Movement(slug=f"phong-trao-{i}", name=f"Phong trào {i}", start_year=2000 + i) for i in range(n)
        ]
        photos = [
            MediaAsset(
                file=f"{i:02x}/{i:064x}.jpg",
                sha256=f"{i:064x}",
                content_type="image/jpeg",
                width=640,
                height=360,
                alt_text=f"Ảnh {i}",
                credit="Ảnh: Báo Hải Phòng",
                renditions=[
                    {
                        "width": 320,
                        "height": 180,
                        "jpeg": f"{i:02x}/{i:064x}.jpg",
                        "webp": f"{i:02x}/{i:064x}.webp",
                    }
                ],
            )
            for i in range(n)
        ]
        exemplars = [
            Exemplar(
                slug=f"dien-hinh-{i}",
                name=f"Nguyễn Văn Thử {i:03d}",
                kind=ExemplarKind.INDIVIDUAL,
                locality=wards[i],
                portrait=photos[i],
                bio_md="Tiểu sử.",
                bio_html="<p>Tiểu sử.</p>",
            )
            for i in range(n)
        ]
        main_exemplar = exemplars[0]
        for i in range(n):
            Commendation(
                exemplar=exemplars[i],
                form=f"Bằng khen {i % 3}",
                level=CommendationLevel.CITY,
                issuer="Chủ tịch UBND thành phố Hải Phòng",
                decision_no=f"{1000 + i}/QĐ-UBND",
                decision_date=date(2020 + i % 5, 5, 19),
                movement=movements[i],
                revoked_decision_no="9/QĐ-UBND" if i % 7 == 3 else None,
                revoked_on=date(2025, 1, 2) if i % 7 == 3 else None,
            )
            if i:  # the main exemplar has n commendations
                Commendation(
                    exemplar=main_exemplar,
                    form="Chiến sĩ thi đua cơ sở",
                    level=CommendationLevel.LOCAL,
                    issuer="Giám đốc Sở",
                    decision_no=f"{5000 + i}/QĐ-SNV",
                    decision_date=date(2021, 1, 1) + timedelta(days=i),
                )
        stories = []
        for i in range(n):
            story = Story(
                slug=f"bai-viet-{i}",
                title=f"Bài viết thử số {i}",
                summary="Tóm tắt bài viết thử.",
                body_md="Nội dung bài viết thử.",
                body_html="<p>Nội dung bài viết thử.</p>",
                status=StoryStatus.PUBLISHED,
                published_at=datetime(2024, 1, 1) + timedelta(days=i),
                featured=i % 4 == 0,
                byline="Báo Hải Phòng",
                field=field,
                locality=old if i == 1 else wards[i],
                cover=photos[i],
                exemplars=[main_exemplar] if i == 0 else [main_exemplar, exemplars[i]],
                movements=[movements[0], movements[i]] if i else [movements[0]],
            )
            stories.append(story)
        main = stories[-1]  # the newest: n exemplars, n movements, n pieces of coverage
        main.exemplars = list(exemplars)
        main.movements = list(movements)
        main.coverage = [
            CoverageItem(
                outlet="Báo Hải Phòng",
                title=f"Tin số {i}",
                url=f"https://baohaiphong.vn/tin-{i}",
                published_on=date(2024, 6, 1),
                medium=CoverageMedium.ONLINE,
                approved_at=utcnow(),
            )
            for i in range(n)
        ]
        db.session.add_all([city, old, *wards, field, *movements, *photos, *exemplars, *stories])
    return {
        "home": "/",
        "story list": "/bai-viet",
        "story": f"/bai-viet/{main.slug}",
        "exemplar list": "/dien-hinh",
        "exemplar": f"/dien-hinh/{main_exemplar.slug}",
        "movement": f"/phong-trao/{movements[0].slug}",
        "movement list": "/phong-trao",
        "field": f"/linh-vuc/{field.slug}",
        "field list": "/linh-vuc",
        "locality": f"/dia-phuong/{city.slug}",
        "locality tree": "/dia-phuong",
        "register": "/khen-thuong",
        "register, filtered": f"/khen-thuong?nam=2021&dia-phuong={city.slug}",
        "press room": "/bao-chi",
        "search": "/tim-kiem?q=b%C3%A0i+vi%E1%BA%BFt",
    }


def statement_counts(app, client, pages: dict[str, str]) -> dict[str, tuple[int, int]]:
    """Per page: the statements of its first request after a change, then of the next one."""
    counts = {}
    for name, url in pages.items():
        per_request = []
        for _ in range(2):
            with recorded(app) as statements:
                response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            per_request.append(len(statements))
        counts[name] = (per_request[0], per_request[1])
    return counts


def test_each_page_costs_the_same_statements_with_5_and_50_items(app, client):
    by_size = {}
    for n in (5, 50):
        with app.app_context():
            empty_database()
            pages = populate(n)
        by_size[n] = statement_counts(app, client, pages)
        html = client.get(pages["story list"]).get_data(as_text=True)
        assert f"Bài viết thử số {n - 1}" in html  # the page shows the site it was given
    assert by_size[5] == by_size[50]
    # and the steady state is small: a page is a handful of statements, not one per item
    assert all(warm <= 12 for _cold, warm in by_size[50].values()), by_size[50]


def test_a_deep_page_costs_what_the_first_costs(app, client):
    with app.app_context():
        pages = populate(50)
    for url, deep in [("/bai-viet", 5), ("/khen-thuong", 4), ("/dien-hinh/dien-hinh-0", 5)]:
        client.get(url)
        with recorded(app) as first:
            assert client.get(url).status_code == 200
        client.get(f"{url}?trang={deep}")
        with recorded(app) as last:
            response = client.get(f"{url}?trang={deep}")
        assert response.status_code == 200
        assert len(last) == len(first), (url, first, last)
        assert client.get(f"{url}?trang={deep + 1}").status_code == 404
    html = client.get("/bai-viet?trang=5").get_data(as_text=True)
    assert "Bài viết thử số 1<" in html and "Bài viết thử số 0<" in html  # the oldest, last
    assert "Bài viết thử số 2<" not in html and pages


# --- query plans ---------------------------------------------------------------------------

SQLITE_SCAN = re.compile(r"^SCAN (\w+)")
SQLITE_SEARCH = re.compile(r"^SEARCH (\w+)")
# an index searched over a range (published_at<?): every published story, say
SQLITE_RANGE = re.compile(r"\([^)]*[<>][^)]*\)")


def _table(name: str) -> str:
    return re.sub(r"_\d+$", "", name)  # SQLAlchemy's aliases: story_1, locality_2


def full_scans(conn, statement: str, parameters) -> list[str]:
    """The big tables a statement reads whole, by its database's own plan."""
    if conn.dialect.name == "sqlite":
        rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
        scans, correlated = [], set()
        for node, parent, _unused, detail in rows:
            if detail.startswith("CORRELATED") or parent in correlated:
                correlated.add(node)
            match = SQLITE_SCAN.match(detail) or SQLITE_SEARCH.match(detail)
            if not match or _table(match.group(1)) not in BIG_TABLES:
                continue
            if detail.startswith("SCAN") and "INDEX" not in detail:
                scans.append(detail)
            # run once per outer row, a subquery must find its rows by key, not walk a range:
            # a range there is a full walk per row (the quadratic "exemplar has a published story")
            elif parent in correlated and detail.startswith("SEARCH") and SQLITE_RANGE.search(detail):
                scans.append(f"per outer row: {detail}")
        return scans
    plan = [row[0] for row in conn.exec_driver_sql("EXPLAIN " + statement, parameters)]
    return [
        line.strip()
        for line in plan
        if re.search(r"Seq Scan on (\w+)", line)
        and _table(re.search(r"Seq Scan on (\w+)", line).group(1)) in BIG_TABLES
    ]


def test_every_statement_of_every_page_is_served_by_an_index(app, client):
    with app.app_context():
        pages = populate(30)
    filters = ["hinh-thuc=B%E1%BA%B1ng+khen+1", "cap=city", "phong-trao=phong-trao-1", "nam=2022"]
    urls = [*pages.values(), *(f"/khen-thuong?{f}" for f in filters), "/khen-thuong.csv?cap=city"]
    selects: dict[str, tuple[str, object]] = {}
    for url in urls:
        with app.app_context(), transaction():  # a new generation: the first request after a change
            db.session.merge(Setting(key="test-touch", value=url))
        with recorded(app) as statements:
            assert client.get(url).status_code == 200
            assert client.get(url + ("&" if "?" in url else "?") + "trang=2").status_code in (200, 404)
        for statement, parameters in statements:
            if statement.lstrip().upper().startswith("SELECT"):
                selects.setdefault(statement, (url, parameters))
    assert len(selects) > 30
    problems = []
    with app.app_context(), db.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            # PostgreSQL rightly reads a table of 30 rows whole: ask whether an index path exists
            conn.exec_driver_sql("SET enable_seqscan = off")
        for statement, (url, parameters) in selects.items():
            for scan in full_scans(conn, statement, parameters):
                problems.append(f"{url}: {scan}\n    {statement}")
    assert not problems, "\n".join(problems)


def test_full_scan_detection_can_fail(app):
    """The plan check above does see a full scan when there is one."""
    with app.app_context(), db.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("SET enable_seqscan = off")
        assert full_scans(conn, "SELECT count(*) FROM story WHERE summary = 'x'", {} if PG_URL else ())


# --- remembered work is never stale ----------------------------------------------------------


def figures_of(html: str) -> dict[str, str]:
    return {
        label.strip(): number for number, label in re.findall(r'figure-number">(\d+)</span> ([^<]+)<', html)
    }


def test_figures_and_choices_follow_every_change_at_once(app, client, make_story, make_commendation):
    story = make_story()
    assert figures_of(client.get("/").get_data(as_text=True))["bài viết"] == "1"
    assert figures_of(client.get("/").get_data(as_text=True))["bài viết"] == "1"  # remembered
    make_story()
    assert figures_of(client.get("/").get_data(as_text=True))["bài viết"] == "2"
    commendation = make_commendation(exemplar=story.exemplars[0], form="Huân chương Lao động hạng Ba")
    assert "Huân chương Lao động hạng Ba</option>" in client.get("/khen-thuong").get_data(as_text=True)
    assert figures_of(client.get("/").get_data(as_text=True))["khen thưởng còn hiệu lực"] == "1"
    with app.app_context(), transaction():  # a bulk statement, not the ORM: seen as well
        db.session.execute(
            Commendation.__table__.update()
            .where(Commendation.__table__.c.id == commendation.id)
            .values(revoked_decision_no="1/QĐ-UBND", revoked_on=date(2025, 1, 1))
        )
    assert figures_of(client.get("/").get_data(as_text=True))["khen thưởng còn hiệu lực"] == "0"
    with app.app_context(), transaction():  # a deletion alone moves the generation on too
        db.session.delete(db.session.get(Story, story.id))
    assert figures_of(client.get("/").get_data(as_text=True))["bài viết"] == "1"


def test_another_process_change_is_seen(app, client, make_story, tmp_path):
    """A change committed on another connection (another worker) is seen by the next request."""
    make_story()
    assert figures_of(client.get("/").get_data(as_text=True))["bài viết"] == "1"
    with app.app_context():
        before = generation.current()
        with db.engine.begin() as conn:  # a connection of its own, outside this app's session
            conn.execute(Story.__table__.update().values(status=StoryStatus.DRAFT))
    assert figures_of(client.get("/").get_data(as_text=True))["bài viết"] == "0"
    with app.app_context():
        assert generation.current() != before


def test_a_change_made_by_another_process_is_seen_at_once(app, client, make_story, tmp_path):
    """Another worker (here a separate process with its own app) publishes: no stale figures here."""
    make_story()
    assert figures_of(client.get("/").get_data(as_text=True))["bài viết"] == "1"
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    worker = [sys.executable, "-m", "tests.index_worker", url, str(tmp_path / "idx"), "tien-trinh", "2", "30"]
    subprocess.run(worker, check=True, timeout=120)
    html = client.get("/").get_data(as_text=True)
    assert figures_of(html)["bài viết"] == "3" and "Tiến trình tien-trinh bài số 1" in html


def test_a_rolled_back_change_keeps_the_generation(app, make_story):
    make_story()
    with app.app_context():
        before = generation.current()
        db.session.execute(Story.__table__.update().values(title="Không lưu"))
        db.session.rollback()
        db.session.remove()
    with app.app_context():
        assert generation.current() == before is not None


def test_a_story_scheduled_in_the_past_appears_when_its_time_comes(app, client, make_story, monkeypatch):
    soon = utcnow() + timedelta(hours=1)
    make_story(title="Đăng sau một giờ", published_at=soon)
    assert figures_of(client.get("/").get_data(as_text=True))["bài viết"] == "0"
    import showcase.site.memo as memo_module

    monkeypatch.setattr(memo_module, "utcnow", lambda: soon + timedelta(seconds=1))
    import showcase.visibility as visibility

    monkeypatch.setattr(visibility, "utcnow", lambda: soon + timedelta(seconds=1))
    import showcase.pagecache as pagecache  # the stored page names the same moment

    monkeypatch.setattr(pagecache, "utcnow", lambda: soon + timedelta(seconds=1))
    assert figures_of(client.get("/").get_data(as_text=True))["bài viết"] == "1"


def test_sample_data_flag_is_remembered_and_follows_changes(app, client):
    from showcase.services import site_settings

    sample = "là dữ liệu mẫu, hư cấu"
    assert sample not in client.get("/").get_data(as_text=True)
    with recorded(app) as statements:
        assert sample not in client.get("/linh-vuc").get_data(as_text=True)
    assert not any("sample_data" in str(p) for _s, p in statements)  # not asked on every request
    with app.app_context(), transaction():
        site_settings.set_sample_data(True)
    assert sample in client.get("/linh-vuc").get_data(as_text=True)
    with app.app_context(), transaction():  # (set_sample_data(False) fails on an existing row)
        db.session.get(Setting, site_settings.SAMPLE_DATA).value = "0"
    assert sample not in client.get("/linh-vuc").get_data(as_text=True)
