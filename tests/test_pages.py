"""Every public page type renders real content; only published content is public."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime, timedelta

import pytest

from showcase import content_io, web
from showcase.extensions import db
from showcase.models import CommendationLevel, ExemplarKind, StoryStatus, utcnow
from showcase.services.media import add_image
from tests.support import image_bytes


def text_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_home_shows_featured_latest_movements_fields_figures(client, make_story, make_commendation):
    featured = make_story(title="Câu chuyện nổi bật nhất", featured=True)
    latest = make_story(title="Câu chuyện mới nhất", published_at=utcnow() - timedelta(hours=1))
    make_story(title="Bản nháp bí mật", status=StoryStatus.DRAFT)
    make_commendation(exemplar=featured.exemplars[0])
    html = text_of(client.get("/"))
    assert html.index("Câu chuyện nổi bật</h2>") < html.index(featured.title) < html.index("Mới đăng</h2>")
    assert latest.title in html.split("Mới đăng</h2>")[1]
    assert "Bản nháp bí mật" not in html
    assert "Cả nước chung sức xây dựng nông thôn mới" in html
    assert ">Y tế <span" in html
    figures = re.findall(r'<span class="figure-number">(\d+)</span> ([^<]+)<', html)
    assert ("2", "bài viết") in figures and ("1", "khen thưởng còn hiệu lực") in figures


def test_story_page(client, make_story, ctx):
    cover = add_image(image_bytes(320, 180), "bia.jpg")
    cover.alt_text, cover.caption, cover.credit = (
        "Ông Ba bên ruộng lúa",
        "Mùa gặt ở Tiên Lãng",
        "Ảnh: Báo Hải Phòng",
    )
    story = make_story(
        title="Ông Ba và cánh đồng mẫu",
        body_md="Mở đầu **đậm**.\n\n## Hành trình\n\n> Câu nói của ông Ba.",
        broadcast_summary="Bản tin phát thanh về ông Ba.",
        published_at=datetime(2024, 3, 17, 17, 0),
        cover=cover,
    )
    html = text_of(client.get(f"/bai-viet/{story.slug}"))
    assert "<h1>Ông Ba và cánh đồng mẫu</h1>" in html
    assert "<strong>đậm</strong>" in html and "<h2>Hành trình</h2>" in html
    assert "<blockquote>" in html
    assert "18/03/2024" in html  # 17:00 UTC is the next morning in Hà Nội
    assert 'alt="Ông Ba bên ruộng lúa"' in html and 'width="320" height="180"' in html
    assert "Mùa gặt ở Tiên Lãng" in html and "Ảnh: Báo Hải Phòng" in html
    assert "Bản tin 60 giây" in html and "Bản tin phát thanh về ông Ba." in html
    assert story.exemplars[0].name in html
    assert "Phường Đồ Sơn" in html and "Báo Hải Phòng" in html
    with client.get(re.search(r'src="(/media/[^"]+)"', html).group(1)) as media:
        assert media.status_code == 200 and media.data[:2] == b"\xff\xd8"
        assert "immutable" in media.headers["Cache-Control"]


@pytest.mark.parametrize("status", [StoryStatus.DRAFT, StoryStatus.IN_REVIEW, StoryStatus.ARCHIVED])
def test_unpublished_story_is_404(client, make_story, status):
    story = make_story(status=status)
    response = client.get(f"/bai-viet/{story.slug}")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.get_data(as_text=True)
    assert story.title not in text_of(client.get("/bai-viet"))


def test_future_story_is_not_public_yet(client, make_story):
    story = make_story(published_at=utcnow() + timedelta(days=1))
    assert client.get(f"/bai-viet/{story.slug}").status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/bai-viet/khong-co",
        "/dien-hinh/khong-co",
        "/phong-trao/khong-co",
        "/linh-vuc/khong-co",
        "/dia-phuong/khong-co",
        "/khong-co-trang-nay",
    ],
)
def test_unknown_slugs_are_friendly_404(client, url):
    response = client.get(url)
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert '<html lang="vi">' in html and "Về trang chủ" in html


def test_exemplar_page_with_commendations(client, make_story, make_exemplar, make_commendation):
    person = make_exemplar(name="Phạm Thị Lụa", role="Chủ nhiệm HTX", bio_md="Bà Lụa *sinh* ở Vĩnh Bảo.")
    story = make_story(exemplars=[person], title="Bà Lụa và cánh đồng")
    make_commendation(
        exemplar=person,
        decision_no="2187/QĐ-TTg",
        form="Bằng khen của Thủ tướng Chính phủ",
        level=CommendationLevel.GOVERNMENT,
        decision_date=date(2023, 4, 5),
    )
    make_commendation(
        exemplar=person,
        decision_no="88/QĐ-UBND",
        revoked_decision_no="99/QĐ-UBND",
        revoked_on=date(2024, 2, 2),
        revoked_reason="Kê khai sai thành tích",
    )
    html = text_of(client.get(f"/dien-hinh/{person.slug}"))
    assert "<h1>Phạm Thị Lụa</h1>" in html and "<em>sinh</em>" in html
    assert "2187/QĐ-TTg" in html and "05/04/2023" in html
    revoked_row = next(row for row in html.split("<tr")[1:] if "88/QĐ-UBND" in row)
    assert revoked_row.startswith(' class="revoked"') and "Kê khai sai thành tích" in revoked_row
    assert revoked_row.index("Đã thu hồi") < revoked_row.index("88/QĐ-UBND")  # first, in words
    assert "99/QĐ-UBND" in revoked_row
    assert story.title in html


def test_exemplar_without_published_story_is_404(client, make_story, make_exemplar):
    hidden = make_exemplar()
    make_story(exemplars=[hidden], status=StoryStatus.DRAFT)
    assert client.get(f"/dien-hinh/{hidden.slug}").status_code == 404
    assert hidden.name not in text_of(client.get("/dien-hinh"))


def test_exemplar_list_shows_kind(client, make_story, make_exemplar):
    group = make_exemplar(name="HTX Rau sạch Vinh Quang", kind=ExemplarKind.COLLECTIVE)
    make_story(exemplars=[group])
    html = text_of(client.get("/dien-hinh"))
    assert "HTX Rau sạch Vinh Quang" in html and "Tập thể" in html


def test_movement_and_field_pages(client, make_story):
    story = make_story(title="Bài về nông thôn mới")
    make_story(title="Bài nháp nông thôn", status=StoryStatus.DRAFT)
    html = text_of(client.get("/phong-trao/nong-thon-moi"))
    assert "<h1>Cả nước chung sức xây dựng nông thôn mới</h1>" in html
    assert story.title in html and "Bài nháp nông thôn" not in html
    html = text_of(client.get("/linh-vuc/y-te"))
    assert "<h1>Y tế</h1>" in html and story.title in html
    assert "1 bài viết" in text_of(client.get("/linh-vuc"))
    assert "1 bài viết" in text_of(client.get("/phong-trao"))


def test_locality_page_includes_replaced_units(client, make_story, make_world):
    world = make_world()
    old_story = make_story(title="Chuyện thời quận Đồ Sơn", locality=world["old"])
    new_story = make_story(title="Chuyện phường Đồ Sơn mới", locality=world["ward"])
    html = text_of(client.get("/dia-phuong/phuong-do-son"))
    assert old_story.title in html and new_story.title in html
    assert "Quận Đồ Sơn" in html  # "formed from"
    old = text_of(client.get("/dia-phuong/quan-do-son"))
    assert "đã được sắp xếp" in old and "/dia-phuong/phuong-do-son" in old
    assert old_story.title in old and new_story.title not in old
    city = text_of(client.get("/dia-phuong/hai-phong"))
    assert old_story.title in city and new_story.title in city
    tree = text_of(client.get("/dia-phuong"))
    assert "Thành phố Hải Phòng" in tree and "(đã sắp xếp vào Phường Đồ Sơn)" in tree


def test_lists_paginate(client, make_story, app):
    per_page = app.config["PER_PAGE"]
    stories = [
        make_story(title=f"Truyện số {i:02d}", published_at=datetime(2024, 1, 1) + timedelta(days=i))
        for i in range(per_page + 2)
    ]
    first = text_of(client.get("/bai-viet"))
    assert stories[-1].title in first and stories[0].title not in first
    assert 'rel="next"' in first and "Trang 1 / 2" in first
    second = text_of(client.get("/bai-viet?trang=2"))
    assert stories[0].title in second and stories[1].title in second and stories[-1].title not in second
    assert client.get("/bai-viet?trang=3").status_code == 404
    assert client.get("/bai-viet?trang=0").status_code == 404
    assert client.get("/bai-viet?trang=abc").status_code == 400  # more in test_bad_input.py


def register_rows(html: str) -> list[str]:
    body = html.split("<tbody>")[1].split("</tbody>")[0] if "<tbody>" in html else ""
    return re.findall(r'<td class="decision"[^>]*>([^<]+)</td>', body)


@pytest.fixture
def register_data(make_story, make_exemplar, make_commendation, make_world):
    world = make_world()
    a = make_exemplar(name="Người A", locality=world["old"])
    b = make_exemplar(name="Người B", locality=world["ward"])
    make_story(exemplars=[a, b])
    make_commendation(
        exemplar=a, decision_no="1/QĐ-UBND", decision_date=date(2021, 3, 1), movement=world["movement"]
    )
    make_commendation(
        exemplar=b,
        decision_no="2/QĐ-TTg",
        decision_date=date(2023, 3, 1),
        form="Bằng khen của Thủ tướng Chính phủ",
        level=CommendationLevel.GOVERNMENT,
    )
    make_commendation(
        exemplar=b,
        decision_no="3/QĐ-UBND",
        decision_date=date(2023, 6, 1),
        revoked_decision_no="4/QĐ-UBND",
        revoked_on=date(2024, 1, 1),
        revoked_reason="Trùng",
    )
    return world


@pytest.mark.parametrize(
    "query, expected",
    [
        ("", ["3/QĐ-UBND", "2/QĐ-TTg", "1/QĐ-UBND"]),
        ("?nam=2023", ["3/QĐ-UBND", "2/QĐ-TTg"]),
        ("?hinh-thuc=Bằng khen của Thủ tướng Chính phủ", ["2/QĐ-TTg"]),
        ("?cap=government", ["2/QĐ-TTg"]),
        ("?dia-phuong=quan-do-son", ["1/QĐ-UBND"]),
        ("?dia-phuong=phuong-do-son", ["3/QĐ-UBND", "2/QĐ-TTg", "1/QĐ-UBND"]),  # includes the old district
        ("?phong-trao=nong-thon-moi", ["1/QĐ-UBND"]),
        ("?nam=2023&cap=city", ["3/QĐ-UBND"]),
        ("?nam=2019", []),
    ],
)
def test_register_filters(client, register_data, query, expected):
    html = text_of(client.get("/khen-thuong" + query))
    assert register_rows(html) == expected
    assert f"<strong>{len(expected)}</strong> quyết định" in html


@pytest.mark.parametrize(
    "query", ["?nam=abc", "?nam=99999", "?cap=vu-tru", "?dia-phuong=sao-hoa", "?phong-trao=khong-co"]
)
def test_register_bad_filter_is_400_in_vietnamese(client, register_data, query):
    response = client.get("/khen-thuong" + query)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "không" in html.lower() and "Yêu cầu không hợp lệ" in html
    assert client.get("/khen-thuong.csv" + query).status_code == 400


def test_register_marks_revoked_and_paginates(client, register_data, app, make_commendation):
    html = text_of(client.get("/khen-thuong"))
    row = next(row for row in html.split("<tr")[1:] if "3/QĐ-UBND" in row)
    assert "Đã thu hồi" in row and "4/QĐ-UBND" in row
    per_page = app.config["REGISTER_PER_PAGE"]
    for i in range(per_page):
        make_commendation(decision_no=f"{500 + i}/QĐ-UBND", decision_date=date(2020, 1, 1))
    assert len(register_rows(text_of(client.get("/khen-thuong")))) == per_page
    assert len(register_rows(text_of(client.get("/khen-thuong?trang=2")))) == 3
    filtered = text_of(client.get("/khen-thuong?cap=city"))
    assert "Trang 1 / 2" in filtered
    assert "cap=city" in filtered.split('aria-label="Phân trang"')[1]  # links keep the filters
    assert len(register_rows(text_of(client.get("/khen-thuong?cap=city&trang=2")))) == 2


def test_register_csv(client, register_data, make_commendation):
    make_commendation(decision_no="=HYPERLINK(1)", reason="+lệnh", decision_date=date(2022, 1, 1))
    response = client.get("/khen-thuong.csv?nam=2023")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][:3] == ["Số quyết định", "Ngày quyết định", "Hình thức"]
    assert [r[0] for r in rows[1:]] == ["3/QĐ-UBND", "2/QĐ-TTg"]
    revoked = rows[1]
    assert revoked[1] == "01/06/2023" and revoked[10] == "4/QĐ-UBND" and revoked[12] == "Trùng"
    everything = list(csv.reader(io.StringIO(client.get("/khen-thuong.csv").get_data(as_text=True))))
    formula = next(r for r in everything if "HYPERLINK" in r[0])
    assert formula[0] == "'=HYPERLINK(1)" and formula[9] == "'+lệnh"


def test_sample_banner_only_with_sample_data(client, make_story, ctx):
    story = make_story()
    assert "dữ liệu mẫu" not in text_of(client.get("/"))
    content_io.set_sample_data(True)
    db.session.commit()
    for url in ["/", f"/bai-viet/{story.slug}", "/khen-thuong", "/khong-co"]:
        assert "dữ liệu mẫu" in client.get(url).get_data(as_text=True), url


def test_security_headers_and_no_inline_code(client, make_story):
    story = make_story()
    response = client.get(f"/bai-viet/{story.slug}")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    html = response.get_data(as_text=True)
    # JSON-LD is a data block the browser never runs (script-src does not apply to it)
    scripts = [s for s in re.findall(r"<script[^>]*>[^<]*</script>", html) if "application/ld+json" not in s]
    assert len(scripts) == 2  # same-origin (their names fingerprinted), no inline code
    for name, script in zip(("suggest", "share"), scripts, strict=True):
        assert re.fullmatch(rf'<script src="/static/js/{name}\.[0-9a-f]{{12}}\.js" defer></script>', script)
    assert " style=" not in html and " onclick=" not in html


def test_headers_are_set_not_defaulted(client, as_role, make_story):
    """The app's headers replace what the framework already set (Flask's static view says
    `no-cache`); a header only a view sets (the media sandbox) is the view's."""
    story = make_story()
    with client.get("/static/css/site.css") as static:
        assert static.status_code == 200
        assert static.headers["Cache-Control"] == "public, max-age=3600"
        assert static.headers["X-Content-Type-Options"] == "nosniff"
    missing = client.get("/static/css/khong-co.css")
    assert missing.status_code == 404 and missing.headers["Cache-Control"] == "no-cache"
    public = client.get(f"/bai-viet/{story.slug}")
    assert public.headers["Content-Security-Policy"] == web.CSP
    assert public.headers["X-Frame-Options"] == "DENY"
    assert public.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    admin = as_role("editor").get("/admin/")
    assert admin.status_code == 200 and admin.headers["Cache-Control"] == "no-store"
    csp = admin.headers["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
    assert csp == web.ADMIN_CSP.format(nonce=nonce) and "frame-ancestors 'none'" in csp
    missing = as_role("editor").get("/admin/khong-co/")
    assert missing.status_code == 404 and missing.headers["Cache-Control"] == "no-store"
    assert "Không tìm thấy trang" in missing.get_data(as_text=True)


def test_app_wide_hooks_live_in_web_py(app):
    """Error pages, request checks and response headers of the whole app come from one module."""
    handlers = [h for by_code in app.error_handler_spec[None].values() for h in by_code.values()]
    hooks = app.before_request_funcs[None] + app.after_request_funcs[None]
    ours = {f.__module__ for f in handlers + hooks if f.__module__.startswith("showcase")}
    assert ours == {"showcase.web"}
    codes = {code for code in app.error_handler_spec[None] if code}
    assert codes >= {400, 403, 404, 405, 413, 429, 500}


def test_other_http_errors_get_the_vietnamese_page(client):
    with client.get("/static/css/site.css", headers={"Range": "bytes=99999999-"}) as response:
        assert response.status_code == 416 and response.headers["Cache-Control"] == "no-cache"
        html = response.get_data(as_text=True)
    assert '<html lang="vi">' in html and "Yêu cầu này không thực hiện được." in html
    assert response.headers["Content-Security-Policy"] == web.CSP


def test_xss_in_text_fields_is_escaped(client, make_story, make_exemplar):
    evil = '<script>alert("x")</script>'
    person = make_exemplar(name=f"Tên {evil}", role=evil)
    story = make_story(
        title=f"Tiêu đề {evil}",
        summary=evil,
        byline=evil,
        broadcast_summary=evil,
        body_md=evil,
        exemplars=[person],
    )
    for url in ["/", f"/bai-viet/{story.slug}", f"/dien-hinh/{person.slug}", "/dien-hinh", "/bai-viet"]:
        html = text_of(client.get(url))
        assert "<script>" not in html, url


def test_method_not_allowed_is_friendly(client):
    response = client.post("/")
    assert response.status_code == 405
    assert "Phương thức không được hỗ trợ" in response.get_data(as_text=True)


def test_media_path_traversal_is_404(client):
    assert client.get("/media/../secret_key").status_code == 404
    assert client.get("/media/%2e%2e/%2e%2e/etc/passwd").status_code == 404
    assert client.get("/media/ab/khong-co.jpg").status_code == 404


def test_server_error_is_friendly_page(tmp_path):
    from showcase import create_app

    app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'e.sqlite3'}"})

    @app.get("/hong")
    def broken():
        raise RuntimeError("hỏng")

    with app.app_context():
        db.create_all()
    response = app.test_client().get("/hong")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "Đã có lỗi ở phía chúng tôi" in html and "Traceback" not in html and "hỏng" not in html
    with app.app_context():
        db.engine.dispose()
