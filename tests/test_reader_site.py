"""The reader's site, finished (issue 10, item 4): facts with commendations, tables that stack
on a phone, a retracted story's notice (410), "Cập nhật" only for a real revision, filtered
story lists, related stories, navigation marks, favicon, dark mode and the agency footer."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest

from showcase import config, content_io
from showcase.dates import format_date
from showcase.extensions import db
from showcase.models import Field, Movement, Story, StoryStatus, utcnow
from showcase.services import revisions, stories, workflow
from tests.test_content_io import write_content


def text_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def static_text(client, path: str) -> str:
    with client.get(path) as response:  # a file response: closed here, not by the collector
        assert response.status_code == 200
        return response.get_data(as_text=True)


def section(html: str, start: str, end: str) -> str:
    return html[html.index(start) : html.index(end, html.index(start))]


# --- 1. a story's facts list each exemplar's commendations ---------------------------------


def test_facts_list_commendations_with_decision_and_date(
    client, make_story, make_exemplar, make_commendation
):
    person = make_exemplar(name="Phạm Thị Lụa")
    other = make_exemplar(name="HTX Vinh Quang")
    story = make_story(exemplars=[person, other])
    make_commendation(
        exemplar=person,
        form="Bằng khen của Thủ tướng Chính phủ",
        decision_no="2187/QĐ-TTg",
        decision_date=date(2023, 4, 5),
    )
    make_commendation(
        exemplar=person,
        form="Chiến sĩ thi đua cơ sở",
        decision_no="88/QĐ-UBND",
        decision_date=date(2021, 1, 9),
        revoked_decision_no="99/QĐ-UBND",
        revoked_on=date(2024, 2, 2),
    )
    facts = section(text_of(client.get(f"/bai-viet/{story.slug}")), 'class="facts"', "</aside>")
    awards = section(facts, "Phạm Thị Lụa", "</ul>")
    items = re.findall(r"<li[^>]*>(.*?)</li>", awards, re.S)
    assert len(items) == 2
    assert "Bằng khen của Thủ tướng Chính phủ" in items[0] and "2187/QĐ-TTg" in items[0]
    assert "05/04/2023" in items[0] and "Đã thu hồi" not in items[0]
    assert items[1].index("Đã thu hồi") < items[1].index("Chiến sĩ thi đua cơ sở")  # marked first, in words
    assert "88/QĐ-UBND" in items[1] and "09/01/2021" in items[1] and "99/QĐ-UBND" in items[1]
    assert "HTX Vinh Quang" in facts  # an exemplar without commendations is still named


# --- 2. tables become stacked cards on a phone ---------------------------------------------


def test_table_cells_carry_labels_and_the_status_comes_first(
    client, make_story, make_exemplar, make_commendation
):
    person = make_exemplar()
    make_story(exemplars=[person])
    make_commendation(
        exemplar=person, decision_no="7/QĐ-UBND", revoked_decision_no="8/QĐ-UBND", revoked_on=date(2024, 1, 2)
    )
    for url in ["/khen-thuong", f"/dien-hinh/{person.slug}"]:
        html = text_of(client.get(url))
        assert '<table class="register stack">' in html, url
        headers = re.findall(r'<th scope="col">([^<]+)</th>', html)
        row = next(r for r in html.split("<tr")[1:] if "7/QĐ-UBND" in r)
        cells = re.findall(r'<td(?: class="[^"]*")? data-label="([^"]+)"', row)
        assert cells == headers, url  # every cell says what it is when the headers are hidden
        assert cells[0] == "Tình trạng" and row.index("Đã thu hồi") < row.index("7/QĐ-UBND"), url
    css = static_text(client, "/static/css/site.css")
    phone = css[css.index("@media (max-width: 39.99rem)") :]
    assert "content: attr(data-label)" in phone and "table.stack" in phone


# --- 3. a retracted story: 410 with its notice, gone from everything else -------------------


def test_retracted_story_answers_410_with_title_date_and_reason(client, make_story, editor):
    story = make_story(title="Chuyện chú heo đất", summary="Tóm tắt bí mật")
    workflow.transition(story, "retract", by=editor, text="Bài nêu sai tên <em>học sinh</em>.")
    db.session.commit()
    assert story.retracted_at is not None
    response = client.get(f"/bai-viet/{story.slug}")
    assert response.status_code == 410
    html = response.get_data(as_text=True)
    assert "<h1>Chuyện chú heo đất</h1>" in html
    assert format_date(story.retracted_at) in html
    assert "Bài nêu sai tên &lt;em&gt;học sinh&lt;/em&gt;." in html  # shown, escaped
    assert "Tóm tắt bí mật" not in html and "Nội dung bài viết" not in html  # the notice, not the story
    assert '<meta name="robots" content="noindex">' in html
    assert client.get(f"/bai-viet/{story.slug}/bao-chi.zip").status_code == 404


def test_retracted_story_is_gone_from_lists_search_and_related(client, make_story, make_world, editor):
    world = make_world()
    kept = make_story(title="Câu chuyện còn đăng về đê biển")
    gone = make_story(title="Câu chuyện đã rút về đê biển", exemplars=kept.exemplars)
    workflow.transition(gone, "retract", by=editor, text="Sai sự thật.")
    db.session.commit()
    exemplar = kept.exemplars[0]
    for url in [
        "/",
        "/bai-viet",
        f"/bai-viet/{kept.slug}",
        f"/dien-hinh/{exemplar.slug}",
        f"/phong-trao/{world['movement'].slug}",
        f"/linh-vuc/{world['field'].slug}",
        f"/dia-phuong/{world['ward'].slug}",
        "/tim-kiem?q=de+bien",
        "/bao-chi",
    ]:
        html = text_of(client.get(url))
        assert gone.title not in html, url
    assert f'href="/bai-viet/{kept.slug}"' in text_of(client.get("/tim-kiem?q=de+bien"))


@pytest.mark.parametrize("status", [StoryStatus.DRAFT, StoryStatus.IN_REVIEW, StoryStatus.ARCHIVED])
def test_only_a_retraction_answers_410(client, make_story, status):
    story = make_story(status=status, retraction_reason="không phải thu hồi")
    assert client.get(f"/bai-viet/{story.slug}").status_code == 404


def test_a_retracted_never_published_story_stays_404(client, make_story):
    story = make_story(status=StoryStatus.RETRACTED, published_at=None)
    assert client.get(f"/bai-viet/{story.slug}").status_code == 404


# --- 4. "Cập nhật" only when the text changed after publishing -----------------------------


def _values(story: Story, **changes) -> dict:
    return {
        "title": story.title,
        "slug": story.slug,
        "summary": story.summary,
        "body_md": story.body_md,
    } | changes


def test_updated_only_after_a_text_change(client, make_story, editor):
    story = make_story(published_at=datetime(2024, 5, 1, 3, 0))
    html = text_of(client.get(f"/bai-viet/{story.slug}"))
    assert "Cập nhật" not in html
    stories.update(story, _values(story, byline="Đài PT-TH Hải Phòng"), by=editor)
    db.session.commit()
    assert story.revised_at is None
    assert "Cập nhật" not in text_of(client.get(f"/bai-viet/{story.slug}"))
    stories.update(
        story, _values(story, body_md=story.body_md + "\n\nĐính chính: năm sinh là 1961."), by=editor
    )
    db.session.commit()
    assert story.revised_at is not None
    html = text_of(client.get(f"/bai-viet/{story.slug}"))
    assert (
        html.count("Cập nhật <time") == 1
        and f"<dt>Cập nhật</dt><dd>{format_date(story.revised_at)}</dd>" in html
    )


def test_edits_before_publication_are_not_revisions(make_story, editor):
    story = make_story(status=StoryStatus.IN_REVIEW, published_at=None)
    stories.update(story, _values(story, title="Tiêu đề đã sửa khi chờ duyệt"), by=editor)
    workflow.transition(story, "publish", by=editor)
    db.session.commit()
    assert story.revised_at is None
    later = make_story(published_at=utcnow() + timedelta(days=2))  # scheduled: readers have not seen it
    stories.update(later, _values(later, summary="Tóm tắt mới"), by=editor)
    assert later.revised_at is None


def test_restoring_an_old_text_is_a_revision(make_story, editor):
    story = make_story()
    stories.update(story, _values(story, title="Tiêu đề thứ hai"), by=editor)
    db.session.commit()
    first_edit = story.revised_at
    story.revised_at = None
    revisions.restore(story, revisions.history(story)[-1], by=editor)
    assert story.revised_at is not None and story.title != "Tiêu đề thứ hai"
    assert first_edit is not None


def test_machine_readable_dates_are_the_days_shown(client, make_story):
    story = make_story(published_at=datetime(2024, 3, 17, 17, 0))  # 18/03 in Hà Nội
    html = text_of(client.get(f"/bai-viet/{story.slug}"))
    assert '<time datetime="2024-03-18">18/03/2024</time>' in html
    assert '<time datetime="2024-03-18">18/03/2024</time>' in text_of(client.get("/bai-viet"))


def test_import_leaves_revised_at_empty(ctx, tmp_path):
    content_io.import_content(write_content(tmp_path / "content"))
    db.session.commit()
    published = db.session.scalars(db.select(Story).where(Story.published_at.is_not(None))).all()
    assert published and all(s.revised_at is None for s in published)


# --- 5. story lists filter by year, movement, field and locality ---------------------------


@pytest.fixture
def listed(make_story, make_world):
    world = make_world()
    education = Field(slug="giao-duc", name="Giáo dục")
    db.session.add(education)
    other_movement = Movement(
        slug="hoc-tap-bac", name="Học tập và làm theo Bác", launched_by="Trung ương", start_year=2016
    )
    db.session.add(other_movement)
    db.session.commit()
    return {
        "world": world,
        "a": make_story(title="Bài A năm 2023", published_at=datetime(2023, 3, 1, 3, 0)),
        # 31/12/2023 20:00 UTC is 01/01/2024 in Hà Nội: a 2024 story
        "b": make_story(
            title="Bài B đầu năm 2024", published_at=datetime(2023, 12, 31, 20, 0), field=education
        ),
        "c": make_story(
            title="Bài C quận cũ", published_at=datetime(2024, 6, 1, 3, 0), locality=world["old"]
        ),
        "d": make_story(
            title="Bài D học Bác",
            published_at=datetime(2024, 7, 1, 3, 0),
            movements=[other_movement],
            locality=world["city"],
        ),
    }


def titles(html: str) -> list[str]:
    return re.findall(r'class="card-title"><a href="[^"]+">([^<]+)</a>', html)


@pytest.mark.parametrize(
    "query, expected",
    [
        ("", ["Bài D học Bác", "Bài C quận cũ", "Bài B đầu năm 2024", "Bài A năm 2023"]),
        ("?nam=2024", ["Bài D học Bác", "Bài C quận cũ", "Bài B đầu năm 2024"]),
        ("?nam=2023", ["Bài A năm 2023"]),
        ("?phong-trao=hoc-tap-bac", ["Bài D học Bác"]),
        ("?linh-vuc=giao-duc", ["Bài B đầu năm 2024"]),
        (
            "?dia-phuong=phuong-do-son",
            ["Bài C quận cũ", "Bài B đầu năm 2024", "Bài A năm 2023"],
        ),  # with the old district
        ("?dia-phuong=quan-do-son", ["Bài C quận cũ"]),
        ("?nam=2024&phong-trao=nong-thon-moi", ["Bài C quận cũ", "Bài B đầu năm 2024"]),
        ("?nam=2022", []),
    ],
)
def test_story_list_filters(client, listed, query, expected):
    html = text_of(client.get("/bai-viet" + query))
    assert titles(html) == expected


def test_filters_are_plain_links_that_show_and_clear_themselves(client, listed):
    html = text_of(client.get("/bai-viet"))
    assert "<form" not in section(html, 'class="list-filters"', "</section>")
    links = re.findall(r'<a href="([^"]+)">([^<]+) <span class="count">(\d+)</span>', html)
    assert ("/bai-viet?nam=2024", "2024", "3") in links and ("/bai-viet?nam=2023", "2023", "1") in links
    assert ("/bai-viet?phong-trao=hoc-tap-bac", "Học tập và làm theo Bác", "1") in links
    assert not any(
        "dia-phuong=hai-phong" in url for url, _, _ in links
    )  # every story is in the city: no choice
    assert "Bỏ tất cả bộ lọc" not in html
    filtered = text_of(client.get("/bai-viet?nam=2024&linh-vuc=giao-duc"))
    active = section(filtered, 'class="active-filters"', "</div>")
    assert "<strong>1</strong> bài viết" in active
    assert 'href="/bai-viet?linh-vuc=giao-duc"' in active and "Năm: 2024" in active  # remove the year
    assert 'href="/bai-viet?nam=2024"' in active and "Lĩnh vực: Giáo dục" in active  # remove the field
    assert re.search(r'<a href="/bai-viet">Bỏ tất cả bộ lọc</a>', active)


def test_section_pages_filter_and_keep_filters_across_pages(client, listed, make_story, app):
    html = text_of(client.get("/phong-trao/nong-thon-moi?nam=2024"))
    assert titles(html) == ["Bài C quận cũ", "Bài B đầu năm 2024"]
    assert "phong-trao=" not in section(html, 'class="list-filters"', "</section>")  # the page's own movement
    assert titles(text_of(client.get("/linh-vuc/y-te?dia-phuong=quan-do-son"))) == ["Bài C quận cũ"]
    assert titles(text_of(client.get("/dia-phuong/phuong-do-son?nam=2023"))) == ["Bài A năm 2023"]
    for i in range(app.config["PER_PAGE"]):
        make_story(title=f"Thêm {i}", published_at=datetime(2023, 2, 1, 3, 0) + timedelta(hours=i))
    first = text_of(client.get("/bai-viet?nam=2023"))
    nav = section(first, 'aria-label="Phân trang"', "</nav>")
    assert "/bai-viet?nam=2023&amp;trang=2" in nav
    assert len(titles(text_of(client.get("/bai-viet?nam=2023&trang=2")))) == 1


@pytest.mark.parametrize(
    "url",
    [
        "/bai-viet?nam=abc",
        "/bai-viet?nam=99999",
        "/bai-viet?nam=1800",
        "/bai-viet?nam=٢٠٢٤",
        "/bai-viet?phong-trao=khong-co",
        "/bai-viet?linh-vuc=khong-co",
        "/bai-viet?dia-phuong=sao-hoa",
        "/phong-trao/nong-thon-moi?linh-vuc=khong-co",
        "/dia-phuong/phuong-do-son?nam=x",
    ],
)
def test_bad_filter_values_are_a_vietnamese_400(client, listed, url):
    response = client.get(url)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Yêu cầu không hợp lệ" in html
    assert re.search(r'<p class="lead">(Năm|Không có)[^<]* “[^”]+”[^<]*</p>', html)  # names the bad value


# --- 6. related stories -------------------------------------------------------------------


def test_related_by_exemplars_then_subject_then_movement_then_place(
    client, make_story, make_exemplar, make_world
):
    world = make_world()
    other_movement = Movement(slug="dan-van", name="Dân vận khéo", launched_by="Tỉnh ủy", start_year=2009)
    db.session.add(other_movement)
    db.session.commit()
    person = make_exemplar()
    story = make_story(
        title="Những chuyến xe sau bão Yagi", exemplars=[person], published_at=datetime(2024, 9, 20)
    )
    same_person = make_story(
        title="Kỹ sư và ứng dụng xếp xe", exemplars=[person], published_at=datetime(2023, 1, 1)
    )
    same_storm = make_story(
        title="Dân quân biển trong bão Yagi",
        movements=[other_movement],
        published_at=datetime(2024, 9, 20, 5),
    )
    same_movement = make_story(title="Mái ấm cho cụ bà", published_at=datetime(2025, 1, 1))
    same_place = make_story(
        title="Giữ đèn cho tàu cá",
        movements=[other_movement],
        locality=world["old"],
        published_at=datetime(2025, 2, 1),
    )
    make_story(title="Chuyện ở nơi khác", movements=[other_movement], locality=world["city"])

    def related(slug: str) -> list[str]:
        html = text_of(client.get(f"/bai-viet/{slug}"))
        return titles(html.split('id="related-title"')[1]) if 'id="related-title"' in html else []

    assert related(story.slug) == [same_person.title, same_storm.title, same_movement.title]
    assert related(same_storm.slug)[0] == story.title  # the two storm stories find each other
    # nothing in common but the place (the old district is the ward today)
    lonely = make_story(title="Một mình", movements=[], exemplars=[make_exemplar()], locality=world["ward"])
    assert related(lonely.slug)[0] == same_place.title  # only the place in common


# --- 7. navigation marks the current page and the current section --------------------------


def test_navigation_marks_every_page(client, make_story):
    story = make_story()
    exemplar = story.exemplars[0]
    cases = {
        "/bai-viet": ("Bài viết", "page"),
        f"/bai-viet/{story.slug}": ("Bài viết", "true"),
        "/dien-hinh": ("Điển hình", "page"),
        f"/dien-hinh/{exemplar.slug}": ("Điển hình", "true"),
        "/phong-trao/nong-thon-moi": ("Phong trào", "true"),
        "/linh-vuc/y-te": ("Lĩnh vực", "true"),
        "/dia-phuong/phuong-do-son": ("Địa phương", "true"),
        "/khen-thuong": ("Khen thưởng", "page"),
        "/bao-chi": ("Báo chí", "page"),
    }
    for url, (label, value) in cases.items():
        nav = section(text_of(client.get(url)), 'class="main-nav"', "</nav>")
        marked = re.findall(r'aria-current="(\w+)">([^<]+)</a>', nav)
        assert marked == [(value, label)], url
    nav = section(text_of(client.get("/")), 'class="main-nav"', "</nav>")
    assert "aria-current" not in nav


# --- 8. favicon and dark mode --------------------------------------------------------------


def test_favicon_files_and_links(client):
    with client.get("/favicon.ico") as response:
        assert response.status_code == 200 and response.data[:4] == b"\x00\x00\x01\x00"  # an ICO
    html = text_of(client.get("/"))
    icons = re.findall(r'<link rel="(?:icon|apple-touch-icon)" href="([^"]+)"', html)
    assert len(icons) == 3 and any(re.fullmatch(r"/static/favicon\.[0-9a-f]{12}\.svg", i) for i in icons)
    for href in icons:
        with client.get(href) as response:
            assert response.status_code == 200, href
    with client.get("/static/favicon.svg") as response:
        assert response.data.startswith(b"<svg") and b"<script" not in response.data


def test_dark_mode_redefines_the_palette(client):
    css = static_text(client, "/static/css/site.css")
    light = dict(
        re.findall(r"(--[\w-]+):\s*(#[0-9a-f]{6})", css[: css.index("@media (prefers-color-scheme: dark)")])
    )
    dark_block = css[css.index("@media (prefers-color-scheme: dark)") :]
    dark = dict(re.findall(r"(--[\w-]+):\s*(#[0-9a-f]{6})", dark_block[: dark_block.index("\n}")]))
    assert {"--ink", "--paper", "--card", "--link", "--accent-ink", "--control"} <= set(dark)
    assert dark["--paper"] != light["--paper"] and dark["--ink"] != light["--ink"]
    rules = css[css.index("/* Header */") :]
    assert not re.search(r"background: #fff\b", rules)  # page surfaces come from variables only


# --- 9. the agency's legally required information ------------------------------------------


def test_footer_shows_the_agency_with_samples_marked(client):
    footer = section(text_of(client.get("/")), '<footer class="site-footer">', "</footer>")
    for label in [
        "Cơ quan chủ quản",
        "Chịu trách nhiệm chính",
        "Giấy phép",
        "Địa chỉ",
        "Điện thoại",
        "Email",
    ]:
        assert f"<dt>{label}</dt>" in footer, label
    assert '<a href="tel:+842253000000">0225 3 000 000</a>' in footer
    assert re.search(r'<a href="mailto:[^"]+@[^"]+">', footer)
    assert footer.count("(thông tin mẫu)") == 5  # all but the real agency's name and owner
    assert "dữ liệu mẫu" not in footer  # that phrase is for sample content only


def test_footer_reads_the_settings():
    env = {
        "AGENCY_RESPONSIBLE": "  Trần  Văn Bình, Trưởng ban ",
        "AGENCY_LICENCE": "Giấy phép số 12/GP-TTĐT",
        "AGENCY_ADDRESS": "Số 2 Lê Đại Hành",
        "AGENCY_PHONE": "0225 3 842 000",
        "AGENCY_EMAIL": "bantdkt@haiphong.gov.vn",
    }
    agency = config.agency(env)
    assert agency["responsible"] == "Trần Văn Bình, Trưởng ban"
    assert agency["phone_tel"] == "+842253842000" and agency["samples"] == []
    assert config.agency({})["samples"] == ["responsible", "licence", "address", "phone", "email"]


def test_footer_with_configured_values(tmp_path):
    from showcase import create_app

    env = {"AGENCY_PHONE": "+84 225 3842 000", "AGENCY_EMAIL": "bantdkt@haiphong.gov.vn"}
    app = create_app(
        {
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'f.sqlite3'}",
            "MEDIA_ROOT": str(tmp_path / "m"),
            "SEARCH_INDEX_DIR": str(tmp_path / "i"),
            "AGENCY": config.agency(env),
        }
    )
    with app.app_context():
        db.create_all()
    html = app.test_client().get("/khong-co").get_data(as_text=True)  # every page, error pages too
    footer = section(html, '<footer class="site-footer">', "</footer>")
    assert '<a href="tel:+842253842000">+84 225 3842 000</a>' in footer
    assert '<a href="mailto:bantdkt@haiphong.gov.vn">bantdkt@haiphong.gov.vn</a>' in footer
    assert footer.count("(thông tin mẫu)") == 3
    with app.app_context():
        db.engine.dispose()


# --- 10. wording: one kind of quotes on the public site ------------------------------------


def test_public_messages_use_curly_quotes(client, make_story):
    response = client.get("/bai-viet?nam=abc")
    assert "Năm “abc” không hợp lệ" in response.get_data(as_text=True)
    assert "Số trang “x” không hợp lệ" in client.get("/bai-viet?trang=x").get_data(as_text=True)
    html = text_of(client.get("/tim-kiem?q=khongcogi"))
    assert "«" not in html and "»" not in html


def test_public_templates_have_no_guillemets_or_straight_quotes_in_text():
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "showcase"
    templates = [
        root / "templates" / "layout.html",
        *sorted((root / "site" / "templates" / "site").glob("*.html")),
    ]
    for path in templates:
        text = re.sub(r"\{[{%#].*?[}%#]\}", "", path.read_text("utf-8"), flags=re.S)  # Jinja out
        text = re.sub(r"<[^>]+>", "", text)  # tags and their attributes out
        assert not re.search(r"[«»\"]", text), path.name


# --- the migration derives both dates from the audit log -----------------------------------


def test_migration_0007_fills_the_dates_from_the_audit_log(tmp_path):
    from sqlalchemy import text

    from showcase import create_app
    from tests.support import Database

    database = Database(tmp_path)
    app = create_app(
        {
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": database.url,
            "MEDIA_ROOT": str(tmp_path / "m"),
            "SEARCH_INDEX_DIR": str(tmp_path / "i"),  # never the checkout's own index
        }
    )
    try:
        runner = app.test_cli_runner()
        assert runner.invoke(args=["db", "upgrade", "0006"]).exit_code == 0
        with app.app_context():
            rows = [
                "INSERT INTO field (id, slug, name, description, version) VALUES (1, 'y', 'Y tế', '', 1)",
                "INSERT INTO locality (id, slug, name, kind, version) VALUES (1, 'hp', 'HP', 'city', 1)",
            ]
            story = (
                "INSERT INTO story (id, slug, title, summary, body_md, body_html, status, published_at,"
                " created_at, updated_at, featured, review_comment, retraction_reason, byline,"
                " broadcast_summary, field_id, locality_id, preview_epoch, version)"
                " VALUES ({id}, 's{id}', 'T', '', '', '', '{status}', '2024-05-01 03:00:00',"
                " '2024-04-01 03:00:00', '2024-07-01 03:00:00', false, '', '', '', '', 1, 1, 0, 1)"
            )
            rows += [story.format(id=1, status="published"), story.format(id=2, status="retracted")]
            audit = (
                "INSERT INTO audit_log (at, action, object_type, object_id, detail, ip)"
                " VALUES ('{at}', '{action}', 'Story', {id}, '{detail}', '')"
            )
            rows += [
                audit.format(at="2024-04-20 03:00:00", action="edit", id=1, detail='{"fields": ["title"]}'),
                audit.format(at="2024-06-01 03:00:00", action="edit", id=1, detail='{"fields": ["body_md"]}'),
                audit.format(at="2024-06-09 03:00:00", action="edit", id=1, detail='{"fields": ["cover"]}'),
                audit.format(at="2024-06-05 03:00:00", action="retract", id=2, detail='{"reason": "Sai"}'),
            ]
            for row in rows:
                db.session.execute(text(row))
            db.session.commit()
        assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
        with app.app_context():
            dates = db.session.execute(
                db.select(Story.id, Story.revised_at, Story.retracted_at).order_by(Story.id)
            ).all()
            db.session.remove()  # give its connection back before the pool goes (else it is left open)
            db.engine.dispose()
        assert [tuple(row) for row in dates] == [
            (
                1,
                datetime(2024, 6, 1, 3, 0),
                None,
            ),  # the body edit after publication: not the cover, not before
            (2, None, datetime(2024, 6, 5, 3, 0)),
        ]
    finally:
        database.drop()
