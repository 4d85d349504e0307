"""The widget partner sites frame (/nhung/moi-nhat): what it lists and refuses, its size, and who
may frame it (EMBED_ORIGINS) while every other page still may not be framed."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from html import unescape

import pytest

from showcase import config
from showcase.extensions import db
from showcase.models import Field, StoryStatus, utcnow

WIDGET = "/nhung/moi-nhat"
PARTNERS = ["https://baohaiphong.vn", "https://*.haiphong.gov.vn"]


@pytest.fixture
def partners(app):
    """EMBED_ORIGINS set to two partner origins for one test."""
    before = app.config["EMBED_ORIGINS"]
    app.config["EMBED_ORIGINS"] = list(PARTNERS)
    yield PARTNERS
    app.config["EMBED_ORIGINS"] = before


def titles(html: str) -> list[str]:
    return [
        unescape(t)
        for t in re.findall(r'<li><a href="[^"]+" target="_blank" rel="noopener">([^<]+)</a>', html)
    ]


def frame_ancestors(response) -> str:
    csp = response.headers["Content-Security-Policy"]
    (directive,) = [d.strip() for d in csp.split(";") if d.strip().startswith("frame-ancestors")]
    return directive


def test_lists_the_latest_published_stories_only(client, make_story):
    for n in range(1, 8):
        make_story(title=f"Bài số {n}", published_at=datetime(2024, 3, n, 2, 0))
    make_story(title="Bản nháp", status=StoryStatus.DRAFT, published_at=None)
    make_story(title="Cấm đăng", status=StoryStatus.IN_REVIEW, publish_at=utcnow() + timedelta(days=2))
    make_story(title="Hẹn giờ", published_at=utcnow() + timedelta(days=2))  # published, its time not come
    make_story(title="Đã thu hồi", status=StoryStatus.RETRACTED, published_at=datetime(2024, 3, 9))
    response = client.get(WIDGET)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert titles(html) == ["Bài số 7", "Bài số 6", "Bài số 5", "Bài số 4", "Bài số 3"]  # five by default
    for hidden in ("Bản nháp", "Cấm đăng", "Hẹn giờ", "Đã thu hồi"):
        assert hidden not in html
    assert titles(client.get(f"{WIDGET}?so=20").get_data(as_text=True)) == [
        f"Bài số {n}" for n in range(7, 0, -1)
    ]
    assert titles(client.get(f"{WIDGET}?so=1").get_data(as_text=True)) == ["Bài số 7"]


def test_links_open_on_the_site_in_a_new_tab_and_the_page_is_self_contained(client, make_story, app):
    story = make_story()
    html = client.get(WIDGET).get_data(as_text=True)
    site = app.config["SITE_URL"]
    assert f'<a href="{site}/bai-viet/{story.slug}" target="_blank" rel="noopener">' in html
    links = re.findall(r"<a [^>]*>", html)
    assert links and all(
        'target="_blank"' in a and 'rel="noopener"' in a and f'href="{site}/' in a for a in links
    )
    assert "<script" not in html and "style=" not in html and "<style" not in html
    assert 'class="main-nav"' not in html and "site-footer" not in html
    assert re.findall(r'<link rel="stylesheet" href="(/static/css/embed\.[0-9a-f]+\.css)">', html)


def test_filters_by_movement_and_field(client, make_story, make_world):
    world = make_world()
    other_field = Field(slug="giao-duc", name="Giáo dục")
    db.session.add(other_field)
    db.session.commit()
    make_story(title="Y tế, nông thôn mới")
    make_story(title="Giáo dục, không phong trào", field=other_field, movements=[])
    make_story(title="Giáo dục, nông thôn mới", field=other_field, movements=[world["movement"]])
    by_movement = client.get(f"{WIDGET}?phong-trao=nong-thon-moi&so=10").get_data(as_text=True)
    assert sorted(titles(by_movement)) == ["Giáo dục, nông thôn mới", "Y tế, nông thôn mới"]
    assert "Cả nước chung sức xây dựng nông thôn mới" in by_movement  # says what it is narrowed to
    by_field = client.get(f"{WIDGET}?linh-vuc=giao-duc").get_data(as_text=True)
    assert sorted(titles(by_field)) == ["Giáo dục, không phong trào", "Giáo dục, nông thôn mới"]
    both = client.get(f"{WIDGET}?linh-vuc=giao-duc&phong-trao=nong-thon-moi").get_data(as_text=True)
    assert titles(both) == ["Giáo dục, nông thôn mới"]
    assert f'href="{client.application.config["SITE_URL"]}/bai-viet?linh-vuc=giao-duc"' in by_field


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("so=0", "Số bài “0” không hợp lệ"),
        ("so=21", "Số bài “21” không hợp lệ"),
        ("so=abc", "Số bài “abc” không hợp lệ"),
        ("so=%EF%BC%95", "Số bài “５” không hợp lệ"),  # a full-width digit
        ("so=-3", "Số bài “-3” không hợp lệ"),
        ("phong-trao=khong-co", "Không có phong trào “khong-co”"),
        ("linh-vuc=khong-co", "Không có lĩnh vực “khong-co”"),
    ],
)
def test_bad_values_are_a_400_in_vietnamese(client, make_story, query, message):
    make_story()
    response = client.get(f"{WIDGET}?{query}")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html and 'lang="vi"' in html
    assert 'class="main-nav"' not in html  # the widget's own small page, not the site's


def test_stays_under_30_kb_with_its_stylesheet(client, make_story):
    for n in range(25):
        make_story(title=f"Bài viết rất dài số {n} " + "về người tốt việc tốt ở Hải Phòng " * 8)
    response = client.get(f"{WIDGET}?so=20")
    html = response.get_data(as_text=True)
    assert len(titles(html)) == 20
    (css_url,) = re.findall(r'<link rel="stylesheet" href="([^"]+)">', html)
    with client.get(css_url) as css:
        assert css.status_code == 200
        total = len(response.data) + len(css.data)
    assert total < 30 * 1024, total


def test_nobody_may_frame_it_without_embed_origins(client, make_story, app):
    make_story()
    assert app.config["EMBED_ORIGINS"] == []
    response = client.get(WIDGET)
    assert frame_ancestors(response) == "frame-ancestors 'none'"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_only_the_partners_may_frame_it(client, make_story, partners):
    story = make_story()
    for _ in range(2):  # the second answer comes from the page cache: the same headers
        response = client.get(WIDGET)
        assert response.status_code == 200
        assert frame_ancestors(response) == "frame-ancestors https://baohaiphong.vn https://*.haiphong.gov.vn"
        assert "X-Frame-Options" not in response.headers
        csp = response.headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp and "'none'" in csp  # object-src
    bad = client.get(f"{WIDGET}?so=0")  # its error page too: the partner shows the message
    assert bad.status_code == 400 and "https://baohaiphong.vn" in frame_ancestors(bad)
    # every other page keeps its frame protection
    for path in ("/", f"/bai-viet/{story.slug}", "/bao-chi", "/bai-viet", "/khong-co-trang-nay"):
        other = client.get(path)
        assert frame_ancestors(other) == "frame-ancestors 'none'", path
        assert other.headers["X-Frame-Options"] == "DENY", path


def test_embed_origins_setting():
    assert config.embed_origins("") == []
    assert config.embed_origins(
        "https://BaoHaiPhong.vn/, https://*.haiphong.gov.vn  http://localhost:8000"
    ) == [
        "https://baohaiphong.vn",
        "https://*.haiphong.gov.vn",
        "http://localhost:8000",
    ]
    for bad in ("*", "'self'", "https://baohaiphong.vn/tin-tuc", "baohaiphong.vn", "javascript:alert(1)"):
        with pytest.raises(SystemExit, match="EMBED_ORIGINS"):
            config.embed_origins(bad)


def test_embed_origins_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("EMBED_ORIGINS", "https://baohaiphong.vn https://thdt.vn")
    settings = config.load(tmp_path, {"SECRET_KEY": "x"})
    assert settings["EMBED_ORIGINS"] == ["https://baohaiphong.vn", "https://thdt.vn"]


def test_the_press_room_gives_the_embed_code(client, make_story, app):
    make_story()
    html = client.get("/bao-chi").get_data(as_text=True)
    code = re.search(r'<textarea id="embed-code" readonly[^>]*>([^<]+)</textarea>', html)
    assert code, "no embed code"
    snippet = unescape(code.group(1))
    site = app.config["SITE_URL"]
    assert snippet.startswith(f'<iframe src="{site}{WIDGET}?so=5" title="Bài mới từ Gương sáng Hải Phòng"')
    assert snippet.endswith("></iframe>")
    assert '<label for="embed-code">' in html and "Sao chép mã nhúng" in html
    src = re.search(r'src="([^"]+)"', snippet).group(1)
    assert client.get(src.removeprefix(site)).status_code == 200


def test_the_press_room_filtered_by_a_movement_gives_its_embed_code(client, make_story, app):
    make_story()
    html = client.get("/bao-chi?phong-trao=nong-thon-moi").get_data(as_text=True)
    snippet = unescape(re.search(r'<textarea id="embed-code"[^>]*>([^<]+)</textarea>', html).group(1))
    assert f'src="{app.config["SITE_URL"]}{WIDGET}?so=5&amp;phong-trao=nong-thon-moi"' in snippet
    assert "của phong trào “Cả nước chung sức xây dựng nông thôn mới”" in html
