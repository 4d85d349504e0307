"""The sitemap (sitemaps.org schema), its index past the limit, robots.txt, favicon, manifest."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from lxml import etree

from showcase.extensions import db
from showcase.models import StoryStatus, utcnow
from showcase.outreach import sitemap
from showcase.services import workflow

DATA = Path(__file__).parent / "data"
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def validated(body: bytes, schema_name: str) -> etree._Element:
    schema = etree.XMLSchema(etree.parse(str(DATA / schema_name)))
    document = etree.fromstring(body)
    assert schema.validate(document), schema.error_log
    return document


def urls_of(client, url: str = "/sitemap.xml") -> dict[str, str | None]:
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "application/xml"
    document = validated(response.get_data(), "sitemap.xsd")
    return {u.findtext("s:loc", namespaces=NS): u.findtext("s:lastmod", namespaces=NS) for u in document}


def test_sitemap_lists_every_public_page_and_no_hidden_story(
    app, client, ctx, make_story, make_exemplar, editor
):
    base = app.config["SITE_URL"]
    public = make_story(title="Bài đã đăng")
    draft = make_story(title="Bản nháp", status=StoryStatus.DRAFT, published_at=None)
    future = make_story(title="Bài hẹn giờ", published_at=utcnow() + timedelta(days=2))
    embargoed = make_story(
        title="Bài cấm đăng",
        status=StoryStatus.IN_REVIEW,
        published_at=None,
        publish_at=utcnow() + timedelta(days=1),
    )
    retracted = make_story(title="Bài thu hồi")
    workflow.transition(retracted, "retract", by=editor, text="Sai thông tin.")
    db.session.commit()
    lonely = make_exemplar(name="Chưa có bài")  # no published story: no public page

    found = urls_of(client)
    assert f"{base}/bai-viet/{public.slug}" in found
    for hidden in (draft, future, embargoed, retracted):
        assert f"{base}/bai-viet/{hidden.slug}" not in found, hidden.title
    for path in (
        "/",
        "/bai-viet",
        "/dien-hinh",
        "/phong-trao",
        "/linh-vuc",
        "/dia-phuong",
        "/khen-thuong",
        "/bao-chi",
        "/thong-ke",
    ):
        assert f"{base}{path}" in found, path
    for path in (
        "/phong-trao/nong-thon-moi",
        "/linh-vuc/y-te",
        "/dia-phuong/phuong-do-son",
        "/dia-phuong/quan-do-son",
    ):
        assert f"{base}{path}" in found, path
    assert f"{base}/dien-hinh/{public.exemplars[0].slug}" in found
    assert f"{base}/dien-hinh/{future.exemplars[0].slug}" not in found  # only a future story
    assert f"{base}/dien-hinh/{lonely.slug}" not in found
    assert not any("/xem-truoc" in u or "/admin" in u or "/tim-kiem" in u for u in found)
    # every address is a page that answers 200
    for loc in found:
        assert client.get(loc.removeprefix(base) or "/").status_code == 200, loc
    # lastmod: the story's publication in Vietnam time; a list follows its newest story
    assert found[f"{base}/bai-viet/{public.slug}"] == "2024-05-02T10:00:00+07:00"
    assert found[f"{base}/"] == max(v for k, v in found.items() if "/bai-viet/" in k)
    assert found[f"{base}/linh-vuc/y-te"] is not None


def test_the_register_changes_with_its_newest_decision(app, client, ctx, make_commendation):
    from datetime import date

    make_commendation(decision_date=date(2023, 5, 19))
    make_commendation(decision_date=date(2022, 1, 5), revoked_on=date(2024, 2, 1), revoked_decision_no="9/QĐ")
    assert urls_of(client)[f"{app.config['SITE_URL']}/khen-thuong"] == "2024-02-01"
    assert urls_of(client)[f"{app.config['SITE_URL']}/thong-ke"].startswith("2024-02-01")  # it counts them


def test_a_revision_moves_the_story_lastmod(app, client, ctx, make_story):
    story = make_story()
    story.revised_at = story.published_at + timedelta(days=3, hours=2)
    db.session.commit()
    found = urls_of(client)
    assert found[f"{app.config['SITE_URL']}/bai-viet/{story.slug}"] == "2024-05-05T12:00:00+07:00"


def test_past_the_limit_the_sitemap_becomes_an_index(app, client, ctx, make_story, monkeypatch):
    monkeypatch.setattr(sitemap, "SITEMAP_LIMIT", 5)
    made = [make_story(title=f"Bài {n}") for n in range(6)]
    base = app.config["SITE_URL"]
    response = client.get("/sitemap.xml")
    document = validated(response.get_data(), "siteindex.xsd")
    assert document.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}sitemapindex"
    parts = [s.findtext("s:loc", namespaces=NS) for s in document]
    assert len(parts) >= 3 and parts[0] == f"{base}/sitemap-1.xml"
    everything: dict[str, str | None] = {}
    for number, loc in enumerate(parts, start=1):
        assert loc == f"{base}/sitemap-{number}.xml"
        part = urls_of(client, loc.removeprefix(base))
        assert 1 <= len(part) <= 5
        everything |= part
    for story in made:
        assert f"{base}/bai-viet/{story.slug}" in everything
    assert client.get(f"/sitemap-{len(parts) + 1}.xml").status_code == 404
    assert client.get("/sitemap-0.xml").status_code == 404
    monkeypatch.setattr(sitemap, "SITEMAP_LIMIT", 50_000)
    assert client.get("/sitemap-1.xml").status_code == 404  # one sitemap holds everything: no parts
    assert urls_of(client)


def test_another_part_of_the_site_adds_its_pages(app, client, ctx, monkeypatch):
    monkeypatch.setattr(sitemap, "SOURCES", list(sitemap.SOURCES))
    base = app.config["SITE_URL"]

    @sitemap.source
    def statistics():
        yield f"{base}/thong-ke", None

    assert f"{base}/thong-ke" in urls_of(client)


def test_sitemap_answers_304_to_its_etag(client, ctx, make_story):
    make_story()
    etag = client.get("/sitemap.xml").headers["ETag"]
    assert client.get("/sitemap.xml", headers={"If-None-Match": etag}).status_code == 304
    make_story(title="Bài mới")
    assert client.get("/sitemap.xml", headers={"If-None-Match": etag}).status_code == 200


def test_robots_txt_names_the_sitemap_and_keeps_private_pages_out(app, client):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    lines = response.get_data(as_text=True).splitlines()
    assert lines[0] == "User-agent: *"
    for path in ("/admin", "/xem-truoc", "/tim-kiem"):
        assert f"Disallow: {path}" in lines
    assert f"Sitemap: {app.config['SITE_URL']}/sitemap.xml" in lines
    assert "Disallow: /" not in lines  # the public pages stay open


def test_favicon_and_web_manifest(client):
    with client.get("/favicon.ico") as icon:
        assert icon.status_code == 200 and icon.data[:4] == b"\x00\x00\x01\x00"  # an ICO
    response = client.get("/site.webmanifest")
    assert response.status_code == 200 and response.mimetype == "application/manifest+json"
    manifest = json.loads(response.get_data())
    assert manifest["name"] == "Gương sáng Hải Phòng" and manifest["short_name"] == "Gương sáng"
    assert manifest["lang"] == "vi" and manifest["theme_color"] == "#9b1b1f"
    sizes = {i["sizes"] for i in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon_ in manifest["icons"]:
        with client.get(icon_["src"]) as response:
            assert response.status_code == 200, icon_["src"]
            assert response.mimetype == icon_["type"], icon_["src"]
