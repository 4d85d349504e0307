"""What a shared link and a search engine see: canonical URLs built from SITE_URL, Open Graph and
Twitter-card tags with the cover's 1200-px rendition, one JSON-LD graph per page (read back with
extruct, as a search engine would), share links that need no third-party script."""

from __future__ import annotations

import io
import json
import re
from datetime import date, datetime, timedelta
from html import unescape
from urllib.parse import quote

import extruct
import pytest
from PIL import Image

from showcase.extensions import db
from showcase.models import ExemplarKind, StoryStatus, utcnow
from showcase.services import preview
from showcase.services.media import add_image
from showcase.site import structured
from tests.support import image_bytes

SITE = "https://guongsang.example.vn"


@pytest.fixture
def site_url(app):
    """Pages rendered for SITE_URL = https://guongsang.example.vn (the test app's own is local)."""
    before = app.config["SITE_URL"]
    app.config["SITE_URL"] = SITE
    yield SITE
    app.config["SITE_URL"] = before


def nodes(html: str, url: str) -> list[dict]:
    """Every JSON-LD node of a page, read by extruct, the @graph flattened."""
    found = extruct.extract(html, base_url=url, syntaxes=["json-ld"])["json-ld"]
    out: list[dict] = []
    for item in found:
        out.extend(item.get("@graph", [item]))
    return out


def of_type(graph: list[dict], kind: str) -> list[dict]:
    return [n for n in graph if n.get("@type") == kind]


def meta(html: str, key: str) -> list[str]:
    """The content of every <meta property|name=key>."""
    pattern = rf'<meta (?:property|name)="{re.escape(key)}" content="([^"]*)">'
    return [unescape(v) for v in re.findall(pattern, html)]


def canonical(html: str) -> str:
    match = re.search(r'<link rel="canonical" href="([^"]+)">', html)
    assert match, "no canonical link"
    return unescape(match.group(1))


def get(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def check_breadcrumbs(graph: list[dict], page_url: str, labels: list[str]) -> None:
    (trail,) = of_type(graph, "BreadcrumbList")
    items = trail["itemListElement"]
    assert [i["position"] for i in items] == list(range(1, len(items) + 1))
    assert [i["name"] for i in items] == ["Trang chủ", *labels]
    assert items[0]["item"] == SITE + "/"
    assert items[-1]["item"] == page_url
    assert all(i["item"].startswith(SITE + "/") for i in items)


@pytest.fixture
def cover(ctx):
    asset = add_image(image_bytes(1600, 900), "bia.jpg")
    asset.alt_text = "Ông Thử trao quà cho học sinh"
    asset.caption = "Buổi trao quà ở phường Đồ Sơn"
    asset.credit = "Ảnh: Báo Hải Phòng"
    asset.licence = "CC BY 4.0"
    db.session.commit()
    return asset


@pytest.fixture
def story_with_awards(make_story, make_exemplar, make_commendation, cover):
    person = make_exemplar(name="Nguyễn Văn An", role="Công nhân", organisation="Cảng Hải Phòng")
    group = make_exemplar(name="Tổ dân phố số 5", kind=ExemplarKind.COLLECTIVE)
    make_commendation(exemplar=person, decision_no="101/QĐ-UBND", form="Bằng khen")
    make_commendation(
        exemplar=person,
        decision_no="202/QĐ-UBND",
        form="Giấy khen",
        revoked_decision_no="303/QĐ-UBND",
        revoked_on=date(2024, 1, 2),
        revoked_reason="Hồ sơ không đúng.",
    )
    make_commendation(exemplar=group, decision_no="404/QĐ-UBND", form="Cờ thi đua")
    story = make_story(
        title="Người thợ cảng “nhặt được của rơi”",
        summary="Anh An trả lại chiếc ví cho người đánh rơi.",
        cover=cover,
        exemplars=[person, group],
        revised_at=datetime(2024, 6, 1, 2, 0),
    )
    return story


def test_story_has_open_graph_and_twitter_tags_with_the_1200_px_cover(
    client, site_url, story_with_awards, cover
):
    story = story_with_awards
    html = get(client, f"/bai-viet/{story.slug}")
    url = f"{SITE}/bai-viet/{story.slug}"
    assert canonical(html) == url
    assert meta(html, "og:url") == [url]
    assert meta(html, "og:type") == ["article"]
    assert meta(html, "og:title") == [story.title]
    assert meta(html, "og:description") == [story.summary]
    assert meta(html, "og:site_name") == ["Gương sáng Hải Phòng"]
    assert meta(html, "og:locale") == ["vi_VN"]
    (rendition,) = [r for r in cover.renditions if r["width"] == 1200]
    assert meta(html, "og:image") == [f"{SITE}/media/{rendition['jpeg']}"]
    assert meta(html, "og:image:secure_url") == meta(html, "og:image")
    assert meta(html, "og:image:width") == ["1200"] and meta(html, "og:image:height") == ["675"]
    assert meta(html, "og:image:type") == ["image/jpeg"]
    assert meta(html, "og:image:alt") == ["Ông Thử trao quà cho học sinh"]
    assert meta(html, "article:published_time") == ["2024-05-02T10:00:00+07:00"]  # 03:00 UTC
    assert meta(html, "article:modified_time") == ["2024-06-01T09:00:00+07:00"]
    assert meta(html, "article:section") == ["Y tế"]
    assert meta(html, "article:tag") == ["Cả nước chung sức xây dựng nông thôn mới"]
    assert meta(html, "twitter:card") == ["summary_large_image"]
    assert meta(html, "twitter:image") == meta(html, "og:image")
    # the rendition is really served at that address, 1200 px wide
    with client.get(f"/media/{rendition['jpeg']}") as response:
        assert response.status_code == 200
        assert Image.open(io.BytesIO(response.data)).size == (1200, 675)


def test_story_json_ld_is_a_news_article_about_its_exemplars(client, site_url, story_with_awards, cover):
    story = story_with_awards
    url = f"{SITE}/bai-viet/{story.slug}"
    html = get(client, f"/bai-viet/{story.slug}")
    assert html.count('type="application/ld+json"') == 1
    graph = nodes(html, url)
    (article,) = of_type(graph, "NewsArticle")
    assert article["headline"] == story.title
    assert article["description"] == story.summary
    assert article["datePublished"] == "2024-05-02T10:00:00+07:00"
    assert article["dateModified"] == "2024-06-01T09:00:00+07:00"
    assert article["author"] == [{"@type": "Organization", "name": "Báo Hải Phòng"}]
    assert article["mainEntityOfPage"]["@id"] == url
    publisher = article["publisher"]
    assert publisher["name"] == "Ban Thi đua – Khen thưởng"
    assert publisher["logo"]["@type"] == "ImageObject" and publisher["logo"]["url"].startswith(
        SITE + "/static/"
    )
    assert publisher["logo"]["width"] == 512
    (image,) = article["image"]
    assert image["@type"] == "ImageObject"
    assert image["contentUrl"] == meta(html, "og:image")[0]
    assert image["caption"] == "Buổi trao quà ở phường Đồ Sơn"
    assert image["creditText"] == "Ảnh: Báo Hải Phòng"
    assert image["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert image["acquireLicensePage"] == f"{SITE}/bao-chi"
    assert article["articleSection"] == "Y tế"
    about = {e["name"]: e for e in article["about"]}
    assert about["Nguyễn Văn An"]["@type"] == "Person"
    assert about["Tổ dân phố số 5"]["@type"] == "Organization"
    assert about["Nguyễn Văn An"]["url"] == f"{SITE}/dien-hinh/{story.exemplars[0].slug}"
    awards = about["Nguyễn Văn An"]["award"]
    assert len(awards) == 1 and "101/QĐ-UBND" in awards[0] and "Bằng khen" in awards[0]
    assert not any("202/QĐ-UBND" in a for e in article["about"] for a in e.get("award", []))  # revoked
    check_breadcrumbs(graph, url, ["Bài viết", story.title])


def test_a_story_without_cover_shows_the_default_card(client, site_url, make_story):
    story = make_story()
    html = get(client, f"/bai-viet/{story.slug}")
    (image,) = meta(html, "og:image")
    assert image.startswith(SITE + "/static/img/share-default") and image.endswith(".png")
    assert meta(html, "og:image:width") == ["1200"] and meta(html, "og:image:height") == ["630"]
    assert meta(html, "og:image:type") == ["image/png"]
    assert meta(html, "og:image:alt")[0].startswith("Gương sáng Hải Phòng")
    with client.get(image.removeprefix(SITE)) as response:
        assert response.status_code == 200
        assert Image.open(io.BytesIO(response.data)).size == (1200, 630)
    (article,) = of_type(nodes(html, SITE), "NewsArticle")
    assert "image" not in article  # no made-up photo in the article's data


def test_json_ld_cannot_end_its_script_element(client, site_url, make_story):
    title = "Bài </script><script>alert(1)</script> & <!-- thử"
    story = make_story(title=title)
    html = get(client, f"/bai-viet/{story.slug}")
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    assert "<" not in block and ">" not in block
    (article,) = of_type(nodes(html, SITE), "NewsArticle")
    assert article["headline"] == title
    assert "<script>alert(1)" not in html


def test_exemplar_page_is_a_profile_with_its_awards_in_force(client, site_url, story_with_awards):
    person, group = story_with_awards.exemplars
    url = f"{SITE}/dien-hinh/{person.slug}"
    html = get(client, f"/dien-hinh/{person.slug}")
    assert canonical(html) == url
    graph = nodes(html, url)
    (page,) = of_type(graph, "ProfilePage")
    entity = page["mainEntity"]
    assert entity["@type"] == "Person" and entity["name"] == "Nguyễn Văn An"
    assert entity["jobTitle"] == "Công nhân" and entity["worksFor"]["name"] == "Cảng Hải Phòng"
    assert len(entity["award"]) == 1 and "101/QĐ-UBND" in entity["award"][0]
    assert "202/QĐ-UBND" not in json.dumps(entity, ensure_ascii=False)
    check_breadcrumbs(graph, url, ["Điển hình", "Nguyễn Văn An"])
    assert meta(html, "og:url") == [url] and meta(html, "og:type") == ["profile"]

    html = get(client, f"/dien-hinh/{group.slug}")
    (page,) = of_type(nodes(html, SITE), "ProfilePage")
    assert page["mainEntity"]["@type"] == "Organization"
    assert page["mainEntity"]["award"] == [structured.award_text(group.commendations[0])]


def test_an_exemplar_whose_every_award_is_revoked_has_none(client, site_url, make_story, make_commendation):
    story = make_story()
    make_commendation(
        exemplar=story.exemplars[0], revoked_decision_no="9/QĐ-UBND", revoked_on=date(2024, 2, 1)
    )
    html = get(client, f"/dien-hinh/{story.exemplars[0].slug}")
    (page,) = of_type(nodes(html, SITE), "ProfilePage")
    assert "award" not in page["mainEntity"]
    (article,) = of_type(nodes(get(client, f"/bai-viet/{story.slug}"), SITE), "NewsArticle")
    assert all("award" not in e for e in article["about"])


def test_home_describes_the_site_and_its_search(client, site_url, make_story):
    make_story()
    html = get(client, "/")
    assert canonical(html) == SITE + "/"
    assert meta(html, "og:title") == ["Gương sáng Hải Phòng"] and meta(html, "og:type") == ["website"]
    graph = nodes(html, SITE)
    (site,) = of_type(graph, "WebSite")
    assert site["url"] == SITE + "/" and site["name"] == "Gương sáng Hải Phòng"
    action = site["potentialAction"]
    assert action["@type"] == "SearchAction"
    assert action["target"]["urlTemplate"] == SITE + "/tim-kiem?q={search_term_string}"
    assert action["query-input"] == "required name=search_term_string"
    (board,) = of_type(graph, "GovernmentOrganization")
    assert board["logo"]["url"].startswith(SITE + "/static/img/logo-512")
    with client.get(board["logo"]["url"].removeprefix(SITE)) as response:
        assert Image.open(io.BytesIO(response.data)).size == (512, 512)
    (trail,) = of_type(graph, "BreadcrumbList")
    assert [i["item"] for i in trail["itemListElement"]] == [SITE + "/"]


def test_list_and_section_pages_are_collections_with_breadcrumbs(client, site_url, make_story):
    story = make_story()
    draft = make_story(status=StoryStatus.DRAFT, published_at=None)
    story_url = f"{SITE}/bai-viet/{story.slug}"
    pages = {
        "/bai-viet": ("CollectionPage", ["Bài viết"], True),
        "/phong-trao/nong-thon-moi": (
            "CollectionPage",
            ["Phong trào", "Cả nước chung sức xây dựng nông thôn mới"],
            True,
        ),
        "/linh-vuc/y-te": ("CollectionPage", ["Lĩnh vực", "Y tế"], True),
        "/dia-phuong/phuong-do-son": (
            "CollectionPage",
            ["Địa phương", "Thành phố Hải Phòng", "Phường Đồ Sơn"],
            True,
        ),
        "/dien-hinh": ("CollectionPage", ["Điển hình"], False),
        "/phong-trao": ("CollectionPage", ["Phong trào"], False),
        "/linh-vuc": ("CollectionPage", ["Lĩnh vực"], False),
        "/dia-phuong": ("CollectionPage", ["Địa phương"], False),
        "/khen-thuong": ("CollectionPage", ["Khen thưởng"], False),
        "/bao-chi": ("CollectionPage", ["Báo chí"], True),
        "/tim-kiem?q=b%C3%A0i": ("SearchResultsPage", ["Tìm kiếm"], False),
    }
    for path, (kind, labels, lists_stories) in pages.items():
        html = get(client, path)
        url = canonical(html) if kind != "SearchResultsPage" else SITE + "/tim-kiem"
        assert url.startswith(SITE + "/"), path
        graph = nodes(html, url)
        (page,) = of_type(graph, kind)
        assert page["name"] and page["inLanguage"] == "vi-VN", path
        assert page["isPartOf"]["@type"] == "WebSite", path
        check_breadcrumbs(graph, url, labels)
        assert meta(html, "og:url") == [url], path
        assert meta(html, "og:image")[0].startswith(SITE + "/static/img/share-default"), path
        if lists_stories:
            urls = [i["url"] for i in page["mainEntity"]["itemListElement"]]
            assert urls == [story_url], path
        assert draft.slug not in html, path


def test_canonical_keeps_only_the_arguments_that_change_a_list(client, site_url, make_story):
    make_story()
    html = get(client, "/bai-viet?utm_source=zalo&nam=2024&trang=1&linh-vuc=y-te")
    assert canonical(html) == f"{SITE}/bai-viet?nam=2024&linh-vuc=y-te"
    html = get(client, "/phong-trao/nong-thon-moi?phong-trao=nong-thon-moi&fbclid=x")
    assert canonical(html) == f"{SITE}/phong-trao/nong-thon-moi"
    html = get(client, "/khen-thuong?cap=city&nam=2023")
    assert canonical(html) == f"{SITE}/khen-thuong?nam=2023&cap=city"


def test_story_and_exemplar_pages_share_without_third_party_script(client, site_url, make_story):
    story = make_story()
    for path in (f"/bai-viet/{story.slug}", f"/dien-hinh/{story.exemplars[0].slug}"):
        html = get(client, path)
        url = SITE + path
        encoded = quote(url, safe="")
        facebook = f"https://www.facebook.com/sharer/sharer.php?u={encoded}"
        zalo = f"https://sp.zalo.me/share_to_zalo?url={encoded}"
        assert f'href="{facebook}"' in html and f'href="{zalo}"' in html
        for link in re.findall(r'<a class="share-link[^"]*" href="[^"]+"[^>]*>.*?</a>', html):
            assert 'target="_blank"' in link and 'rel="noopener noreferrer"' in link
            text = re.sub(r"<[^>]+>", "", link)
            assert text.startswith(("fChia sẻ lên Facebook", "ZChia sẻ lên Zalo"))
        # without script: the address in a read-only box; the copy button comes with share.js
        assert re.search(rf'<input id="share-url" type="url" value="{re.escape(url)}" readonly>', html)
        assert '<button type="button" class="share-copy-button" hidden>Sao chép liên kết</button>' in html
        scripts = re.findall(r"<script[^>]*\bsrc=\"([^\"]+)\"", html)
        assert scripts and all(src.startswith("/static/") for src in scripts)
        assert any("/static/js/share." in src for src in scripts)


def test_a_preview_is_not_shared(client, site_url, make_story):
    draft = make_story(status=StoryStatus.DRAFT, published_at=None)
    html = get(client, f"/xem-truoc/{preview.make_token(draft)}")
    assert "share-link" not in html and "sp.zalo.me" not in html
    assert '<link rel="canonical"' not in html and 'content="noindex, nofollow"' in html


def test_print_stylesheet_hides_navigation_and_prints_addresses(client, site_url, make_story):
    story = make_story()
    html = get(client, f"/bai-viet/{story.slug}")
    assert f'data-print-url="{SITE}/bai-viet/{story.slug}"' in html
    href = re.search(r'<link rel="stylesheet" href="([^"]+)">', html).group(1)
    with client.get(href) as response:
        css = response.get_data(as_text=True)
    printed = css[css.index("@media print") :]
    for hidden in (".main-nav", ".header-search", ".share", ".site-footer", ".breadcrumbs"):
        assert hidden in printed.split("display: none")[0]
    assert 'content: " (" attr(href) ")"' in printed and "attr(data-print-href)" in printed


@pytest.mark.parametrize(
    ("licence", "url"),
    [
        ("CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/"),
        ("Giấy phép CC BY-SA 4.0", "https://creativecommons.org/licenses/by-sa/4.0/"),
        ("cc-by-nc-nd-4.0", "https://creativecommons.org/licenses/by-nc-nd/4.0/"),
        ("CC0", "https://creativecommons.org/publicdomain/zero/1.0/"),
        ("https://example.vn/giay-phep", "https://example.vn/giay-phep"),
        ("Dữ liệu mẫu: được dùng tự do, ghi rõ nguồn", None),
    ],
)
def test_licence_urls(licence, url):
    assert structured.licence_url(licence) == url


def test_an_old_image_without_a_1200_rendition_shares_the_nearest(ctx, app, cover):
    from showcase.site import sharing

    cover.renditions = [r for r in cover.renditions if r["width"] != 1200]
    with app.test_request_context():
        image = sharing.image_of(cover)
    assert image is not None and image.width == 1024  # 176 px from 1200, against 400 for 1600


def test_unpublished_stories_give_nothing_away(client, site_url, make_story):
    make_story(status=StoryStatus.DRAFT, published_at=None, slug="nhap")
    make_story(status=StoryStatus.IN_REVIEW, publish_at=utcnow() + timedelta(days=1), slug="cam-dang")
    assert client.get("/bai-viet/nhap").status_code == 404
    assert client.get("/bai-viet/cam-dang").status_code == 404
    html = get(client, "/bai-viet")
    assert "nhap" not in html and "cam-dang" not in html


def test_an_image_exactly_1200_px_wide_is_shared_as_stored(client, site_url, make_story, ctx):
    asset = add_image(image_bytes(1200, 630), "the.jpg")
    db.session.commit()
    assert [r["width"] for r in asset.renditions] == [320, 640, 1024]  # no rendition as wide as it
    story = make_story(cover=asset)
    html = get(client, f"/bai-viet/{story.slug}")
    assert meta(html, "og:image") == [f"{SITE}/media/{asset.file}"]
    assert meta(html, "og:image:width") == ["1200"] and meta(html, "og:image:height") == ["630"]
    with client.get(f"/media/{asset.file}") as response:
        assert Image.open(io.BytesIO(response.data)).size == (1200, 630)
