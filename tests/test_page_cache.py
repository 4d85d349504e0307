"""The page cache is never stale: every change made through the services shows at once on
every page that shows it, in this app and in a second one on the same database (another
worker), with the in-process store and with Redis. Plus 304s, logged-in people, compression
and fingerprinted static files."""

from __future__ import annotations

import gzip
import re
import time
from datetime import date, timedelta
from pathlib import Path

import brotli
import pytest
from flask import url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from showcase import create_app, generation, pagecache, web
from showcase.extensions import db
from showcase.models import Commendation, CommendationLevel, Setting, Story, StoryStatus, utcnow
from showcase.services import audit, changes, exemplars, media, stories, taxonomy, transaction, workflow
from showcase.services.media import add_image
from tests.support import IsolatedClient, image_bytes

COPIED = ("TESTING", "SECRET_KEY", "SQLALCHEMY_DATABASE_URI", "MEDIA_ROOT", "SEARCH_INDEX_DIR", "SERVER_NAME")


@pytest.fixture
def another_app(app):
    """another_app(**settings): one more instance of the site on the same database, as another
    worker or node is (its connections closed afterwards)."""
    made = []

    def make(**settings):
        other = create_app({key: app.config[key] for key in COPIED} | settings)
        other.test_client_class = IsolatedClient
        made.append(other)
        return other

    yield make
    for other in made:
        with other.app_context():
            db.engine.dispose()


def html(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def behind_the_generation(story: Story, title: str) -> None:
    """Change a title on the driver's own connection, below SQLAlchemy, where the data
    generation does not see it: a cached page keeps the old title, which is how a test sees
    that a page came from the cache (and that anything else did move the generation on)."""
    with db.engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        assert raw is not None
        mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
        cursor = raw.cursor()
        cursor.execute(f"UPDATE story SET title = {mark} WHERE id = {mark}", (title, story.id))
        cursor.close()
        raw.commit()


def token() -> str | None:
    """The data generation as committed (read afresh, not this request's copy)."""
    with db.engine.connect() as conn:
        return conn.scalar(select(Setting.value).where(Setting.key == generation.KEY))


@pytest.fixture
def site(app, ctx, people, make_story, make_exemplar):
    """A published story, its exemplar and locality, a cover photo, an editor."""
    cover = add_image(image_bytes(320, 180), "bia.jpg")
    cover.alt_text, cover.credit = "Bà Tư bên lớp học", "Ảnh: Nguyễn Văn Cũ"
    exemplar = make_exemplar(name="Bà Tư Giữ Lửa")
    first = make_story(title="Chuyện đầu tiên của bà Tư", exemplars=[exemplar])
    return {"editor": people["editor"], "exemplar": exemplar, "cover": cover, "first": first}


def test_each_change_shows_at_once_on_every_page_in_both_apps(app, client, site, another_app):
    assert app.config["PAGE_CACHE"] in ("memory", "redis")
    other = another_app(PAGE_CACHE="memory")
    clients = {"this app": client, "another worker": other.test_client()}
    editor, exemplar, cover = site["editor"], site["exemplar"], site["cover"]
    ward = exemplar.locality

    def pages(story: Story | None) -> dict[str, str]:
        urls = {"home": "/", "list": "/bai-viet", "exemplar": f"/dien-hinh/{exemplar.slug}"}
        urls["locality"] = f"/dia-phuong/{ward.slug}"
        if story is not None:
            urls["story"] = f"/bai-viet/{story.slug}"
        return urls

    def everywhere(story: Story | None, must: str, must_not: str = "", only=None) -> None:
        for who, c in clients.items():
            for name, url in pages(story).items():
                if only and name not in only:
                    continue
                text = html(c, url)
                assert must in text, (who, name, must)
                assert not must_not or must_not not in text, (who, name, must_not)

    everywhere(None, "Chuyện đầu tiên của bà Tư")  # warm both caches
    # both serve from their cache: a change behind the services' back is not seen
    behind_the_generation(site["first"], "Tiêu đề đổi ngầm")
    everywhere(None, "Chuyện đầu tiên của bà Tư", must_not="Tiêu đề đổi ngầm")

    # publish a new story
    with transaction():
        story = stories.create(
            {
                "title": "Bà Tư mở lớp học tình thương",
                "summary": "Lớp học miễn phí.",
                "body_md": "Nội dung.",
                "field": site["first"].field,
                "locality": ward,
                "movements": list(site["first"].movements),
                "exemplars": [exemplar],
                "cover": cover,
            },
            by=editor,
        )
    # a draft is nothing the public sees: the pages stand, still from the cache
    everywhere(None, "Chuyện đầu tiên của bà Tư", must_not="Bà Tư mở lớp học tình thương")
    for c in clients.values():
        assert c.get(f"/bai-viet/{story.slug}").status_code == 404
    with transaction():
        workflow.transition(story, "submit", by=editor)
        workflow.transition(story, "publish", by=editor)
    everywhere(story, "Bà Tư mở lớp học tình thương")
    everywhere(None, "Tiêu đề đổi ngầm")  # rendered afresh
    found = html(client, "/tim-kiem?q=lop+hoc+tinh+thuong")
    assert "Bà Tư mở lớp học tình thương" in re.sub(r"</?mark>", "", found)

    # edit it
    with transaction():
        stories.update(story, {"title": "Lớp học tình thương của bà Tư", "slug": story.slug}, by=editor)
    everywhere(story, "Lớp học tình thương của bà Tư", must_not="Bà Tư mở lớp học tình thương")

    # rename the locality it and its exemplar belong to
    with transaction():
        taxonomy.save(ward, {"name": "Đồ Sơn Biển", "slug": ward.slug}, by=editor, created=False)
    everywhere(story, "Đồ Sơn Biển", only={"home", "list", "story", "exemplar", "locality"})

    # a new commendation of its exemplar: a commit whose only public write is an INSERT (on SQLite
    # with RETURNING, whose row count reads 0 until the rows are fetched)
    with transaction():
        exemplars.save_commendation(
            Commendation(),
            {
                "exemplar": exemplar,
                "form": "Bằng khen của Chủ tịch UBND thành phố",
                "level": CommendationLevel.CITY,
                "issuer": "Chủ tịch UBND thành phố Hải Phòng",
                "decision_no": "4321/QĐ-UBND",
                "decision_date": date(2024, 5, 6),
                "reason": "Đã có thành tích xuất sắc.",
            },
            by=editor,
            created=True,
        )
    everywhere(story, "4321/QĐ-UBND", only={"exemplar"})

    # edit the credit of its cover photo
    with transaction():
        media.update(cover, {"credit": "Ảnh: Trần Thị Mới"}, by=editor)
    everywhere(story, "Ảnh: Trần Thị Mới", must_not="Ảnh: Nguyễn Văn Cũ", only={"story"})

    # retract it
    with transaction():
        workflow.transition(story, "retract", by=editor, text="Thông tin chưa được kiểm chứng.")
    everywhere(None, "Tiêu đề đổi ngầm", must_not="Lớp học tình thương của bà Tư")
    for c in clients.values():
        gone = c.get(f"/bai-viet/{story.slug}")
        assert gone.status_code in (404, 410) and "ETag" not in gone.headers


def test_a_rolled_back_change_moves_nothing_and_announces_nothing(app, client, site):
    heard = []
    changes.content_changed.connect(heard.append)
    try:
        before = token()
        assert before is not None
        html(client, "/")
        with pytest.raises(RuntimeError), transaction():
            stories.update(
                site["first"],
                {"title": "Không bao giờ lưu", "slug": site["first"].slug},
                by=site["editor"],
            )
            db.session.flush()
            raise RuntimeError("bỏ")
        assert token() == before and heard == []
        behind_the_generation(site["first"], "Tiêu đề đổi ngầm")
        assert "Tiêu đề đổi ngầm" not in html(client, "/")  # still the cached page: nothing invalidated it
    finally:
        changes.content_changed.disconnect(heard.append)


def test_the_signal_lists_the_records_after_the_commit(app, ctx, site):
    heard: list[frozenset] = []

    def listen(sender, records: frozenset, **_extra):
        heard.append(records)

    changes.content_changed.connect(listen)
    try:
        with transaction():
            workflow.transition(site["first"], "feature", by=site["editor"])
            assert heard == []  # nothing is announced before the commit
        assert len(heard) == 1 and changes.is_public(heard[0])
        assert changes.Changed("story", site["first"].id, True) in heard[0]
        assert any(r.table == "audit_log" and not r.public for r in heard[0])

        before = token()
        with transaction():  # what no public page shows: announced, and the pages stand
            audit.record("note", site["first"], by=site["editor"])
        assert len(heard) == 2 and not changes.is_public(heard[1]) and token() == before
    finally:
        changes.content_changed.disconnect(listen)


def test_etag_last_modified_and_304(app, client, site, monkeypatch):
    first = client.get("/")
    etag = first.headers["ETag"]
    assert etag.startswith('W/"') and first.headers["Cache-Control"] == pagecache.PUBLIC_CACHE
    assert "Cookie" in first.headers["Vary"]
    again = client.get("/", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == etag
    head = client.head("/", headers={"If-None-Match": etag})
    assert head.status_code == 304

    # Last-Modified: when the stored copy was rendered, named once that second is over
    rendered = time.time()
    assert "Last-Modified" not in first.headers
    monkeypatch.setattr(pagecache, "now", lambda: time.time() + 10)
    page = client.get("/")
    assert page.last_modified is not None and 0 <= rendered - page.last_modified.timestamp() < 5
    since = {"If-Modified-Since": page.headers["Last-Modified"]}
    assert client.get("/", headers=since).status_code == 304
    with transaction():
        workflow.transition(site["first"], "feature", by=site["editor"])
    changed = client.get("/", headers=since)
    assert changed.status_code == 200 and "Last-Modified" not in changed.headers  # too recent to name
    assert client.get("/", headers={"If-None-Match": etag}).status_code == 200  # the bytes differ now


def test_logged_in_people_are_never_served_nor_stored(app, client, site, as_role):
    story = site["first"]
    html(client, f"/bai-viet/{story.slug}")
    behind_the_generation(story, "Tiêu đề đổi ngầm")
    editor = as_role("editor")
    mine = editor.get(f"/bai-viet/{story.slug}")
    assert "Tiêu đề đổi ngầm" in mine.get_data(as_text=True)  # rendered for them, not the cached copy
    assert mine.headers["Cache-Control"] == pagecache.PRIVATE_CACHE and "ETag" not in mine.headers
    assert "Cookie" in mine.headers["Vary"]
    # and what they saw was not stored for everyone else
    assert "Tiêu đề đổi ngầm" not in html(client, f"/bai-viet/{story.slug}")

    with client.session_transaction() as session:  # a message waiting to be shown to this visitor
        session["_flashes"] = [("message", "Đã gửi đề xuất.")]
    flashed = client.get(f"/bai-viet/{story.slug}")
    assert "Tiêu đề đổi ngầm" in flashed.get_data(as_text=True)
    assert flashed.headers["Cache-Control"] == pagecache.PRIVATE_CACHE


def test_pages_with_a_form_token_or_a_cookie_are_not_stored(app):
    with app.test_request_context("/"):
        page = Response("<p>trang</p>", mimetype="text/html")
        assert pagecache._storable(page)
        from flask import g

        g.csrf_token = "mã của một phiên"
        assert not pagecache._storable(page)
    with app.test_request_context("/"):
        page.set_cookie("ban", "1")
        assert not pagecache._storable(page)
    with app.test_request_context("/", headers={"Cookie": "theo-doi=1"}):
        assert not pagecache.anonymous_request()


def test_a_story_published_for_later_stops_the_cache_when_its_time_comes(
    app, client, site, make_story, monkeypatch
):
    soon = utcnow() + timedelta(minutes=5)
    make_story(title="Bài hẹn giờ", status=StoryStatus.PUBLISHED, published_at=soon)
    html(client, "/")
    behind_the_generation(site["first"], "Tiêu đề đổi ngầm")
    assert "Tiêu đề đổi ngầm" not in html(client, "/")
    monkeypatch.setattr(pagecache, "utcnow", lambda: soon + timedelta(seconds=1))
    assert "Tiêu đề đổi ngầm" in html(client, "/")  # rendered afresh, not the copy from before


def test_two_apps_share_pages_through_redis(site, redis_url, another_app):
    one = another_app(PAGE_CACHE="redis", REDIS_URL=redis_url)
    two = another_app(PAGE_CACHE="redis", REDIS_URL=redis_url)
    story = site["first"]
    url = f"/bai-viet/{story.slug}"
    assert "Chuyện đầu tiên của bà Tư" in html(one.test_client(), url)
    behind_the_generation(story, "Tiêu đề đổi ngầm")
    assert "Chuyện đầu tiên của bà Tư" in html(two.test_client(), url)  # stored by the other app
    with transaction():
        stories.update(story, {"title": "Chuyện bà Tư, bản mới", "slug": story.slug}, by=site["editor"])
    for c in (one.test_client(), two.test_client()):
        text = html(c, url)
        assert "Chuyện bà Tư, bản mới" in text and "Tiêu đề đổi ngầm" not in text


def test_redis_down_pages_still_render(site, another_app):
    down = another_app(PAGE_CACHE="redis", REDIS_URL="redis://127.0.0.1:1")
    assert "Chuyện đầu tiên của bà Tư" in html(down.test_client(), f"/bai-viet/{site['first'].slug}")


def test_pages_are_compressed_and_keep_their_validators(app, client, site):
    plain = client.get("/")
    zipped = client.get("/", headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.data) == plain.data
    assert zipped.headers["ETag"] == plain.headers["ETag"]  # weak: the same page, whatever the encoding
    assert {"Cookie", "Accept-Encoding"} <= {v.strip() for v in zipped.headers["Vary"].split(",")}
    not_again = client.get("/", headers={"Accept-Encoding": "br", "If-None-Match": plain.headers["ETag"]})
    assert not_again.status_code == 304 and not_again.data == b""
    css_url = re.search(r'href="(/static/css/site\.[0-9a-f]+\.css)"', plain.get_data(as_text=True))[1]
    with client.get(css_url, headers={"Accept-Encoding": "br"}) as css:
        assert css.headers["Content-Encoding"] == "br"
        body = brotli.decompress(css.get_data())
    assert body == Path(app.static_folder or "", "css", "site.css").read_bytes()


def test_static_files_are_fingerprinted_and_kept_a_year(app, client):
    with app.test_request_context("/"):
        fingerprinted = url_for("static", filename="css/site.css")
    assert re.fullmatch(r"/static/css/site\.[0-9a-f]{12}\.css", fingerprinted)
    with client.get(fingerprinted) as response:
        assert response.status_code == 200 and response.headers["Cache-Control"] == web.IMMUTABLE_CACHE
        assert response.mimetype == "text/css" and b"{" in response.get_data()
    with client.get("/static/css/site.css") as plain:
        assert plain.status_code == 200 and plain.headers["Cache-Control"] == web.STATIC_CACHE
    with client.get("/static/css/site.000000000000.css") as old:  # a page from before a deploy
        assert old.status_code == 200 and old.headers["Cache-Control"] == web.STATIC_CACHE
    with client.get("/static/css/khong-co.0123456789ab.css") as missing:
        assert missing.status_code == 404 and missing.headers["Cache-Control"] == "no-cache"


def test_a_changed_setting_or_release_reads_no_page_of_before(app, another_app):
    same = another_app(PAGE_CACHE="memory")
    other = another_app(PAGE_CACHE="memory", SITE_URL="https://guongsang.haiphong.example")
    assert pagecache.release(same) == pagecache.release(another_app(PAGE_CACHE="memory"))
    assert pagecache.release(other) != pagecache.release(same)
