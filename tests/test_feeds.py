"""RSS 2.0 and Atom feeds: valid by their checkers, only public stories, stable ids, 304."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import feedparser
from lxml import etree

from showcase.extensions import db
from showcase.models import ExemplarKind, Locality, LocalityKind, StoryStatus, utcnow
from showcase.services import stories, workflow
from showcase.services.media import add_image
from tests.support import image_bytes

DATA = Path(__file__).parent / "data"
ATOM_NS = "{http://www.w3.org/2005/Atom}"


def site_url(app) -> str:
    return app.config["SITE_URL"]


def parse(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    feed = feedparser.parse(response.get_data())
    assert feed.bozo == 0, (url, feed.get("bozo_exception"))
    return response, feed


def titles(feed) -> list[str]:
    return [entry.title for entry in feed.entries]


def atom_schema() -> etree.RelaxNG:
    return etree.RelaxNG(etree.parse(str(DATA / "atom.rng")))


def assert_valid_atom(body: bytes) -> None:
    schema = atom_schema()
    document = etree.fromstring(body)
    assert schema.validate(document), schema.error_log


def test_feeds_carry_every_field_of_a_published_story(app, client, ctx, make_story):
    cover = add_image(image_bytes(1600, 900), "bia.jpg")
    cover.alt_text = "Ông Ba bên ruộng lúa"
    story = make_story(
        title="Ông Ba và cánh đồng mẫu",
        summary="Người nông dân dồn điền đổi thửa.",
        body_md="Mở đầu **đậm**.\n\n## Hành trình\n\nNội dung.",
        byline="Trần Thu Hà, Báo Hải Phòng",
        published_at=datetime(2024, 3, 17, 17, 0),
        cover=cover,
    )
    largest = max(cover.renditions, key=lambda r: r["width"])
    size = app.extensions["storage"].path(largest["jpeg"]).stat().st_size
    base = site_url(app)

    response, rss = parse(client, "/feed.xml")
    assert response.mimetype == "application/rss+xml"
    assert rss.version == "rss20"
    assert rss.feed.title == "Gương sáng Hải Phòng" and rss.feed.language == "vi"
    (entry,) = rss.entries
    assert entry.title == "Ông Ba và cánh đồng mẫu"
    assert entry.link == f"{base}/bai-viet/{story.slug}"
    assert entry.id == f"tag:{base.split('//')[1].split(':')[0]},2026:bai-viet/{story.id}"
    assert entry.guidislink is False
    assert entry.summary == "Người nông dân dồn điền đổi thửa."
    assert (
        "<strong>đậm</strong>" in entry.content[0].value and "<h2>Hành trình</h2>" in entry.content[0].value
    )
    assert entry.author == "Trần Thu Hà, Báo Hải Phòng"  # dc:creator
    terms = {t.term for t in entry.tags}
    assert {"Cả nước chung sức xây dựng nông thôn mới", "Y tế", "Phường Đồ Sơn"} <= terms
    (enclosure,) = entry.enclosures
    assert enclosure.href == f"{base}/media/{largest['jpeg']}"
    assert enclosure.type == "image/jpeg" and int(enclosure.length) == size
    assert entry.published_parsed[:5] == (2024, 3, 17, 17, 0)  # stored UTC, said with its offset
    raw = response.get_data(as_text=True)
    assert "+0700</pubDate>" in raw

    response, atom = parse(client, "/atom.xml")
    assert response.mimetype == "application/atom+xml"
    assert atom.version == "atom10"
    assert_valid_atom(response.get_data())
    (entry,) = atom.entries
    assert entry.id == rss.entries[0].id
    assert entry.title == "Ông Ba và cánh đồng mẫu"
    assert entry.link == f"{base}/bai-viet/{story.slug}"
    assert entry.author == "Trần Thu Hà, Báo Hải Phòng"
    assert "<strong>đậm</strong>" in entry.content[0].value
    assert {t.label for t in entry.tags} >= {"Y tế", "Phường Đồ Sơn"}
    (enclosure,) = entry.enclosures
    assert int(enclosure.length) == size and enclosure.type == "image/jpeg"
    document = etree.fromstring(response.get_data())
    assert document.findtext(f"{ATOM_NS}entry/{ATOM_NS}published") == "2024-03-18T00:00:00+07:00"
    assert document.findtext(f"{ATOM_NS}updated") == "2024-03-18T00:00:00+07:00"
    assert document.find(f"{ATOM_NS}link[@rel='self']").get("href") == f"{base}/atom.xml"


def test_only_public_stories_leave_and_a_retracted_one_leaves_the_feed(client, ctx, make_story, editor):
    public = make_story(title="Bài đã đăng")
    make_story(title="Bản nháp bí mật", status=StoryStatus.DRAFT, published_at=None)
    make_story(title="Bài hẹn giờ", published_at=utcnow() + timedelta(days=2))
    make_story(
        title="Bài cấm đăng",
        status=StoryStatus.IN_REVIEW,
        published_at=None,
        publish_at=utcnow() + timedelta(days=1),
    )
    gone = make_story(title="Bài sẽ thu hồi")
    for url in ("/feed.xml", "/atom.xml"):
        assert sorted(titles(parse(client, url)[1])) == ["Bài sẽ thu hồi", "Bài đã đăng"]
    workflow.transition(gone, "retract", by=editor, text="Sai thông tin nhân vật.")
    db.session.commit()
    for url in ("/feed.xml", "/atom.xml"):
        _response, feed = parse(client, url)
        assert titles(feed) == [public.title]


def test_guid_stays_when_the_title_and_slug_change(client, ctx, make_story, editor):
    story = make_story(title="Tiêu đề cũ", published_at=datetime(2024, 5, 1, 3, 0))
    old_slug = story.slug
    _r, before = parse(client, "/feed.xml")
    _r, atom_before = parse(client, "/atom.xml")
    values = {"title": "Tiêu đề mới hẳn", "slug": "", "summary": story.summary, "body_md": story.body_md}
    stories.update(story, values, by=editor)
    db.session.commit()
    assert story.slug != old_slug
    _r, after = parse(client, "/feed.xml")
    _r, atom_after = parse(client, "/atom.xml")
    assert after.entries[0].title == "Tiêu đề mới hẳn"
    assert after.entries[0].link.endswith(f"/bai-viet/{story.slug}")
    assert after.entries[0].id == before.entries[0].id
    assert atom_after.entries[0].id == atom_before.entries[0].id == before.entries[0].id


def test_conditional_get_answers_304_and_a_change_makes_a_new_etag(client, ctx, make_story, editor):
    story = make_story(title="Bài thứ nhất")
    for url in ("/feed.xml", "/atom.xml", "/phong-trao/nong-thon-moi/feed.xml"):
        first = client.get(url)
        etag = first.headers["ETag"]
        assert etag.startswith('W/"')
        again = client.get(url, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.get_data() == b""
        assert "must-revalidate" in first.headers["Cache-Control"]
    before = client.get("/feed.xml").headers["ETag"]
    workflow.transition(story, "retract", by=editor, text="Sai thông tin.")
    db.session.commit()
    changed = client.get("/feed.xml", headers={"If-None-Match": before})
    assert changed.status_code == 200 and changed.headers["ETag"] != before
    assert titles(feedparser.parse(changed.get_data())) == []


def test_last_modified_answers_if_modified_since(client, ctx, make_story, monkeypatch):
    from showcase.outreach import conditional

    make_story()
    clock = {"now": 1_800_000_000.0}
    monkeypatch.setattr(conditional, "now", lambda: clock["now"])
    client.get("/feed.xml")
    clock["now"] += 10  # settled: the copy's second is over
    response = client.get("/feed.xml")
    last_modified = response.headers["Last-Modified"]
    assert last_modified == "Fri, 15 Jan 2027 08:00:00 GMT"  # when this copy was made
    again = client.get("/feed.xml", headers={"If-Modified-Since": last_modified})
    assert again.status_code == 304
    clock["now"] -= 9  # within the second it was made: no Last-Modified (it could name two copies)
    assert "Last-Modified" not in client.get("/atom.xml").headers


def test_section_feeds_hold_only_their_section(app, client, ctx, make_story, make_world, make_exemplar):
    from showcase.models import Field, Movement

    world = make_world()
    other_field = Field(slug="giao-duc", name="Giáo dục")
    other_movement = Movement(slug="hoc-tap", name="Học tập suốt đời", start_year=2020)
    db.session.add_all([other_field, other_movement])
    db.session.commit()
    hero = make_exemplar(name="Lê Thị Sáng")
    in_health = make_story(title="Bài y tế", exemplars=[hero])
    in_school = make_story(title="Bài giáo dục", field=other_field, movements=[other_movement])
    base = site_url(app)

    cases = {
        "/linh-vuc/y-te": [in_health.title],
        "/linh-vuc/giao-duc": [in_school.title],
        "/phong-trao/nong-thon-moi": [in_health.title],
        "/phong-trao/hoc-tap": [in_school.title],
        f"/dien-hinh/{hero.slug}": [in_health.title],
    }
    for page, expected in cases.items():
        response, rss = parse(client, f"{page}/feed.xml")
        assert titles(rss) == expected, page
        assert rss.feed.link == f"{base}{page}"
        response, atom = parse(client, f"{page}/atom.xml")
        assert titles(atom) == expected, page
        assert_valid_atom(response.get_data())
    assert world["field"].name in parse(client, "/linh-vuc/y-te/feed.xml")[1].feed.title
    # no such section, or an exemplar without a published story: no feed
    assert client.get("/linh-vuc/khong-co/feed.xml").status_code == 404
    hidden = make_exemplar(name="Chưa có bài")
    assert client.get(f"/dien-hinh/{hidden.slug}/feed.xml").status_code == 404
    assert client.get("/bai-viet/x/feed.xml").status_code == 404


def test_locality_feed_folds_in_the_units_it_replaced(client, ctx, make_story, make_world):
    world = make_world()
    older = Locality(slug="xa-cu", name="Cũ", kind=LocalityKind.COMMUNE, replaced_by=world["ward"])
    elsewhere = Locality(slug="xa-khac", name="Khác", kind=LocalityKind.COMMUNE, parent=world["city"])
    db.session.add_all([older, elsewhere])
    db.session.commit()
    make_story(title="Bài ở phường", locality=world["ward"])
    make_story(title="Bài ở quận cũ", locality=world["old"])
    make_story(title="Bài ở xã cũ", locality=older)
    make_story(title="Bài ở xã khác", locality=elsewhere)
    _r, feed = parse(client, "/dia-phuong/phuong-do-son/feed.xml")
    assert sorted(titles(feed)) == ["Bài ở phường", "Bài ở quận cũ", "Bài ở xã cũ"]
    _r, feed = parse(client, "/dia-phuong/xa-khac/atom.xml")
    assert titles(feed) == ["Bài ở xã khác"]
    _r, feed = parse(client, "/dia-phuong/hai-phong/feed.xml")  # the city holds them all
    assert len(feed.entries) == 4


def test_a_feed_keeps_the_newest_fifty(client, ctx, make_story, monkeypatch):
    from showcase.outreach import feeds

    monkeypatch.setattr(feeds, "FEED_SIZE", 3)
    for day in range(1, 6):
        make_story(title=f"Ngày {day}", published_at=datetime(2024, 6, day, 3, 0))
    _r, feed = parse(client, "/feed.xml")
    assert titles(feed) == ["Ngày 5", "Ngày 4", "Ngày 3"]


def test_pages_name_the_feeds_they_follow(app, client, ctx, make_story, make_world):
    story = make_story(title="Bài có bạn đọc")
    world = make_world()
    base = site_url(app)
    exemplar = story.exemplars[0]
    pages = {
        "/": [f"{base}/feed.xml", f"{base}/atom.xml"],
        "/bai-viet": [f"{base}/feed.xml", f"{base}/atom.xml"],
        "/phong-trao/nong-thon-moi": [f"{base}/phong-trao/nong-thon-moi/feed.xml"],
        "/linh-vuc/y-te": [f"{base}/linh-vuc/y-te/feed.xml", f"{base}/linh-vuc/y-te/atom.xml"],
        f"/dia-phuong/{world['ward'].slug}": [f"{base}/dia-phuong/{world['ward'].slug}/feed.xml"],
        f"/dien-hinh/{exemplar.slug}": [f"{base}/dien-hinh/{exemplar.slug}/atom.xml"],
    }
    for page, feeds_ in pages.items():
        html = client.get(page).get_data(as_text=True)
        head = html.split("</head>")[0]
        for href in feeds_:
            kind = "application/rss+xml" if href.endswith("feed.xml") else "application/atom+xml"
            assert f'<link rel="alternate" type="{kind}"' in head and f'href="{href}"' in head, (page, href)
        assert '<link rel="manifest" href="/site.webmanifest">' in head
    story_head = client.get(f"/bai-viet/{story.slug}").get_data(as_text=True).split("</head>")[0]
    assert "application/rss+xml" not in story_head


def test_feed_links_and_images_in_a_body_are_absolute(app, client, ctx, make_story):
    image = add_image(image_bytes(200, 100), "anh.jpg")
    db.session.commit()
    key = image.renditions[-1]["jpeg"] if image.renditions else image.file
    make_story(body_md=f"Xem [bài khác](/bai-viet/khac).\n\n![Ảnh](/media/{key})")
    _r, feed = parse(client, "/atom.xml")
    body = feed.entries[0].content[0].value
    base = site_url(app)
    assert f'href="{base}/bai-viet/khac"' in body and f'src="{base}/media/{key}"' in body


def test_an_exemplar_kind_does_not_change_its_feed(client, ctx, make_story, make_exemplar):
    group = make_exemplar(name="Tổ dân phố số 3", kind=ExemplarKind.COLLECTIVE)
    make_story(title="Bài về tập thể", exemplars=[group])
    assert titles(parse(client, f"/dien-hinh/{group.slug}/feed.xml")[1]) == ["Bài về tập thể"]
