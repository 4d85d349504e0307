"""Whatever a person puts in a public URL, the answer is a page or a Vietnamese 400/404, never a
500: odd page numbers and years, huge integers (an OverflowError on SQLite, "bigint out of
range" on PostgreSQL), unknown slugs, very long, decomposed (NFD) and non-Latin text."""

from __future__ import annotations

import unicodedata
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from showcase.models import StoryStatus, utcnow

HUGE = "99999999999999999999"  # > 2**64
PAGE_VALUES = [HUGE, "-" + HUGE, "-1", "0", "abc", "1e3", "+2", "0x10", "²", "１", "٣", "9" * 5000, "2.5"]
ODD_TEXT = [
    HUGE,
    "-1",
    "0",
    "²",
    "１２",
    "a" * 5000,
    "Đồ Sơn " * 300,
    unicodedata.normalize("NFD", "Đồ Sơn, Hải Phòng"),
    "\u0301\u0300",
    "😀🇻🇳",
    "ᄀᄁ 中文 العربية",
    "'; DROP TABLE story; --",
    "%",
    "_",
    "\\",
    "../..",
    "\ufeff",
    "\u202e",
    " ",
    "\t\n",
]
PARAMS = [
    "trang",
    "nam",
    "hinh-thuc",
    "cap",
    "dia-phuong",
    "phong-trao",
    "q",
    "sap-xep",
    "kieu",
    "loai",
    "linh-vuc",
    "so",
    "bai-viet",  # the request to remove or correct information names its story, its exemplar
    "dien-hinh",
    # the API's (English) names
    "page",
    "per_page",
    "year",
    "movement",
    "locality",
    "kind",
    "decision_no",
    "revoked",
    "level",
    "sort",
    "exemplar",
]


@pytest.fixture
def world(make_story, make_commendation, make_world, make_consultation):
    """One published story, exemplar and commendation; returns the URL of every public GET route."""
    story = make_story(title="Người tốt việc tốt ở Đồ Sơn")
    commendation = make_commendation(exemplar=story.exemplars[0], decision_date=date(2023, 5, 19))
    embargoed = make_story(status=StoryStatus.IN_REVIEW, publish_at=utcnow() + timedelta(days=2))
    consultation = make_consultation()
    return {
        "site.home": "/",
        "site.favicon": "/favicon.ico",
        "site.stories": "/bai-viet",
        "site.story": f"/bai-viet/{story.slug}",
        "site.press_pack": f"/bai-viet/{story.slug}/bao-chi.zip",
        "site.press_room": "/bao-chi",
        "site.embed_latest": "/nhung/moi-nhat",
        "site.embargoed_pack": f"/bao-chi/cam-dang/{embargoed.id}.zip",
        "auth.login": "/dang-nhap",
        "auth.change_password": "/tai-khoan/doi-mat-khau",
        "auth.reset_password": "/dat-lai-mat-khau/khong-phai-ma-hop-le",
        "site.localities": "/dia-phuong",
        "site.locality": "/dia-phuong/phuong-do-son",
        "site.exemplars": "/dien-hinh",
        "site.exemplar": f"/dien-hinh/{story.exemplars[0].slug}",
        "site.commendations": "/khen-thuong",
        "site.commendations_csv": "/khen-thuong.csv",
        "site.statistics": "/thong-ke",
        "site.statistics_csv": "/thong-ke/cap.csv",
        "site.fields": "/linh-vuc",
        "site.field": "/linh-vuc/y-te",
        "site.media": "/media/ab/" + "0" * 64 + ".jpg",
        "site.movements": "/phong-trao",
        "site.movement": "/phong-trao/nong-thon-moi",
        "site.search": "/tim-kiem",
        "site.search_suggestions": "/tim-kiem/goi-y",
        "site.preview": "/xem-truoc/khong-hop-le",
        "site.commendation": f"/khen-thuong/{commendation.code}",
        "site.commendation_qr": f"/khen-thuong/{commendation.code}/qr.svg",
        "site.decision_lookup": "/khen-thuong/tra-cuu",
        "site.open_data": "/du-lieu-mo",
        "site.open_data_file": "/du-lieu-mo/khen-thuong.csv",
        # feeds and search engines (showcase/outreach)
        "outreach.site_feed": "/feed.xml",
        "outreach.site_atom": "/atom.xml",
        "outreach.section_feed": "/phong-trao/nong-thon-moi/feed.xml",
        "outreach.section_atom": f"/dien-hinh/{story.exemplars[0].slug}/atom.xml",
        "outreach.sitemap_index": "/sitemap.xml",
        "outreach.sitemap_part": "/sitemap-1.xml",
        "outreach.robots": "/robots.txt",
        "outreach.manifest": "/site.webmanifest",
        "health.healthz": "/healthz",
        "health.readyz": "/readyz",
        "api.index": "/api/v1/",
        "api.stories": "/api/v1/stories",
        "api.story": f"/api/v1/stories/{story.slug}",
        "api.exemplars": "/api/v1/exemplars",
        "api.exemplar": f"/api/v1/exemplars/{story.exemplars[0].slug}",
        "api.commendations": "/api/v1/commendations",
        "api.movements": "/api/v1/movements",
        "api.fields": "/api/v1/fields",
        "api.localities": "/api/v1/localities",
        "api.search": "/api/v1/search",
        "api.openapi": "/api/v1/openapi.json",
        "api.docs": "/api/v1/docs",
        "site.nominate": "/de-xuat",
        "site.nomination_sent": "/de-xuat/da-gui",
        "site.nomination_lookup": "/de-xuat/tra-cuu",
        "site.nomination_status": "/de-xuat/ABCD-EFGH-JKMN",
        "site.nomination_held_photo": "/de-xuat/anh-giu/" + "a" * 24 + "/1.jpg",
        "site.info_request": "/yeu-cau-go-bo",
        "site.info_request_sent": "/yeu-cau-go-bo/da-gui",
        "site.consultations_list": "/lay-y-kien",
        "site.consultation": f"/lay-y-kien/{consultation.slug}",
        "site.consultation_sent": f"/lay-y-kien/{consultation.slug}/da-gui",
        "site.consultation_announcement": f"/lay-y-kien/{consultation.slug}/thong-bao.txt",
        "site.consultation_pack": f"/lay-y-kien/{consultation.slug}/bao-chi.zip",
        "outreach.consultations_feed": "/lay-y-kien/feed.xml",
    }


def public_rules(app) -> set[str]:
    """Endpoints of every public GET route (not the admin panel, not static files)."""
    return {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods
        and not rule.rule.startswith("/admin")
        and rule.endpoint != "static"
        and not rule.endpoint.endswith(".static")
    }


def assert_clean(response, *context) -> None:
    """A page, a redirect or a Vietnamese error page; never a 500."""
    assert response.status_code < 500, (*context, response.status_code)
    if response.status_code >= 400 and response.mimetype == "text/html":
        html = response.get_data(as_text=True)
        assert '<html lang="vi">' in html and "Về trang chủ" in html, context


def test_the_fuzz_covers_every_public_route(app, world):
    assert public_rules(app) == set(world), "a new public route: add it to the `world` fixture"


LISTS = [
    "site.stories",
    "site.exemplars",
    "site.exemplar",
    "site.movement",
    "site.field",
    "site.locality",
    "site.commendations",
    "site.search",
    "site.press_room",
]


@pytest.mark.parametrize("value", PAGE_VALUES)
def test_odd_page_numbers_are_400_or_404(client, world, value):
    for endpoint in LISTS:
        url = world[endpoint]
        response = client.get(url, query_string={"trang": value, "q": "người tốt"})
        assert response.status_code in (400, 404), (url, value, response.status_code)
        assert_clean(response, url, value)
    for url in ("/khen-thuong.csv", "/"):  # not paginated: the page number is not read
        assert client.get(url, query_string={"trang": value}).status_code == 200, (url, value)


def test_page_numbers_name_real_pages(client, world):
    assert client.get("/bai-viet?trang=1").status_code == 200
    assert client.get("/bai-viet?trang=%201%20").status_code == 200  # spaces around are forgiven
    assert client.get("/bai-viet?trang=").status_code == 200
    assert client.get("/bai-viet?trang=2").status_code == 404
    response = client.get("/bai-viet?trang=abc")
    assert response.status_code == 400 and "Số trang “abc” không hợp lệ" in response.get_data(as_text=True)
    response = client.get("/tim-kiem", query_string={"q": "tốt", "trang": "101"})
    assert response.status_code == 400 and "trang 100" in response.get_data(as_text=True)


@pytest.mark.parametrize("value", [HUGE, "-2023", "²⁰²³", "２０２３", "20230", "1899", "abc", "9" * 5000])
@pytest.mark.parametrize("url", ["/khen-thuong", "/khen-thuong.csv", "/thong-ke", "/thong-ke/cap.csv"])
def test_odd_years_in_the_register_are_400(client, world, url, value):
    response = client.get(url, query_string={"nam": value})
    assert response.status_code == 400, (url, value, response.status_code)
    assert_clean(response, url, value)


@pytest.mark.parametrize("param", ["dia-phuong", "phong-trao", "cap"])
def test_unknown_register_filters_are_400(client, world, param):
    for value in ["khong-co", "a" * 5000, unicodedata.normalize("NFD", "Đồ Sơn"), HUGE]:
        response = client.get("/khen-thuong", query_string={param: value})
        assert response.status_code == 400, (param, value[:20], response.status_code)
        assert_clean(response, param, value[:20])


def test_decomposed_form_filter_finds_the_stored_form(client, world):
    form = unicodedata.normalize("NFD", "Bằng khen của Chủ tịch UBND thành phố")
    html = client.get("/khen-thuong", query_string={"hinh-thuc": form}).get_data(as_text=True)
    assert "<strong>1</strong> quyết định" in html


def test_search_filters_with_odd_values_find_nothing(client, world):
    for param in ["nam", "phong-trao", "linh-vuc", "dia-phuong", "kieu", "loai", "hinh-thuc"]:
        for value in [HUGE, "khong-co", "a" * 5000]:
            response = client.get("/tim-kiem", query_string={"q": "tốt", param: value})
            assert response.status_code == 200, (param, value[:20])
            assert "Không có kết quả" in response.get_data(as_text=True)


def test_huge_ids_in_paths_are_404(as_role, world):
    partner = as_role("a")
    response = partner.get(f"/bao-chi/cam-dang/{HUGE}.zip")
    assert response.status_code == 404
    assert_clean(response)
    with partner.get(world["site.embargoed_pack"]) as pack:
        assert pack.status_code == 200


@pytest.mark.parametrize(
    "prefix",
    [
        "/bai-viet/",
        "/dien-hinh/",
        "/phong-trao/",
        "/linh-vuc/",
        "/dia-phuong/",
        "/xem-truoc/",
        "/lay-y-kien/",
    ],
)
def test_odd_slugs_are_404(client, world, prefix):
    for value in ODD_TEXT:
        response = client.get(prefix + value.replace("%", "%25"))
        assert response.status_code in (404, 308), (prefix, value[:20], response.status_code)
        assert_clean(response, prefix, value[:20])


@pytest.mark.parametrize(
    "url",
    [
        "/khen-thuong?hinh-thuc=%00",
        "/khen-thuong?dia-phuong=a%00",
        "/khen-thuong?hinh-thuc=x&hinh-thuc=%00",  # every value, not just the first
        "/khen-thuong?%00=1",
        "/bai-viet/a%00b",
        "/tim-kiem?q=%00",
        "/dien-hinh/%00",
    ],
)
def test_nul_characters_are_refused(client, url):
    response = client.get(url)
    assert response.status_code == 400 and "NUL" in response.get_data(as_text=True)


ODD_VALUE = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(ODD_TEXT),
    st.text(max_size=40),
    st.text(max_size=30).map(lambda t: unicodedata.normalize("NFD", t)),
    st.text(alphabet="0123456789-+ .e²１", min_size=1, max_size=30),
    st.sampled_from(["nong-thon-moi", "phuong-do-son", "y-te", "city", "government", "moi-nhat", "2023"]),
)


def test_odd_query_strings_never_fail(app, client, world):
    """Any public URL with any query parameters holding odd values: never a 500."""
    urls = sorted(set(world.values()))

    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(url=st.sampled_from(urls), args=st.dictionaries(st.sampled_from(PARAMS), ODD_VALUE, max_size=4))
    def check(url, args):
        args = {k: v.replace("\x00", "") for k, v in args.items()}  # NUL has its own test
        response = client.get(url, query_string=args)
        assert_clean(response, url, args)
        response.close()

    check()
