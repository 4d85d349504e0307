"""Fixtures: one app per session on a real database (SQLite file, or PostgreSQL when
TEST_DATABASE_URL is set, in a schema of its own that is dropped afterwards)."""

from __future__ import annotations

import os
from datetime import date, datetime

import pytest

from showcase.extensions import db
from showcase.models import (
    Commendation,
    CommendationLevel,
    ConsentMethod,
    Consultation,
    ConsultationCandidate,
    ConsultationStatus,
    Exemplar,
    ExemplarKind,
    Field,
    Locality,
    LocalityKind,
    Movement,
    Story,
    StoryStatus,
)
from showcase.services import accounts, snapshots
from tests.support import Database, build_app, csrf_token, empty_database

REDIS_URL = "redis://127.0.0.1:6379"


def pytest_collection_modifyitems(config, items):
    """On SQLite, tests of the PostgreSQL search backend are left out (deselected, not skipped:
    the PostgreSQL run of CI runs them, and there they fail if anything is missing)."""
    if os.environ.get("TEST_DATABASE_URL"):
        return
    kept = [item for item in items if not item.get_closest_marker("postgresql_only")]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[item for item in items if item not in kept])
        items[:] = kept


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    directory = tmp_path_factory.mktemp("app")
    database = Database(directory)
    app = build_app(directory, database)
    yield app
    with app.app_context():
        db.engine.dispose()
    database.drop()


@pytest.fixture(autouse=True)
def _clean_database(request):
    """Empty every table after each test that used the shared app."""
    yield
    if "app" not in request.fixturenames:
        return
    with request.getfixturevalue("app").app_context():
        empty_database()


@pytest.fixture
def ctx(app):
    """An application context (for tests that use the session directly)."""
    with app.app_context():
        yield
        db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_world(ctx):
    """Create (or reuse) the taxonomy every story needs; return it as a dict."""

    def make() -> dict:
        def get_or_make(model, slug, **values):
            record = db.session.scalar(db.select(model).filter_by(slug=slug))
            if record is None:
                record = model(slug=slug, **values)
                db.session.add(record)
            return record

        city = get_or_make(Locality, "hai-phong", name="Hải Phòng", kind=LocalityKind.CITY)
        ward = get_or_make(Locality, "phuong-do-son", name="Đồ Sơn", kind=LocalityKind.WARD, parent=city)
        old = get_or_make(
            Locality, "quan-do-son", name="Đồ Sơn", kind=LocalityKind.DISTRICT, parent=city, replaced_by=ward
        )
        field = get_or_make(Field, "y-te", name="Y tế", description="Khám chữa bệnh")
        movement = get_or_make(
            Movement,
            "nong-thon-moi",
            name="Cả nước chung sức xây dựng nông thôn mới",
            launched_by="Thủ tướng Chính phủ",
            start_year=2011,
        )
        db.session.commit()
        return {"city": city, "ward": ward, "old": old, "field": field, "movement": movement}

    return make


@pytest.fixture
def make_exemplar(make_world):
    counter = iter(range(1, 10_000))

    def make(**values) -> Exemplar:
        world = make_world()
        n = next(counter)
        exemplar = Exemplar(slug=values.pop("slug", f"dien-hinh-{n}"))
        defaults = {
            "name": f"Nguyễn Văn Thử {n}",
            "kind": ExemplarKind.INDIVIDUAL,
            "locality": world["ward"],
            "bio_md": "Tiểu sử **ngắn**.",
        }
        # an individual's consent is on record unless a test says otherwise (consent=False):
        # a story about a person without it is not published (services/consent.py)
        if (
            values.pop("consent", True)
            and values.get("kind", ExemplarKind.INDIVIDUAL) == ExemplarKind.INDIVIDUAL
        ):
            defaults |= {
                "consent_date": date(2024, 1, 15),
                "consent_method": ConsentMethod.WRITTEN,
                "consent_by": "Phóng viên Báo Hải Phòng",
            }
        snapshots.apply(exemplar, defaults | values)
        db.session.add(exemplar)
        db.session.commit()
        return exemplar

    return make


@pytest.fixture
def make_story(make_world, make_exemplar):
    counter = iter(range(1, 10_000))

    def make(**values) -> Story:
        world = make_world()
        n = next(counter)
        story = Story(slug=values.pop("slug", f"bai-viet-{n}"))
        defaults = {
            "title": f"Bài viết thử số {n}",
            "summary": "Tóm tắt bài viết.",
            "body_md": "Đoạn mở đầu.\n\n## Chi tiết\n\nNội dung bài viết.",
            "status": StoryStatus.PUBLISHED,
            "published_at": datetime(2024, 5, n % 28 + 1, 3, 0),
            "byline": "Báo Hải Phòng",
            "broadcast_summary": "Bản tin ngắn.",
            "field": world["field"],
            "locality": world["ward"],
            "movements": [world["movement"]],
        }
        values = defaults | values
        if "exemplars" not in values:
            values["exemplars"] = [make_exemplar()]
        snapshots.apply(story, values)
        db.session.add(story)
        db.session.commit()
        return story

    return make


@pytest.fixture
def make_commendation(make_exemplar):
    counter = iter(range(1, 10_000))

    def make(**values) -> Commendation:
        n = next(counter)
        exemplar = values.pop("exemplar", None) or make_exemplar()
        defaults = {
            "form": "Bằng khen của Chủ tịch UBND thành phố",
            "level": CommendationLevel.CITY,
            "issuer": "Chủ tịch UBND thành phố Hải Phòng",
            "decision_no": f"{1000 + n}/QĐ-UBND",
            "decision_date": date(2023, 5, 19),
            "reason": "Thành tích xuất sắc.",
        }
        commendation = Commendation(exemplar=exemplar, **(defaults | values))
        db.session.add(commendation)
        db.session.commit()
        return commendation

    return make


@pytest.fixture
def make_consultation(make_world):
    """A public consultation (open now, closing in about two weeks unless told otherwise) with two
    candidates: make_consultation(**fields) -> Consultation."""
    from datetime import timedelta

    from showcase import workdays
    from showcase.models import utcnow

    counter = iter(range(1, 10_000))

    def make(**values) -> Consultation:
        world = make_world()
        n = next(counter)
        opens_on = values.pop("opens_on", (utcnow() + timedelta(hours=7)).date() - timedelta(days=1))
        days = values.pop("working_days", 10)
        status = values.pop("status", ConsultationStatus.OPEN)
        consultation = Consultation(
            slug=values.pop("slug", f"lay-y-kien-{n}"),
            title=values.pop("title", f"Lấy ý kiến về đề nghị tặng Huân chương Lao động hạng Ba, đợt {n}"),
            award=values.pop("award", "Huân chương Lao động hạng Ba"),
            proposing_body=values.pop("proposing_body", "Ủy ban nhân dân thành phố Hải Phòng"),
            intro=values.pop("intro", "Danh sách gồm những người có thành tích xuất sắc."),
            opens_on=opens_on,
            working_days=days,
            closes_at=values.pop("closes_at", None) or workdays.closing_time(opens_on, days),
            status=ConsultationStatus.DRAFT,
            **values,
        )
        consultation.candidates = [
            ConsultationCandidate(
                position=1,
                kind=ExemplarKind.INDIVIDUAL,
                name="Ông Trần Văn Cần",
                locality=world["ward"],
                role="Tổ trưởng tổ sản xuất, Công ty Cảng Hải Phòng",
                summary="Mười năm liền hoàn thành xuất sắc nhiệm vụ; sáng kiến bốc xếp tiết kiệm 2 tỷ đồng.",
            ),
            ConsultationCandidate(
                position=2,
                kind=ExemplarKind.COLLECTIVE,
                name="Trường Tiểu học Đồ Sơn",
                locality=world["ward"],
                role="",
                summary="Năm năm liền là tập thể lao động xuất sắc.",
            ),
        ]
        db.session.add(consultation)
        db.session.commit()
        # made as a draft, then published, as the service does: the publication is an UPDATE
        consultation.status = status
        db.session.commit()
        return consultation

    return make


# --- people and logged-in clients ---------------------------------------------------------

PASSWORD = "hoa-phuong-do-2026"


@pytest.fixture
def csrf():
    """Read the CSRF token a page's form carries: csrf(client, url)."""
    return csrf_token


@pytest.fixture
def login(csrf):
    """Post the login form: login(client, email, password=PASSWORD, **extra fields)."""

    def post(client, email: str, password: str = PASSWORD, **extra):
        return client.post(
            "/dang-nhap", data={"email": email, "password": password, "csrf_token": csrf(client), **extra}
        )

    return post


@pytest.fixture
def people(ctx):
    """One account per role: admin, editor, and two partners a and b (password PASSWORD)."""
    made = {}
    for key, role, org in [
        ("admin", "admin", ""),
        ("editor", "editor", "Ban TĐ-KT"),
        ("a", "partner", "Báo Hải Phòng"),
        ("b", "partner", "Đài PT-TH Hải Phòng"),
    ]:
        made[key] = accounts.create_user(f"{key}@haiphong.test", f"Người {key}", role, PASSWORD, org)
    db.session.commit()
    return made


@pytest.fixture
def editor(ctx):
    """One editor account (for tests that need only someone allowed to publish and retract)."""
    user = accounts.create_user("bientap@haiphong.test", "Biên tập", "editor", PASSWORD, "Ban TĐ-KT")
    db.session.commit()
    return user


@pytest.fixture
def as_role(app, people, login):
    """A logged-in client for a role key (admin, editor, a, b) or None for anonymous."""

    def make(key: str | None):
        client = app.test_client()
        if key is not None:
            response = login(client, people[key].email)
            assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return client

    return make


@pytest.fixture(scope="session")
def redis_url():
    """The real Redis at 127.0.0.1:6379: skipped without it, except under CI=true, where it fails."""
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis is needed at {REDIS_URL} under CI: {exc}")
        pytest.skip(f"no Redis at {REDIS_URL}")
    return REDIS_URL
