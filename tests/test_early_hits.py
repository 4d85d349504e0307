"""The page cache's fast path and the data generation's reach: a stored page is answered before
the app runs, with the very headers and bytes the app gives it; a draft's autosave leaves the
data generation (and so every worker's cache) alone, while publishing moves it at once."""

from __future__ import annotations

import gzip
import json
import logging

from showcase import requestlog
from showcase.extensions import db
from showcase.models import Field, StoryStatus
from showcase.services import stories, taxonomy, transaction, workflow
from tests.test_page_cache import behind_the_generation, html, site, token

__all__ = ["site"]  # the fixture, shared with test_page_cache


def headers(response) -> dict[str, str]:
    """The response's headers but those that differ on every request (each has its own id)."""
    assert len(response.headers["X-Request-ID"]) >= 8
    return {name: value for name, value in response.headers.items() if name not in ("Date", "X-Request-ID")}


def test_a_stored_page_is_answered_early_with_the_apps_own_headers(app, client, site):
    url = f"/bai-viet/{site['first'].slug}"
    for encoding in ("", "gzip", "br"):
        asked = {"Accept-Encoding": encoding} if encoding else {}
        rendered = client.get(url, headers=asked)  # rendered by the app (and stored)
        early = client.get(url, headers=asked)  # answered before the app
        cookie = app.test_client()
        cookie.set_cookie("session", "")  # an anonymous visitor with a cookie: the app answers
        by_app = cookie.get(url, headers=asked)
        assert rendered.status_code == early.status_code == by_app.status_code == 200
        assert headers(rendered) == headers(early) == headers(by_app), encoding
        assert rendered.data == early.data == by_app.data
        assert early.headers.get("Content-Encoding", "") == encoding
    plain = client.get(url)
    assert gzip.decompress(client.get(url, headers={"Accept-Encoding": "gzip"}).data) == plain.data
    # the early answer is the stored copy: a change behind the generation's back is not seen
    behind_the_generation(site["first"], "Tiêu đề đổi ngầm")
    assert "Tiêu đề đổi ngầm" not in html(client, url)
    again = client.get(url, headers={"If-None-Match": plain.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    assert client.head(url).status_code == 200
    given = client.get(url, headers={"X-Request-ID": "proxy-id-12345"})
    assert given.headers["X-Request-ID"] == "proxy-id-12345"


def test_a_draft_autosave_keeps_the_generation_and_publishing_moves_it(app, client, site):
    editor, first = site["editor"], site["first"]
    values = {
        "title": "Bản nháp về bà Tư",
        "summary": "Viết dở.",
        "body_md": "Đoạn đầu.",
        "field": first.field,
        "locality": first.locality,
        "exemplars": [site["exemplar"]],
    }
    html(client, "/")
    behind_the_generation(first, "Tiêu đề đổi ngầm")
    before = token()
    with transaction():
        draft = stories.autosave(None, values, by=editor)
    with transaction():
        stories.autosave(
            draft, values | {"body_md": "Đoạn đầu, thêm một câu.", "slug": draft.slug}, by=editor
        )
    assert draft.status == StoryStatus.DRAFT
    assert token() == before  # nothing public changed: every worker keeps its pages
    assert "Tiêu đề đổi ngầm" not in html(client, "/")

    with transaction():  # leaving the draft state is a change the public may come to see
        workflow.transition(draft, "submit", by=editor)
    submitted = token()
    assert submitted != before
    with transaction():
        workflow.transition(draft, "publish", by=editor)
    assert token() not in (before, submitted)
    page = html(client, "/")
    assert "Bản nháp về bà Tư" in page and "Tiêu đề đổi ngầm" in page

    # a draft edited along with something public: the flush counts as a whole
    with transaction():
        other = stories.autosave(None, values | {"title": "Bản nháp thứ hai"}, by=editor)
    moved = token()
    with transaction():
        stories.autosave(other, values | {"title": "Bản nháp thứ hai, sửa", "slug": other.slug}, by=editor)
        site["exemplar"].name = "Bà Tư Giữ Lửa Mãi"
        db.session.flush()
    assert token() != moved
    assert "Bà Tư Giữ Lửa Mãi" in html(client, f"/dien-hinh/{site['exemplar'].slug}")


def test_an_early_answer_writes_the_apps_request_line(client, site, caplog):
    caplog.set_level(logging.INFO, logger="showcase.requests")
    url = f"/bai-viet/{site['first'].slug}"
    client.get(url)  # rendered by the app, and stored
    caplog.clear()
    early = client.get(url + "?utm_source=zalo", headers={"X-Request-ID": "proxy-id-12345"})
    early = client.get(url + "?utm_source=zalo", headers={"X-Request-ID": "proxy-id-67890"})
    formatter = requestlog.JsonFormatter()
    lines = [json.loads(formatter.format(r)) for r in caplog.records if r.name == "showcase.requests"]
    assert len(lines) == 2 and early.headers["X-Request-ID"] == "proxy-id-67890"
    line = lines[-1]
    assert line["request_id"] == "proxy-id-67890" and line["route"] == "/bai-viet/<slug>"
    assert line["path"] == url and line["method"] == "GET" and line["status"] == 200
    assert isinstance(line["ms"], float) and line["user_id"] is None


def test_a_commit_that_only_inserts_moves_the_generation(app, client, site):
    # an ORM insert is INSERT … RETURNING; SQLite counts its rows only once they are fetched, so a
    # row count of 0 must not pass it for a statement that changed nothing
    editor = site["editor"]
    html(client, "/bai-viet")
    before = token()
    with transaction():
        taxonomy.save(
            Field(), {"name": "Chuyển đổi xanh", "slug": "chuyen-doi-xanh"}, by=editor, created=True
        )
    assert token() != before
