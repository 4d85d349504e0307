"""Open data (/du-lieu-mo): the register and the story index as CSV (BOM, Vietnamese or English
headers, formula-safe cells) and JSON, with the register's filters; nothing unpublished and no
private field ever in a file (SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, datetime, timedelta

import pytest
from markupsafe import escape

from showcase.extensions import db
from showcase.models import CommendationLevel, Nomination, StoryStatus, utcnow
from showcase.site.open_data import COMMENDATION_COLUMNS, STORY_COLUMNS

SECRET = {
    "contact_name": "Người Báo Tin Bí Mật",
    "contact_phone": "0987 654 321",
    "contact_email": "bi-mat@example.vn",
}


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    raw = response.data
    assert raw.startswith(b"\xef\xbb\xbf"), raw[:10]  # UTF-8 with a BOM
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def json_doc(response) -> dict:
    assert response.status_code == 200 and response.mimetype == "application/json"
    return json.loads(response.data)


@pytest.fixture
def data(make_story, make_exemplar, make_commendation, make_world, ctx):
    world = make_world()
    published = make_story(title="Người lái đò trên sông Cấm", published_at=datetime(2024, 6, 1, 2, 0))
    older = make_story(
        title="Cô giáo vùng đảo", published_at=datetime(2023, 3, 1, 2, 0), locality=world["old"]
    )
    draft = make_story(title="Bản nháp chưa đăng", status=StoryStatus.DRAFT)
    embargoed = make_story(
        title="Bài đang cấm đăng", status=StoryStatus.IN_REVIEW, publish_at=utcnow() + timedelta(days=3)
    )
    future = make_story(title="Bài hẹn giờ tương lai", published_at=utcnow() + timedelta(days=2))
    retracted = make_story(title="Bài đã gỡ", status=StoryStatus.RETRACTED)
    hidden = make_exemplar(name="Điển hình chỉ có bản nháp")
    draft.exemplars.append(hidden)
    db.session.add(Nomination(nominee_name="Ứng viên đề xuất riêng", deed="Việc tốt chưa duyệt.", **SECRET))
    db.session.commit()
    city = make_commendation(
        exemplar=published.exemplars[0],
        decision_no="1245/QĐ-UBND",
        decision_date=date(2024, 4, 2),
        reason='=HYPERLINK("http://evil.example")',
        movement=world["movement"],
    )
    state = make_commendation(
        exemplar=older.exemplars[0],
        form="+Huân chương Lao động hạng Ba",
        level=CommendationLevel.STATE,
        issuer="@Chủ tịch nước",
        decision_no="-12/QĐ-CTN",
        decision_date=date(2023, 9, 2),
        revoked_decision_no="99/QĐ-CTN",
        revoked_on=date(2025, 1, 5),
        revoked_reason="Thu hồi do sai sót hồ sơ.",
    )
    private = make_commendation(exemplar=hidden, decision_no="77/QĐ-UBND", decision_date=date(2024, 8, 8))
    return {
        "world": world,
        "published": published,
        "older": older,
        "unpublished": [draft, embargoed, future, retracted],
        "city": city,
        "state": state,
        "private": private,
    }


def test_commendation_csv_headers_bom_and_formula_escaping(app, client, data):
    rows = csv_rows(client.get("/du-lieu-mo/khen-thuong.csv"))
    assert rows[0] == [c.vi for c in COMMENDATION_COLUMNS]
    assert rows[0][:4] == ["Mã tra cứu", "Trang xác minh", "Số quyết định", "Ngày quyết định"]
    by_no = {r[2]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    assert set(by_no) == {"1245/QĐ-UBND", "'-12/QĐ-CTN", "77/QĐ-UBND"}  # every register row, revoked too
    city = by_no["1245/QĐ-UBND"]
    assert city["Lý do"] == '\'=HYPERLINK("http://evil.example")'
    assert city["Mã tra cứu"] == data["city"].code
    assert city["Trang xác minh"] == app.config["SITE_URL"] + f"/khen-thuong/{data['city'].code}"
    assert city["Ngày quyết định"] == "2024-04-02" and city["Cấp"] == "Thành phố"
    assert city["Phong trào"] == "Cả nước chung sức xây dựng nông thôn mới"
    assert city["Trang điển hình"].endswith(f"/dien-hinh/{data['published'].exemplars[0].slug}")
    assert city["Tình trạng"] == "Còn hiệu lực"
    state = by_no["'-12/QĐ-CTN"]
    assert (
        state["Hình thức"] == "'+Huân chương Lao động hạng Ba"
        and state["Cơ quan quyết định"] == "'@Chủ tịch nước"
    )
    assert state["Tình trạng"] == "Đã thu hồi" and state["Quyết định thu hồi"] == "99/QĐ-CTN"
    assert state["Ngày thu hồi"] == "2025-01-05" and state["Lý do thu hồi"] == "Thu hồi do sai sót hồ sơ."
    # the register names the exemplar of a draft-only story, but does not link a page that is not public
    private = by_no["77/QĐ-UBND"]
    assert private["Điển hình"] == "Điển hình chỉ có bản nháp" and private["Trang điển hình"] == ""


def test_english_headers_and_same_values(client, data):
    vi = csv_rows(client.get("/du-lieu-mo/khen-thuong.csv"))
    response = client.get("/du-lieu-mo/khen-thuong.csv?cot=en")
    en = csv_rows(response)
    assert en[0] == [c.key for c in COMMENDATION_COLUMNS]
    assert en[0][:3] == ["code", "url", "decision_number"]
    assert en[1:] == vi[1:]
    assert "khen-thuong-en.csv" in response.headers["Content-Disposition"]
    stories = csv_rows(client.get("/du-lieu-mo/bai-viet.csv?cot=en"))
    assert stories[0] == [c.key for c in STORY_COLUMNS]
    assert client.get("/du-lieu-mo/khen-thuong.csv?cot=fr").status_code == 400


@pytest.mark.parametrize("dataset", ["khen-thuong", "bai-viet"])
def test_json_equals_the_csv_rows(client, data, dataset):
    rows = csv_rows(client.get(f"/du-lieu-mo/{dataset}.csv?cot=en"))
    document = json_doc(client.get(f"/du-lieu-mo/{dataset}.json"))
    header = rows[0]
    assert [f["name"] for f in document["fields"]] == header
    assert document["count"] == len(rows) - 1 == len(document["items"])

    def escaped(value: str) -> str:
        return "'" + value if value[:1] in "=+-@" and value else value

    assert [[escaped(item[k]) for k in header] for item in document["items"]] == rows[1:]
    assert document["licence"]["name"] == "CC BY 4.0"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00", document["updated"])


def test_story_index_holds_only_published_stories(client, data):
    rows = csv_rows(client.get("/du-lieu-mo/bai-viet.csv"))
    assert rows[0][:4] == ["Đường dẫn", "Tiêu đề", "Tóm tắt", "Ngày đăng"]
    titles = [r[1] for r in rows[1:]]
    assert titles == ["Người lái đò trên sông Cấm", "Cô giáo vùng đảo"]  # newest first
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["Ngày đăng"] == "2024-06-01T09:00:00+07:00"
    assert first["Phong trào"] == "Cả nước chung sức xây dựng nông thôn mới" and first["Lĩnh vực"] == "Y tế"
    assert first["Điển hình"] == data["published"].exemplars[0].name


def test_nothing_unpublished_or_private_in_any_file(client, data):
    bodies = []
    for dataset in ("khen-thuong", "bai-viet"):
        for suffix in (".csv", ".csv?cot=en", ".json"):
            response = client.get(f"/du-lieu-mo/{dataset}{suffix}")
            assert response.status_code == 200
            bodies.append(response.get_data(as_text=True))
    everything = "\n".join(bodies)
    for story in data["unpublished"]:
        assert story.title not in everything and story.slug not in everything
    for value in (*SECRET.values(), "Ứng viên đề xuất riêng", "Việc tốt chưa duyệt."):
        assert value not in everything
    assert f"/dien-hinh/{data['private'].exemplar.slug}" not in everything
    for private in ("body_md", "review_comment", "password", "email", "author"):
        assert private not in everything


def test_the_files_follow_the_data(client, data):
    before = csv_rows(client.get("/du-lieu-mo/bai-viet.csv"))
    future = data["unpublished"][2]
    future.published_at = utcnow() - timedelta(minutes=1)  # its time has come
    db.session.commit()
    after = csv_rows(client.get("/du-lieu-mo/bai-viet.csv"))
    assert len(after) == len(before) + 1 and "Bài hẹn giờ tương lai" in [r[1] for r in after]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("nam=2024", {"1245/QĐ-UBND", "77/QĐ-UBND"}),
        ("cap=state", {"'-12/QĐ-CTN"}),
        ("phong-trao=nong-thon-moi", {"1245/QĐ-UBND"}),
        ("hinh-thuc=%2BHuân chương Lao động hạng Ba", {"'-12/QĐ-CTN"}),
        ("nam=2024&cap=state", set()),
    ],
)
def test_register_filters_apply_to_the_files(client, data, query, expected):
    rows = csv_rows(client.get(f"/du-lieu-mo/khen-thuong.csv?{query}"))
    assert {r[2] for r in rows[1:]} == expected
    document = json_doc(client.get(f"/du-lieu-mo/khen-thuong.json?{query}"))
    assert {i["decision_number"] for i in document["items"]} == {n.lstrip("'") for n in expected}
    assert document["filters"]  # says which filters made it


def test_story_filters_apply_to_the_index(client, data):
    assert [r[1] for r in csv_rows(client.get("/du-lieu-mo/bai-viet.csv?nam=2023"))[1:]] == [
        "Cô giáo vùng đảo"
    ]
    # a new unit holds the stories of the unit it replaced
    in_ward = [r[1] for r in csv_rows(client.get("/du-lieu-mo/bai-viet.csv?dia-phuong=phuong-do-son"))[1:]]
    assert in_ward == ["Người lái đò trên sông Cấm", "Cô giáo vùng đảo"]


@pytest.mark.parametrize(
    "url",
    [
        "/du-lieu-mo/khen-thuong.csv?nam=abc",
        "/du-lieu-mo/khen-thuong.json?cap=galaxy",
        "/du-lieu-mo/khen-thuong.csv?dia-phuong=khong-co",
        "/du-lieu-mo/bai-viet.json?linh-vuc=khong-co",
    ],
)
def test_bad_filters_are_a_vietnamese_400(client, data, url):
    response = client.get(url)
    assert response.status_code == 400
    assert '<html lang="vi">' in response.get_data(as_text=True)


def test_files_carry_an_etag_and_answer_304(client, data):
    response = client.get("/du-lieu-mo/khen-thuong.json")
    assert response.headers["Cache-Control"] == "public, max-age=0, must-revalidate"
    again = client.get("/du-lieu-mo/khen-thuong.json", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    assert client.get("/du-lieu-mo/khen-thuong.xml").status_code == 404
    assert client.get("/du-lieu-mo/nguoi-dung.csv").status_code == 404


def test_the_page_explains_every_field_licence_and_update_time(app, client, data):
    response = client.get("/du-lieu-mo")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    for column in (*COMMENDATION_COLUMNS, *STORY_COLUMNS):
        cells = f'<strong>{column.vi}</strong></td><td data-label="English"><code>{column.key}</code></td>'
        assert cells in html
        assert str(escape(column.about)) in html and str(escape(column.about_en)) in html
    assert 'rel="license">CC BY 4.0</a>' in html
    shown = r'<time datetime="[\d\-T:+]+">(\d\d/\d\d/\d{4} \d\d:\d\d)</time> \(giờ Việt Nam\)'
    updated = re.search(shown, html)
    assert updated, html[:2000]
    for link in (
        "/du-lieu-mo/khen-thuong.csv",
        "/du-lieu-mo/khen-thuong.csv?cot=en",
        "/du-lieu-mo/khen-thuong.json",
        "/du-lieu-mo/bai-viet.csv",
        "/du-lieu-mo/bai-viet.json",
    ):
        assert f'href="{link}"' in html, link
    register = client.get("/khen-thuong?nam=2024").get_data(as_text=True)
    assert 'href="/du-lieu-mo/khen-thuong.csv?nam=2024"' in register and 'href="/du-lieu-mo"' in register


def test_licence_comes_from_the_settings(app, client, data):
    before = app.config["OPEN_DATA_LICENCE"], app.config["OPEN_DATA_LICENCE_URL"]
    app.config["OPEN_DATA_LICENCE"], app.config["OPEN_DATA_LICENCE_URL"] = (
        "ODC-BY 1.0",
        "https://opendatacommons.org/licenses/by/1-0/",
    )
    try:
        html = client.get("/du-lieu-mo").get_data(as_text=True)
        assert 'href="https://opendatacommons.org/licenses/by/1-0/" rel="license">ODC-BY 1.0</a>' in html
        assert json_doc(client.get("/du-lieu-mo/bai-viet.json"))["licence"]["name"] == "ODC-BY 1.0"
    finally:
        app.config["OPEN_DATA_LICENCE"], app.config["OPEN_DATA_LICENCE_URL"] = before
