"""The embedded sample content in content/ loads, meets the brief and renders on every page."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from pathlib import Path

import pytest

from showcase import content_io
from showcase.dates import from_local
from showcase.extensions import db
from showcase.models import (
    Commendation,
    Consultation,
    ConsultationStatus,
    Exemplar,
    ExemplarKind,
    Field,
    Locality,
    Movement,
    Story,
    StoryStatus,
)
from showcase.services import consultations
from tests.support import Database, build_app

CONTENT = Path(__file__).resolve().parent.parent / "content"
DIRECTIVE_MOVEMENTS = {
    "phong-chong-covid-19",
    "nong-thon-moi",
    "vi-nguoi-ngheo",
    "doanh-nghiep-hoi-nhap",
    "van-hoa-cong-so",
    "hoc-tap-lam-theo-bac",
}


@pytest.fixture(scope="module")
def sample_app(tmp_path_factory):
    directory = tmp_path_factory.mktemp("sample")
    database = Database(directory)
    app = build_app(directory, database)
    with app.app_context():
        content_io.import_content(CONTENT)
    yield app
    with app.app_context():
        db.engine.dispose()
    database.drop()


@pytest.fixture(scope="module")
def sample(sample_app):
    with sample_app.app_context():
        yield
        db.session.remove()


@pytest.fixture(scope="module")
def sample_client(sample_app):
    return sample_app.test_client()


def published(sample) -> list[Story]:
    return db.session.scalars(db.select(Story).where(Story.status == StoryStatus.PUBLISHED)).all()


def test_enough_stories_of_enough_length(sample):
    stories = published(sample)
    assert len(stories) >= 40
    for story in stories:
        assert len(story.body_md.split()) >= 300, story.slug
        assert story.broadcast_summary and story.byline and story.cover and story.cover.alt_text, story.slug
        assert story.cover.caption and story.cover.credit and story.cover.licence, story.slug
        assert story.cover.renditions, story.slug  # made at import, never while a page renders


def test_movements_fields_localities_cover_the_brief(sample):
    stories = published(sample)
    used = {m.slug for s in stories for m in s.movements}
    assert used >= DIRECTIVE_MOVEMENTS
    assert db.session.scalar(db.select(db.func.count(Field.id))) >= 8
    localities = db.session.scalars(db.select(Locality)).all()
    assert len(localities) >= 12
    assert any(loc.replaced_by for loc in localities) and any(loc.replaced for loc in localities)
    assert {s.locality.replaced_by is None for s in stories} == {True, False}  # old and new units
    assert db.session.scalar(db.select(db.func.count(Movement.id))) >= 6


def test_individuals_collectives_and_commendations(sample):
    kinds = set(db.session.scalars(db.select(Exemplar.kind)))
    assert kinds == {ExemplarKind.INDIVIDUAL, ExemplarKind.COLLECTIVE}
    commendations = db.session.scalars(db.select(Commendation)).all()
    assert len(commendations) >= 30
    assert any(c.is_revoked for c in commendations)
    assert all("/" in c.decision_no for c in commendations)


def test_all_text_is_nfc(sample):
    for story in db.session.scalars(db.select(Story)):
        for text in (story.title, story.summary, story.body_md, story.broadcast_summary):
            assert unicodedata.is_normalized("NFC", text), story.slug
    for path in CONTENT.rglob("*"):
        if path.suffix in (".md", ".yaml"):
            assert unicodedata.is_normalized("NFC", path.read_text("utf-8")), path


def test_sample_data_is_flagged(sample):
    assert content_io.is_sample_data()


def test_every_page_renders_with_sample_notice(sample, sample_client):
    urls = ["/", "/bai-viet", "/dien-hinh", "/phong-trao", "/linh-vuc", "/dia-phuong", "/khen-thuong"]
    urls += [f"/bai-viet/{s.slug}" for s in published(sample)]
    urls += [f"/dien-hinh/{e.slug}" for e in db.session.scalars(db.select(Exemplar))]
    urls += [f"/phong-trao/{m.slug}" for m in db.session.scalars(db.select(Movement))]
    urls += [f"/linh-vuc/{f.slug}" for f in db.session.scalars(db.select(Field))]
    urls += [f"/dia-phuong/{loc.slug}" for loc in db.session.scalars(db.select(Locality))]
    for url in urls:
        response = sample_client.get(url)
        assert response.status_code == 200, url
        assert "dữ liệu mẫu" in response.get_data(as_text=True), url


def test_sample_draft_is_not_public(sample, sample_client):
    drafts = db.session.scalars(db.select(Story).where(Story.status != StoryStatus.PUBLISHED)).all()
    assert drafts
    for story in drafts:
        assert sample_client.get(f"/bai-viet/{story.slug}").status_code == 404


def test_register_lists_sample_decisions(sample, sample_client):
    html = sample_client.get("/khen-thuong").get_data(as_text=True)
    total = db.session.scalar(db.select(db.func.count(Commendation.id)))
    assert f"<strong>{total}</strong> quyết định" in html
    assert "Đã thu hồi" in sample_client.get("/khen-thuong?trang=2").get_data(as_text=True) + html


def search_urls(client, q: str) -> list[str]:
    html = client.get("/tim-kiem", query_string={"q": q}).get_data(as_text=True)
    return re.findall(r'class="hit-title"><a href="([^"]+)"', html)


def test_sample_searches_find_the_right_stories(sample, sample_client):
    nong_thon = search_urls(sample_client, "nong thon moi")
    assert "/bai-viet/thon-tien-phong-va-hanh-trinh-len-chuan-nong-thon-moi-kieu-mau" in nong_thon[:3]
    do_son = search_urls(sample_client, "do son")
    assert "/dien-hinh/do-son-lam" in do_son
    assert any("do-son" in url and "do-son-lam" not in url for url in do_son)
    assert "do-son-lam" in search_urls(sample_client, "Đỗ Sơn")[0]  # him, or the story about him
    assert "do-son-lam" not in search_urls(sample_client, "Đồ Sơn")[0]
    html = sample_client.get("/tim-kiem?q=hai+phong").get_data(as_text=True)
    assert int(re.search(r'class="result-count">(\d+)<', html).group(1)) >= 40
    decision = search_urls(sample_client, "1245/QĐ-UBND")
    assert "/bai-viet/vinh-danh-nhung-guong-mat-tuyen-dau-chong-dich" in decision[:3]


def sample_consultations() -> dict[ConsultationStatus, Consultation]:
    found = db.session.scalars(db.select(Consultation)).all()
    assert len(found) == 2
    return {c.status: c for c in found}


def test_a_decided_consultation_links_to_the_register(sample):
    decided = sample_consultations()[ConsultationStatus.DECIDED]
    assert decided.award == "Huân chương Lao động hạng Ba" and decided.opens_on.year == 2025
    assert decided.decision == "2135/QĐ-CTN ngày 24/10/2025"
    assert {c.kind for c in decided.candidates} == {ExemplarKind.INDIVIDUAL, ExemplarKind.COLLECTIVE}
    for candidate in decided.candidates:
        given = candidate.commendation
        assert given is not None and given.exemplar == candidate.exemplar, candidate.name
        assert (given.form, given.decision_no) == (decided.award, "2135/QĐ-CTN")
    assert {x.medium.value for x in decided.coverage} == {"online", "tv"}


def test_the_open_consultation_runs_from_30_11_2026(sample):
    open_ = sample_consultations()[ConsultationStatus.OPEN]
    assert open_.opens_on == date(2026, 11, 30) and consultations.last_day(open_) == date(2026, 12, 21)
    assert len(open_.candidates) == 3
    assert {c.kind for c in open_.candidates} == {ExemplarKind.INDIVIDUAL, ExemplarKind.COLLECTIVE}
    during, after = from_local(datetime(2026, 12, 10, 9)), from_local(datetime(2026, 12, 22, 9))
    assert consultations.accepts_comments(open_, now=during)
    assert consultations.phase(open_, now=after) == ConsultationStatus.CLOSED  # then it reads as closed


def test_the_public_list_shows_both_consultations(sample, sample_client):
    html = sample_client.get("/lay-y-kien").get_data(as_text=True)
    assert "dữ liệu mẫu" in html
    for consultation in sample_consultations().values():
        assert f"/lay-y-kien/{consultation.slug}" in html
        page = sample_client.get(f"/lay-y-kien/{consultation.slug}")
        assert page.status_code == 200
        text = page.get_data(as_text=True)
        for candidate in consultation.candidates:
            assert candidate.name in text
    decided = sample_consultations()[ConsultationStatus.DECIDED]
    text = sample_client.get(f"/lay-y-kien/{decided.slug}").get_data(as_text=True)
    assert "2135/QĐ-CTN ngày 24/10/2025" in text
    for candidate in decided.candidates:
        assert f"/khen-thuong/{candidate.commendation.code}" in text
