"""The JSON API at /api/v1: content and filters of every endpoint, only public content, absolute
URLs, times with their zone, ETag/304, CORS, JSON errors in Vietnamese, per-address limits."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime, timedelta

import pytest

from showcase.api.ratelimit import ApiLimits
from showcase.extensions import db
from showcase.models import (
    CommendationLevel,
    ExemplarKind,
    Field,
    Locality,
    LocalityKind,
    MediaAsset,
    Movement,
    StoryStatus,
    utcnow,
)

OFFSET = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00$")


@pytest.fixture(autouse=True)
def generous_limits(app, monkeypatch):
    """The shared app answers every test here; the limit has its own test."""
    monkeypatch.setitem(app.config, "API_RATE_LIMITS", "100000 per minute")


@pytest.fixture
def world(make_story, make_exemplar, make_commendation, make_world):
    """Public stories in two places (one in a unit merged away), and stories nobody may see."""
    base = make_world()
    second_field = Field(slug="giao-duc", name="Giáo dục", description="Trường lớp")
    second_movement = Movement(slug="hoc-tap-bac", name="Học tập và làm theo Bác", start_year=2016)
    other_place = Locality(slug="xa-an-lao", name="An Lão", kind=LocalityKind.COMMUNE, parent=base["city"])
    db.session.add_all([second_field, second_movement, other_place])
    db.session.commit()
    cover = MediaAsset(
        file="ab/" + "1" * 64 + ".jpg",
        sha256="1" * 64,
        content_type="image/jpeg",
        width=1600,
        height=900,
        alt_text="Bà Lan trao quà",
        caption="Trao quà",
        credit="Ảnh: Báo Hải Phòng",
        licence="CC BY 4.0",
        renditions=[
            {
                "width": 1200,
                "height": 675,
                "jpeg": "cd/" + "3" * 64 + ".jpg",
                "webp": "cd/" + "4" * 64 + ".webp",
            },
            {
                "width": 320,
                "height": 180,
                "jpeg": "ab/" + "2" * 64 + ".jpg",
                "webp": "ab/" + "5" * 64 + ".webp",
            },
        ],
    )
    db.session.add(cover)
    db.session.commit()
    person = make_exemplar(name="Nguyễn Thị Lan", slug="nguyen-thi-lan")
    unit = make_exemplar(name="Hợp tác xã Đồ Sơn", slug="htx-do-son", kind=ExemplarKind.COLLECTIVE)
    award = make_commendation(
        exemplar=person,
        form="Bằng khen của Chủ tịch UBND thành phố",
        decision_no="1245/QĐ-UBND",
        decision_date=date(2023, 5, 19),
        movement=base["movement"],
    )
    revoked = make_commendation(
        exemplar=unit,
        form="Cờ thi đua của UBND thành phố",
        level=CommendationLevel.CITY,
        decision_no="88/QĐ-UBND",
        decision_date=date(2021, 3, 2),
        revoked_decision_no="99/QĐ-UBND",
        revoked_on=date(2022, 1, 5),
        revoked_reason="Kê khai thành tích không đúng.",
    )
    national = make_commendation(
        exemplar=person,
        form="Huân chương Lao động hạng Ba",
        level=CommendationLevel.STATE,
        issuer="Chủ tịch nước",
        decision_no="1604/QĐ-CTN",
        decision_date=date(2024, 9, 1),
    )
    lan = make_story(
        slug="ba-lan",
        title="Bà Lan và những phần quà nông thôn mới",
        body_md="Bà **Lan** góp đất làm đường.\n\n## Con đường mới\n\nCả xóm cùng làm.",
        exemplars=[person],
        published_at=datetime(2024, 5, 10, 1, 30),
        cover=cover,
    )
    htx = make_story(
        slug="htx-do-son",
        title="Hợp tác xã ở Đồ Sơn cũ",
        exemplars=[unit],
        locality=base["old"],
        field=second_field,
        movements=[second_movement],
        published_at=datetime(2023, 12, 31, 18, 0),  # 1 January 2024 in Vietnam
    )
    far = make_story(
        slug="an-lao", title="Chuyện ở An Lão", locality=other_place, published_at=datetime(2022, 6, 1)
    )
    hidden = {
        "draft": make_story(slug="ban-nhap", title="Bản nháp bí mật", status=StoryStatus.DRAFT),
        "embargoed": make_story(
            slug="cam-dang",
            title="Bài cấm đăng bí mật",
            status=StoryStatus.IN_REVIEW,
            publish_at=utcnow() + timedelta(days=2),
        ),
        "scheduled": make_story(
            slug="hen-gio", title="Bài hẹn giờ bí mật", published_at=utcnow() + timedelta(days=3)
        ),
        "retracted": make_story(
            slug="da-thu-hoi",
            title="Bài đã thu hồi bí mật",
            status=StoryStatus.RETRACTED,
            published_at=datetime(2024, 1, 2),
            retracted_at=datetime(2024, 2, 3, 4, 0),
            retraction_reason="Sai thông tin về nhân vật.",
        ),
    }
    hidden_exemplar = hidden["draft"].exemplars[0]
    return {
        **base,
        "lan": lan,
        "htx": htx,
        "far": far,
        "person": person,
        "unit": unit,
        "award": award,
        "revoked": revoked,
        "national": national,
        "hidden": hidden,
        "hidden_exemplar": hidden_exemplar,
        "second_field": second_field,
        "second_movement": second_movement,
        "other_place": other_place,
    }


def get_json(client, url, status=200, **kwargs):
    response = client.get(url, **kwargs)
    assert response.status_code == status, (url, response.status_code, response.get_data(as_text=True)[:500])
    assert response.mimetype == "application/json"
    return response.get_json()


def slugs(body) -> list[str]:
    return [item["slug"] for item in body["data"]]


# --- stories ---------------------------------------------------------------------------------


def test_story_list_is_published_only_newest_first(client, world, app):
    body = get_json(client, "/api/v1/stories")
    assert slugs(body) == ["ba-lan", "htx-do-son", "an-lao"]
    assert body["meta"] == {"page": 1, "per_page": 20, "total": 3, "pages": 1}
    site = app.config["SITE_URL"]
    first = body["data"][0]
    assert first["url"] == f"{site}/bai-viet/ba-lan"
    assert first["api_url"] == f"{site}/api/v1/stories/ba-lan"
    assert first["published_at"] == "2024-05-10T08:30:00+07:00"
    assert first["updated_at"] == first["published_at"]
    assert first["exemplars"] == [
        {
            "url": f"{site}/dien-hinh/nguyen-thi-lan",
            "api_url": f"{site}/api/v1/exemplars/nguyen-thi-lan",
            "slug": "nguyen-thi-lan",
            "name": "Nguyễn Thị Lan",
            "kind": "individual",
        }
    ]
    assert first["movements"][0]["slug"] == "nong-thon-moi"
    assert first["field"]["api_url"] == f"{site}/api/v1/stories?field=y-te"
    assert "body_html" not in first and "body_markdown" not in first
    assert first["cover"]["renditions"][0]["width"] == 320  # smallest first
    assert first["cover"]["url"] == f"{site}/media/cd/{'3' * 64}.jpg"  # the largest JPEG
    text = str(body)
    for story in world["hidden"].values():
        assert story.slug not in text and story.title not in text


STORY_FILTERS = [
    ("movement=nong-thon-moi", ["ba-lan", "an-lao"]),
    ("movement=hoc-tap-bac", ["htx-do-son"]),
    ("field=giao-duc", ["htx-do-son"]),
    ("field=y-te", ["ba-lan", "an-lao"]),
    # the new ward includes the district it replaced
    ("locality=phuong-do-son", ["ba-lan", "htx-do-son"]),
    ("locality=quan-do-son", ["htx-do-son"]),
    ("locality=hai-phong", ["ba-lan", "htx-do-son", "an-lao"]),
    ("locality=xa-an-lao", ["an-lao"]),
    ("year=2024", ["ba-lan", "htx-do-son"]),  # 31/12/2023 18:00 UTC is 2024 in Vietnam
    ("year=2023", []),
    ("year=2022", ["an-lao"]),
    ("kind=collective", ["htx-do-son"]),
    ("kind=individual", ["ba-lan", "an-lao"]),
    ("form=Bằng khen của Chủ tịch UBND thành phố", ["ba-lan"]),
    ("form=Huân chương Lao động hạng Ba", ["ba-lan"]),
    ("form=Cờ thi đua của UBND thành phố", ["htx-do-son"]),
    ("exemplar=htx-do-son", ["htx-do-son"]),
    ("movement=nong-thon-moi&year=2024&kind=individual", ["ba-lan"]),
    ("movement=&field=", ["ba-lan", "htx-do-son", "an-lao"]),  # empty values are no filter
]


def test_story_filters(client, world):
    for query, expected in STORY_FILTERS:
        assert slugs(get_json(client, f"/api/v1/stories?{query}")) == expected, query


def test_story_pagination_links_are_absolute(client, world, app):
    site = app.config["SITE_URL"]
    body = get_json(client, "/api/v1/stories?per_page=1&page=2&field=y-te&unknown=x")
    assert slugs(body) == ["an-lao"]
    assert body["meta"] == {"page": 2, "per_page": 1, "total": 2, "pages": 2}
    links = body["links"]
    assert links["self"] == f"{site}/api/v1/stories?per_page=1&field=y-te&page=2"
    assert links["first"] == f"{site}/api/v1/stories?per_page=1&field=y-te&page=1"
    assert links["prev"] == links["first"] and links["last"] == links["self"] and links["next"] is None
    response = client.get("/api/v1/stories?per_page=1")
    assert 'rel="next"' in response.headers["Link"] and "page=2" in response.headers["Link"]


BAD_STORY_PARAMETERS = [
    ("page=0", "Số trang “0”"),
    ("page=-1", "Số trang “-1”"),
    ("page=abc", "Số trang “abc”"),
    ("page=1e3", "Số trang “1e3”"),
    ("page=99999999999999999999", "Số trang"),
    ("page=２", "Số trang"),
    ("per_page=0", "Số mục mỗi trang"),
    ("per_page=101", "Số mục mỗi trang"),
    ("year=1899", "Năm “1899”"),
    ("year=99999999999999999999", "Năm"),
    ("kind=robot", "Loại điển hình “robot” không có"),
    ("movement=khong-co", "Không có phong trào “khong-co”"),
    ("field=khong-co", "Không có lĩnh vực “khong-co”"),
    ("locality=khong-co", "Không có địa phương “khong-co”"),
    ("exemplar=khong-co", "Không có điển hình “khong-co”"),
    ("movement=" + "a" * 500, "dài quá"),
]


def test_bad_story_parameters_are_400_in_vietnamese(client, world):
    for query, words in BAD_STORY_PARAMETERS:
        body = get_json(client, f"/api/v1/stories?{query}", status=400)
        assert body["error"]["code"] == "bad_request"
        assert words in body["error"]["message"], body


def test_a_page_past_the_end_is_a_json_404(client, world):
    body = get_json(client, "/api/v1/stories?page=5", status=404)
    assert body["error"]["code"] == "not_found" and "Không tìm thấy" in body["error"]["message"]
    assert get_json(client, "/api/v1/stories?movement=hoc-tap-bac&year=2020")["data"] == []


def test_story_detail(client, world, app):
    site = app.config["SITE_URL"]
    data = get_json(client, "/api/v1/stories/ba-lan")["data"]
    assert data["title"] == "Bà Lan và những phần quà nông thôn mới"
    assert data["body_markdown"].startswith("Bà **Lan** góp đất")
    assert "<strong>Lan</strong>" in data["body_html"] and "<h2" in data["body_html"]
    assert data["broadcast_summary"] == "Bản tin ngắn."
    assert data["byline"] == "Báo Hải Phòng"
    assert data["locality"]["full_name"] == "Phường Đồ Sơn"
    cover = data["cover"]
    assert cover["alt"] == "Bà Lan trao quà"
    assert cover["credit"] == "Ảnh: Báo Hải Phòng" and cover["licence"] == "CC BY 4.0"
    assert [r["width"] for r in cover["renditions"]] == [320, 1200]
    assert cover["renditions"][1]["webp"] == f"{site}/media/cd/{'4' * 64}.webp"
    assert OFFSET.match(data["published_at"]) and OFFSET.match(data["updated_at"])
    htx = get_json(client, "/api/v1/stories/htx-do-son")["data"]
    assert htx["published_at"] == "2024-01-01T01:00:00+07:00" and htx["cover"] is None
    assert htx["locality"]["current"] is False


def test_revised_story_shows_its_update_time(client, world):
    story = world["lan"]
    with client.application.app_context():
        db.session.execute(
            db.update(type(story))
            .where(type(story).id == story.id)
            .values(revised_at=datetime(2024, 6, 1, 2, 0))
        )
        db.session.commit()
    data = get_json(client, "/api/v1/stories/ba-lan")["data"]
    assert data["updated_at"] == "2024-06-01T09:00:00+07:00"


def test_unpublished_stories_are_404_everywhere(client, world):
    for key in ("draft", "embargoed", "scheduled"):
        check_hidden(client, world["hidden"][key])


def check_hidden(client, story):
    body = get_json(client, f"/api/v1/stories/{story.slug}", status=404)
    assert body["error"]["code"] == "not_found"
    assert story.title not in str(body)
    for q in (story.title, story.slug.replace("-", " ")):
        search = get_json(client, "/api/v1/search", query_string={"q": q, "per_page": 100})
        assert story.title not in str(search["data"]), q


def test_retracted_story_is_410_with_its_public_reason(client, world):
    body = get_json(client, "/api/v1/stories/da-thu-hoi", status=410)
    assert body["error"]["code"] == "gone"
    assert body["error"]["reason"] == "Sai thông tin về nhân vật."
    assert body["error"]["title"] == "Bài đã thu hồi bí mật"
    assert body["error"]["retracted_at"] == "2024-02-03T11:00:00+07:00"
    assert "body" not in str(body)


# --- exemplars and commendations -----------------------------------------------------------


def test_exemplar_list_and_detail(client, world, app):
    site = app.config["SITE_URL"]
    body = get_json(client, "/api/v1/exemplars")
    names = [e["name"] for e in body["data"]]
    assert "Nguyễn Thị Lan" in names and "Hợp tác xã Đồ Sơn" in names
    assert world["hidden_exemplar"].name not in names  # only in a draft: not public
    assert slugs(get_json(client, "/api/v1/exemplars?kind=collective")) == ["htx-do-son"]
    assert "htx-do-son" in slugs(get_json(client, "/api/v1/exemplars?locality=phuong-do-son"))
    data = get_json(client, "/api/v1/exemplars/nguyen-thi-lan")["data"]
    assert data["bio_markdown"] == "Tiểu sử **ngắn**." and "<strong>ngắn</strong>" in data["bio_html"]
    assert [c["decision_no"] for c in data["commendations"]] == ["1604/QĐ-CTN", "1245/QĐ-UBND"]
    assert data["commendations"][1]["decision_date"] == "2023-05-19"
    assert data["commendations"][1]["movement"]["slug"] == "nong-thon-moi"
    assert data["stories_url"] == f"{site}/api/v1/stories?exemplar=nguyen-thi-lan"
    assert slugs(get_json(client, data["stories_url"].removeprefix(site))) == ["ba-lan"]
    revoked = get_json(client, "/api/v1/exemplars/htx-do-son")["data"]["commendations"][0]
    assert revoked["revoked"] is True
    assert revoked["revocation"] == {
        "decision_no": "99/QĐ-UBND",
        "date": "2022-01-05",
        "reason": "Kê khai thành tích không đúng.",
    }
    get_json(client, f"/api/v1/exemplars/{world['hidden_exemplar'].slug}", status=404)
    get_json(client, "/api/v1/exemplars/khong-co", status=404)


COMMENDATION_FILTERS = [
    ("", ["1604/QĐ-CTN", "1245/QĐ-UBND", "88/QĐ-UBND"]),
    ("decision_no=1245/QĐ-UBND", ["1245/QĐ-UBND"]),
    ("decision_no=1245/qd-ubnd", ["1245/QĐ-UBND"]),
    ("decision_no=1245/QD-UBND", ["1245/QĐ-UBND"]),
    ("decision_no= 1245/qđ–ubnd ", ["1245/QĐ-UBND"]),  # en dash, spaces
    ("decision_no=1245", []),  # a number, not part of one
    ("decision_no=QĐ-UBND", []),
    ("year=2023", ["1245/QĐ-UBND"]),
    ("year=2024", ["1604/QĐ-CTN"]),
    ("form=Huân chương Lao động hạng Ba", ["1604/QĐ-CTN"]),
    ("level=state", ["1604/QĐ-CTN"]),
    ("level=city", ["1245/QĐ-UBND", "88/QĐ-UBND"]),
    ("locality=phuong-do-son", ["1604/QĐ-CTN", "1245/QĐ-UBND", "88/QĐ-UBND"]),
    ("locality=xa-an-lao", []),
    ("movement=nong-thon-moi", ["1245/QĐ-UBND"]),
    ("revoked=true", ["88/QĐ-UBND"]),
    ("revoked=false", ["1604/QĐ-CTN", "1245/QĐ-UBND"]),
    ("revoked=false&level=city", ["1245/QĐ-UBND"]),
]


def test_commendation_filters(client, world):
    for query, expected in COMMENDATION_FILTERS:
        body = get_json(client, f"/api/v1/commendations?{query}")
        assert [c["decision_no"] for c in body["data"]] == expected, query


def test_commendation_record(client, world, app):
    site = app.config["SITE_URL"]
    item = get_json(client, "/api/v1/commendations?decision_no=1245/qd-ubnd")["data"][0]
    assert item["form"] == "Bằng khen của Chủ tịch UBND thành phố"
    assert item["level"] == "city" and item["level_label"] == "Thành phố"
    assert item["issuer"] == "Chủ tịch UBND thành phố Hải Phòng"
    assert item["exemplar"]["url"] == f"{site}/dien-hinh/nguyen-thi-lan"
    assert item["locality"]["slug"] == "phuong-do-son"
    assert item["url"] == f"{site}/khen-thuong/{item['code']}"  # the page its QR code prints
    assert item["qr_url"] == f"{site}/khen-thuong/{item['code']}/qr.svg"
    assert item["revoked"] is False and item["revocation"] is None
    page = client.get(item["url"].removeprefix(site))
    assert page.status_code == 200 and "1245/QĐ-UBND" in page.get_data(as_text=True)


def test_commendation_of_an_exemplar_without_public_page_has_no_link(client, world, make_commendation):
    make_commendation(exemplar=world["hidden_exemplar"], decision_no="7/QĐ-UBND")
    item = get_json(client, "/api/v1/commendations?decision_no=7/qd-ubnd")["data"][0]
    assert item["exemplar"]["url"] is None and item["exemplar"]["api_url"] is None


BAD_COMMENDATION_PARAMETERS = [
    ("revoked=yes", "true hoặc false"),
    ("level=king", "Cấp khen thưởng “king” không có"),
    ("year=20x4", "Năm"),
    ("locality=khong-co", "Không có địa phương"),
    ("movement=khong-co", "Không có phong trào"),
]


def test_bad_commendation_parameters_are_400(client, world):
    for query, words in BAD_COMMENDATION_PARAMETERS:
        body = get_json(client, f"/api/v1/commendations?{query}", status=400)
        assert words in body["error"]["message"], query


# --- taxonomies ------------------------------------------------------------------------------


def test_movements_fields_and_localities(client, world, app):
    site = app.config["SITE_URL"]
    movements = {m["slug"]: m for m in get_json(client, "/api/v1/movements")["data"]}
    assert movements["nong-thon-moi"]["story_count"] == 2
    assert movements["nong-thon-moi"]["launched_by"] == "Thủ tướng Chính phủ"
    assert movements["nong-thon-moi"]["end_year"] is None
    assert movements["hoc-tap-bac"]["story_count"] == 1
    assert movements["hoc-tap-bac"]["url"] == f"{site}/phong-trao/hoc-tap-bac"
    fields = {f["slug"]: f for f in get_json(client, "/api/v1/fields")["data"]}
    assert fields["y-te"]["story_count"] == 2 and fields["giao-duc"]["story_count"] == 1
    units = {u["slug"]: u for u in get_json(client, "/api/v1/localities")["data"]}
    ward, old = units["phuong-do-son"], units["quan-do-son"]
    assert [u["slug"] for u in ward["replaced"]] == ["quan-do-son"] and ward["replaced_by"] is None
    assert old["replaced_by"]["slug"] == "phuong-do-son" and old["current"] is False
    assert ward["parent"]["slug"] == "hai-phong" and units["hai-phong"]["parent"] is None
    assert ward["api_url"] == f"{site}/api/v1/stories?locality=phuong-do-son"


# --- search ----------------------------------------------------------------------------------


def test_search_uses_the_sites_engine_and_order(client, world, app):
    body = get_json(client, "/api/v1/search", query_string={"q": "nong thon moi"})
    assert body["meta"]["q"] == "nong thon moi" and body["meta"]["total"] >= 1
    assert body["data"][0]["title"] == "Bà Lan và những phần quà nông thôn mới"
    site = app.config["SITE_URL"]
    assert body["data"][0]["api_url"] == f"{site}/api/v1/stories/ba-lan"
    for q in ("đồ sơn", "do son", "lan", "hop tac xa"):
        api = get_json(client, "/api/v1/search", query_string={"q": q})
        html = client.get("/tim-kiem", query_string={"q": q}).get_data(as_text=True)
        page_urls = re.findall(r'<h3 class="hit-title"><a href="([^"]+)"', html)
        assert [h["url"].removeprefix(site) for h in api["data"]] == page_urls, q
        assert api["meta"]["total"] == len(page_urls) or api["meta"]["total"] > len(page_urls)
    kinds = get_json(client, "/api/v1/search", query_string={"q": "đồ sơn", "type": "exemplar"})
    assert {h["type"] for h in kinds["data"]} == {"exemplar"}
    facets = get_json(client, "/api/v1/search", query_string={"q": "đồ sơn"})["facets"]
    assert {f["value"] for f in facets["type"]} >= {"story", "exemplar"}


def test_search_never_shows_what_is_not_public(client, world):
    for q in ("bí mật", "bi mat", "ban nhap", "cam dang", "hen gio", "thu hoi"):
        body = get_json(client, "/api/v1/search", query_string={"q": q})
        for hit in body["data"]:
            assert "bí mật" not in hit["title"], (q, hit)


def test_bad_search_parameters(client, world):
    assert "Cách sắp xếp" in get_json(client, "/api/v1/search?q=lan&sort=abc", status=400)["error"]["message"]
    get_json(client, "/api/v1/search?q=lan&page=101", status=400)
    get_json(client, "/api/v1/search?q=lan&page=50", status=404)
    assert get_json(client, "/api/v1/search")["data"] == []


# --- HTTP: caching, CORS, errors, limits ---------------------------------------------------


def test_etag_and_304(client, world):
    response = client.get("/api/v1/stories")
    etag = response.headers["ETag"]
    assert (
        etag.startswith('W/"') and response.headers["Cache-Control"] == "public, max-age=0, must-revalidate"
    )
    again = client.get("/api/v1/stories", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    assert again.headers["Access-Control-Allow-Origin"] == "*"
    other = client.get("/api/v1/stories?per_page=1", headers={"If-None-Match": etag})
    assert other.status_code == 200


def test_etag_changes_when_the_data_does(client, world, make_story):
    etag = client.get("/api/v1/stories").headers["ETag"]
    make_story(slug="moi-dang", title="Bài mới đăng")
    response = client.get("/api/v1/stories", headers={"If-None-Match": etag})
    assert response.status_code == 200 and "moi-dang" in slugs(response.get_json())


def test_cors_on_answers_and_preflight(client, world):
    response = client.get("/api/v1/movements", headers={"Origin": "https://baohaiphong.vn"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response.headers["Access-Control-Expose-Headers"]
    preflight = client.options(
        "/api/v1/stories",
        headers={
            "Origin": "https://baohaiphong.vn",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "If-None-Match",
        },
    )
    assert preflight.status_code in (200, 204)
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "GET" in preflight.headers["Access-Control-Allow-Methods"]
    assert "If-None-Match" in preflight.headers["Access-Control-Allow-Headers"]
    missing = client.get("/api/v1/khong-co", headers={"Origin": "https://baohaiphong.vn"})
    assert missing.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Origin" not in client.get("/bai-viet").headers


ERRORS = [
    ("get", "/api/v1/khong-co", 404, "not_found"),
    ("get", "/api/khong-co", 404, "not_found"),
    ("get", "/api/v1/stories/khong-co", 404, "not_found"),
    ("post", "/api/v1/stories", 405, "method_not_allowed"),
    ("delete", "/api/v1/stories/ba-lan", 405, "method_not_allowed"),
    ("get", "/api/v1/stories?movement=a%00b", 400, "bad_request"),
    ("get", "/api/v1/stories/a%00b", 400, "bad_request"),
]


def test_errors_are_json_in_vietnamese(client, world):
    for method, url, status, code in ERRORS:
        response = getattr(client, method)(url)
        assert response.status_code == status and response.mimetype == "application/json", url
        error = response.get_json()["error"]
        assert error["code"] == code
        assert re.search(r"[ạảấầẩậắằẳặẹẻẽếềểễệịọỏốồổỗộớờởỡợụủứừửữựỳỷỹđ]", error["message"]), error
        assert response.headers["Cache-Control"] == "no-store"


def test_site_and_admin_errors_stay_html(client, world):
    for url in ("/bai-viet/khong-co", "/khong-co", "/admin/khong-co", "/bai-viet?trang=abc"):
        response = client.get(url)
        assert response.status_code in (302, 400, 404) and response.mimetype == "text/html", url
    assert client.post("/bai-viet").mimetype == "text/html"


def test_rate_limit_is_a_json_429(app, client, world, monkeypatch):
    monkeypatch.setitem(app.config, "API_RATE_LIMITS", "3 per minute")
    address = {"REMOTE_ADDR": f"10.9.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"}
    for n in range(3):
        response = client.get("/api/v1/fields", environ_base=address)
        assert response.status_code == 200
        assert response.headers["X-RateLimit-Limit"] == "3"
        assert response.headers["X-RateLimit-Remaining"] == str(2 - n)
    response = client.get("/api/v1/fields", environ_base=address)
    assert response.status_code == 429 and response.mimetype == "application/json"
    assert response.get_json()["error"]["code"] == "too_many_requests"
    assert "quá nhiều yêu cầu" in response.get_json()["error"]["message"]
    assert 1 <= int(response.headers["Retry-After"]) <= 61
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    # another address is counted on its own; a preflight is never counted
    assert client.get("/api/v1/fields", environ_base={"REMOTE_ADDR": "10.8.8.8"}).status_code == 200
    assert client.options("/api/v1/fields", environ_base=address).status_code in (200, 204)


def test_limits_are_shared_through_redis(redis_url):
    prefix = f"test-{uuid.uuid4().hex[:8]}"
    first, second = ApiLimits(redis_url, prefix), ApiLimits(redis_url, prefix)  # two workers
    try:
        assert first.hit("2 per minute", "10.1.1.1").allowed
        assert second.hit("2 per minute", "10.1.1.1").allowed
        verdict = first.hit("2 per minute", "10.1.1.1")
        assert not verdict.allowed and verdict.retry_after >= 1
    finally:
        first.reset()


def test_unreachable_redis_counts_in_memory():
    limits = ApiLimits("redis://127.0.0.1:1", "test")
    assert limits.hit("1 per minute", "10.2.2.2").allowed
    assert not limits.hit("1 per minute", "10.2.2.2").allowed
    assert limits.dead_since is not None


# --- the docs page ---------------------------------------------------------------------------


def test_docs_page_is_readable_vietnamese_without_outside_scripts(client, world, app):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert '<html lang="vi">' in html and "Bắt đầu" in html and "Kiểu dữ liệu" in html
    for path in ("/api/v1/stories", "/api/v1/commendations", "/api/v1/search", "/api/v1/localities"):
        assert f"<code>{path}</code>" in html
    assert f"curl -s &#39;{app.config['SITE_URL']}/api/v1/stories/ba-lan&#39;" in html  # a real story
    assert "decision_no" in html and "Giới hạn: 100000 yêu cầu mỗi phút" in html
    external = re.findall(r'(?:src|href)="(https?://[^"]+)"', html)
    assert all(url.startswith(app.config["SITE_URL"]) for url in external), external
    assert "<script>" not in html and "style=" not in html


# --- cost --------------------------------------------------------------------------------------


def test_each_answer_costs_the_same_statements_with_5_and_50_items(app, client, monkeypatch):
    from showcase import web
    from tests.support import empty_database
    from tests.test_query_cost import populate, statement_counts

    monkeypatch.setattr(web, "PUBLISH_DUE_EVERY", float("inf"))
    by_size = {}
    for n in (5, 50):
        with app.app_context():
            empty_database()
            populate(n)
        urls = {
            "stories": "/api/v1/stories",
            "stories, filtered": "/api/v1/stories?locality=hai-phong&kind=individual"
            "&form=B%E1%BA%B1ng+khen+1",
            "story": f"/api/v1/stories/bai-viet-{n - 1}",
            "exemplars": "/api/v1/exemplars",
            "exemplar": "/api/v1/exemplars/dien-hinh-0",
            "commendations": "/api/v1/commendations?revoked=false",
            "commendation by number": "/api/v1/commendations?decision_no=1001/qd-ubnd",
            "movements": "/api/v1/movements",
            "fields": "/api/v1/fields",
            "localities": "/api/v1/localities",
            "search": "/api/v1/search?q=bai+viet",
        }
        by_size[n] = statement_counts(app, client, urls)
        assert len(client.get("/api/v1/localities").get_json()["data"]) == n + 2
    assert by_size[5] == by_size[50]
    assert all(warm <= 12 for _cold, warm in by_size[50].values()), by_size[50]
