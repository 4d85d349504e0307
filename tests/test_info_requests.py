"""Requests to remove or correct information ("Yêu cầu gỡ bỏ / chỉnh sửa thông tin") and hiding a
story at the person's request: the link on every story and exemplar page, the public form
(nothing typed is lost, honeypot, per-address limit, CSRF), the board's inbox (never a
partner's), "Gỡ bài ngay" and its audit row, the 410 page that names nothing, the story gone
from every channel, un-hiding, and the requesters' contact data: absent from public channels,
exports and backups without --with-private, and erased by the purge."""

from __future__ import annotations

import json
import re
import zipfile
from datetime import timedelta

import pytest

from showcase.extensions import db, limiter
from showcase.models import (
    AuditLog,
    InfoRequest,
    InfoRequestKind,
    InfoRequestStatus,
    StoryStatus,
    utcnow,
)
from showcase.services import info_requests, preview, transaction, workflow
from showcase.services.errors import ServiceError
from tests.support import snapshot

CONTACT = {
    "requester_name": "Trần Thị Người Hỏi",
    "contact_phone": "0987 654 321",
    "contact_email": "nguoihoi@example.vn",
}
PRIVATE_STRINGS = ("Người Hỏi", "0987 654 321", "0987654321", "nguoihoi@example.vn", "ghi chú kín")
URL = "/yeu-cau-go-bo"


@pytest.fixture(autouse=True)
def _generous_limits(app):
    """A limit high enough for a module that posts many forms; the rate test lowers it."""
    saved = app.config["INFO_REQUEST_LIMITS"]
    app.config["INFO_REQUEST_LIMITS"] = "1000 per minute"
    yield
    app.config["INFO_REQUEST_LIMITS"] = saved
    with app.app_context():
        limiter.reset()


@pytest.fixture
def story(make_story, make_exemplar):
    """A published story about one exemplar (who has no other story)."""
    person = make_exemplar(name="Bà Lê Thị Riêng Tư", slug="le-thi-rieng-tu")
    return make_story(
        title="Bà Riêng Tư nấu cháo cho bệnh nhân nghèo",
        summary="Mười năm nấu cháo miễn phí.",
        slug="ba-rieng-tu-nau-chao",
        exemplars=[person],
    )


@pytest.fixture
def form(ctx, csrf):
    """A valid form for a client about a story: form(client, story, **changes) -> data to post."""

    def make(client, story=None, **changes):
        data = {
            "csrf_token": csrf(client, URL),
            "kind": "remove",
            "relation": "self",
            "details": "Tôi không muốn ảnh và tên mình xuất hiện trên mạng nữa.",
            "consent": "yes",
            **CONTACT,
        }
        if story is not None:
            data["bai-viet"] = story.slug
        data.update(changes)
        return {k: v for k, v in data.items() if v is not None}

    return make


def sent_code(client, response) -> str:
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    found = re.search(r'id="ma-yeu-cau">([A-Z0-9-]+)<', page)
    assert found and "Ban đã nhận yêu cầu của bạn" in page, page[:3000]
    return found.group(1)


def only_request() -> InfoRequest:
    db.session.expire_all()
    [request] = db.session.scalars(db.select(InfoRequest)).all()
    return request


def count() -> int:
    return db.session.scalar(db.select(db.func.count(InfoRequest.id)))


# --- the link and the form ------------------------------------------------------------------------


def test_every_story_and_exemplar_page_links_to_the_form(client, story):
    person = story.exemplars[0]
    for page, link in (
        (f"/bai-viet/{story.slug}", f"/yeu-cau-go-bo?bai-viet={story.slug}"),
        (f"/dien-hinh/{person.slug}", f"/yeu-cau-go-bo?dien-hinh={person.slug}"),
    ):
        html = client.get(page).get_data(as_text=True)
        assert f'href="{link}">Yêu cầu gỡ bỏ / chỉnh sửa thông tin</a>' in html, page
    html = client.get(f"/yeu-cau-go-bo?bai-viet={story.slug}").get_data(as_text=True)
    assert "Yêu cầu này về" in html and story.title in html
    assert f'name="bai-viet" value="{story.slug}"' in html


def test_the_form_is_private_with_csrf_honeypot_notice_and_no_script(client, make_story):
    draft = make_story(title="Bản nháp chưa ai biết", status=StoryStatus.DRAFT, published_at=None)
    response = client.get(f"/yeu-cau-go-bo?bai-viet={draft.slug}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "public" not in response.headers.get("Cache-Control", "")
    assert 'name="csrf_token"' in html and "Nghị định 13/2023/NĐ-CP" in html and "180 ngày" in html
    assert re.search(
        r'<div class="nom-trap" aria-hidden="true">.*?name="website".*?tabindex="-1"', html, re.S
    )
    assert "<script" not in html.split("<main", 1)[1]
    for label in (
        "Gỡ bỏ thông tin",
        "Chỉnh sửa thông tin",
        "Chính người được nói đến",
        "Cha mẹ, người giám hộ",
    ):
        assert label in html, label
    # a request never reveals that a draft exists
    assert "Bản nháp chưa ai biết" not in html and draft.slug not in html


def test_invalid_form_comes_back_filled_with_errors_beside_fields_then_goes_through(client, form, story):
    data = form(
        client, story, kind=None, relation="guardian", contact_phone="12", contact_email="", consent=None
    )
    data["details"] = "Sai tên"
    response = client.post(URL, data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and count() == 0
    for kept in ("Trần Thị Người Hỏi", ">Sai tên</textarea>", 'value="12"', 'value="guardian" checked'):
        assert kept in html, kept
    assert 'name="consent" value="yes" checked' not in html
    assert story.title in html and f'name="bai-viet" value="{story.slug}"' in html  # still about the story
    for field, words in (
        ("kind", "gỡ bỏ hay chỉnh sửa"),
        ("details", "ít nhất 10 ký tự"),
        ("contact_phone", "Số điện thoại chưa đúng"),
        ("consent", "đánh dấu đồng ý"),
    ):
        assert re.search(rf'id="{field}-loi">[^<]*{words}', html), field
        assert re.search(rf'aria-describedby="[^"]*{field}-loi', html), field
    assert "còn 4 chỗ cần sửa" in html
    code = sent_code(client, client.post(URL, data=form(client, story, relation="guardian")))
    request = only_request()
    assert request.code == code.replace("-", "") and request.story_id == story.id
    assert request.kind == InfoRequestKind.REMOVE and request.status == InfoRequestStatus.NEW
    assert request.contact_phone == "0987 654 321" and request.consented_at is not None
    assert client.get("/yeu-cau-go-bo/da-gui").status_code == 302  # the code is shown once


def test_a_phone_or_an_email_is_enough_but_one_is_needed(client, form):
    response = client.post(URL, data=form(client, contact_phone="", contact_email=""))
    assert response.status_code == 422 and "ít nhất một" in response.get_data(as_text=True)
    sent_code(client, client.post(URL, data=form(client, contact_phone="")))
    assert only_request().contact_email == "nguoihoi@example.vn" and only_request().story is None


def test_honeypot_keeps_nothing(client, form, story):
    response = client.post(URL, data=form(client, story, website="http://spam.example"))
    assert response.status_code == 303
    assert client.get(response.headers["Location"]).status_code == 200  # told what a person is told
    assert count() == 0


def test_rate_limit_per_address(client, form, app):
    app.config["INFO_REQUEST_LIMITS"] = "2 per minute"
    codes = [client.post(URL, data=form(client)).status_code for _ in range(3)]
    assert codes == [303, 303, 429] and count() == 2
    other = app.test_client()  # another address has its own allowance
    response = other.post(URL, data=form(other), environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert response.status_code == 303 and count() == 3


def test_missing_csrf_is_refused(client, form):
    data = form(client)
    data.pop("csrf_token")
    assert client.post(URL, data=data).status_code == 400 and count() == 0


def test_service_names_every_problem(ctx):
    _clean, errors = info_requests.check({"details": "x" * 3001, "kind": "xoa", "relation": "ban"})
    assert set(errors) == {"details", "kind", "relation", "requester_name", "contact_phone", "consent"}
    assert "tối đa 3000" in errors["details"]
    with pytest.raises(info_requests.InfoRequestInvalid) as caught:
        info_requests.submit({"kind": "remove"})
    assert "requester_name" in caught.value.errors and count() == 0


# --- the board's inbox ----------------------------------------------------------------------------


def test_requests_land_in_the_inbox_newest_first_partners_never_see_them(client, form, story, as_role):
    sent_code(client, client.post(URL, data=form(client, story, details="Yêu cầu thứ nhất: sai tuổi.")))
    sent_code(
        client, client.post(URL, data=form(client, kind="correct", details="Yêu cầu thứ hai: sai quê."))
    )
    first, second = db.session.scalars(db.select(InfoRequest).order_by(InfoRequest.id)).all()
    with transaction():
        first.created_at = utcnow() - timedelta(hours=1)
    partner = as_role("a")
    for url in (
        "/admin/info_requests/",
        f"/admin/info_requests/edit/?id={first.id}",
        f"/admin/info_requests/details/?id={first.id}",
    ):
        assert partner.get(url).status_code == 403, url
    assert partner.post(f"/admin/info_requests/hide/{first.id}").status_code in (400, 403)
    dashboard = partner.get("/admin/").get_data(as_text=True)
    assert "yêu cầu gỡ bỏ" not in dashboard.lower() and "0987" not in dashboard
    assert story.status == StoryStatus.PUBLISHED
    for role in ("editor", "admin"):
        staff = as_role(role)
        listing = staff.get("/admin/info_requests/").get_data(as_text=True)
        assert listing.index("Chỉnh sửa thông tin") < listing.index("Gỡ bỏ thông tin")  # newest first
        assert story.title in listing
        menu = staff.get("/admin/").get_data(as_text=True)
        assert "Người dân gửi đến" in menu and "Yêu cầu gỡ bỏ, chỉnh sửa" in menu
        assert re.search(r"<strong>2</strong>yêu cầu gỡ bỏ, chỉnh sửa thông tin: mới nhận", menu)
        for words in (first.code, f"{first.code[:4]}-{first.code[4:8]}-{first.code[8:]}", "sai tuoi"):
            found = staff.get("/admin/info_requests/", query_string={"search": words}).get_data(as_text=True)
            assert "Gỡ bỏ thông tin" in found and "Chỉnh sửa thông tin" not in found, words
        edit = staff.get(f"/admin/info_requests/edit/?id={first.id}").get_data(as_text=True)
        assert "0987 654 321" in edit and "nguoihoi@example.vn" in edit and "Gỡ bài ngay" in edit
        assert "Yêu cầu thứ nhất: sai tuổi." in edit and "chính người được nói đến" in edit


def test_editor_saves_status_and_notes_through_the_form(client, form, as_role, csrf, people):
    sent_code(client, client.post(URL, data=form(client)))
    request = only_request()
    editor = as_role("editor")
    url = f"/admin/info_requests/edit/?id={request.id}"
    response = editor.post(
        url, data={"csrf_token": csrf(editor, url), "status": "rejected", "note": "Đã gọi."}
    )
    assert response.status_code == 302
    request = only_request()
    assert request.status == InfoRequestStatus.REJECTED and request.closed_at is not None
    assert request.note == "Đã gọi." and request.handled_by_id == people["editor"].id and request.handled_at
    log = as_role("admin").get("/admin/audit/").get_data(as_text=True)
    assert "Đổi trạng thái yêu cầu gỡ bỏ, chỉnh sửa" in log and "Không tiếp nhận" in log
    with pytest.raises(ServiceError):
        info_requests.set_status(request, "done", by=people["a"])
    with transaction():
        info_requests.set_status(request, "in_progress", by=people["editor"])
    assert request.closed_at is None  # reopened: the purge clock stops


# --- hiding a story at the person's request ---------------------------------------------------------


def hide_through_the_admin(as_role, csrf, request_id):
    editor = as_role("editor")
    url = f"/admin/info_requests/edit/?id={request_id}"
    response = editor.post(
        f"/admin/info_requests/hide/{request_id}", data={"csrf_token": csrf(editor, url), "confirm": "yes"}
    )
    assert response.status_code == 302
    return editor.get(response.headers["Location"]).get_data(as_text=True)


def test_hide_now_removes_the_story_from_every_channel_with_an_audit_row(
    client, form, story, as_role, csrf, people, make_story, app
):
    from showcase import search as engine

    person = story.exemplars[0]
    other = make_story(title="Một bài khác vẫn đăng", exemplars=[person], slug="bai-khac")
    token = preview.make_token(story)
    sent_code(client, client.post(URL, data=form(client, story)))
    request = only_request()
    channels = ("/", "/bai-viet", "/feed.xml", "/atom.xml", "/sitemap.xml", "/api/v1/stories?per_page=100")
    for url in channels:
        assert story.slug in client.get(url).get_data(as_text=True), url
    with app.app_context():
        assert engine.search("rieng tu nau chao", {}, "relevance", 1, 10).total == 1

    page = hide_through_the_admin(as_role, csrf, request.id)
    assert "Đã gỡ bài khỏi trang công khai" in page and "Đã xử lý xong" in page

    db.session.expire_all()
    assert story.status == StoryStatus.HIDDEN and not story.featured
    request = only_request()
    assert request.status == InfoRequestStatus.DONE and request.closed_at is not None
    assert request.handled_by_id == people["editor"].id and "Đã gỡ bài" in request.note
    [row] = db.session.scalars(db.select(AuditLog).filter_by(action="hide")).all()
    assert (row.object_type, row.object_id, row.user_id) == ("Story", story.id, people["editor"].id)
    assert row.detail == {"from": "published", "to": "hidden", "info_request": request.id}
    log = as_role("admin").get("/admin/audit/").get_data(as_text=True)
    assert "Gỡ ngay theo yêu cầu" in log and "Đã gỡ theo yêu cầu" in log

    # its URL answers 410 with a notice that names nothing
    response = client.get(f"/bai-viet/{story.slug}")
    html = response.get_data(as_text=True)
    assert response.status_code == 410 and "đã gỡ bài viết này theo yêu cầu của người được nói đến" in html
    for secret in (story.title, "Riêng Tư", person.name, "nấu cháo", "Mười năm"):
        assert secret not in html, secret
    assert "<img" not in html.split("<main", 1)[1]
    api = client.get(f"/api/v1/stories/{story.slug}")
    assert api.status_code == 410 and "Riêng Tư" not in api.get_data(as_text=True)
    assert client.get(f"/bai-viet/{story.slug}/bao-chi.zip").status_code == 404
    assert client.get(f"/xem-truoc/{token}").status_code == 404  # its preview links died with it
    # gone from lists, feeds, sitemap, API, search and the exemplar's page
    for url in channels:
        text = client.get(url).get_data(as_text=True)
        assert story.slug not in text and story.title not in text, url
    exemplar_page = client.get(f"/dien-hinh/{person.slug}").get_data(as_text=True)
    assert other.title in exemplar_page and story.title not in exemplar_page
    with app.app_context():
        assert engine.search("rieng tu nau chao", {}, "relevance", 1, 10).total == 0
    assert client.get(f"/yeu-cau-go-bo?bai-viet={story.slug}").get_data(as_text=True).count(story.title) == 0

    # done twice is refused, and the admin says so
    again = hide_through_the_admin(as_role, csrf, request.id)
    assert "Bài đã được gỡ theo yêu cầu" in again and 'action="/admin/info_requests/hide/' not in again


def test_a_request_to_correct_stays_in_progress_and_unhide_returns_a_draft(
    client, form, story, people, as_role, csrf
):
    sent_code(client, client.post(URL, data=form(client, story, kind="correct")))
    hide_through_the_admin(as_role, csrf, only_request().id)
    assert only_request().status == InfoRequestStatus.IN_PROGRESS and only_request().closed_at is None
    editor = as_role("editor")
    url = f"/admin/stories/edit/?id={story.id}"
    page = editor.get(url).get_data(as_text=True)
    assert "Đã gỡ theo yêu cầu" in page and "Bỏ gỡ (trả về bản nháp)" in page
    editor.post(f"/admin/stories/workflow/{story.id}/unhide", data={"csrf_token": csrf(editor, url)})
    db.session.expire_all()
    assert story.status == StoryStatus.DRAFT
    assert client.get(f"/bai-viet/{story.slug}").status_code == 404  # a draft again: not public yet
    with transaction():
        workflow.transition(story, "submit", by=people["editor"])
        workflow.transition(story, "publish", by=people["editor"])
    assert client.get(f"/bai-viet/{story.slug}").status_code == 200
    actions = db.session.scalars(
        db.select(AuditLog.action).where(AuditLog.object_type == "Story").order_by(AuditLog.id)
    ).all()
    assert actions[-4:] == ["hide", "unhide", "submit", "publish"]


def test_only_editors_hide_service_and_doors(client, form, story, people, as_role, csrf):
    sent_code(client, client.post(URL, data=form(client, story)))
    request = only_request()
    story.author_id = people["a"].id  # even the story's own partner author
    db.session.commit()
    with pytest.raises(ServiceError):
        info_requests.hide_story(request, by=people["a"])
    with pytest.raises(ServiceError):
        workflow.transition(story, "hide", by=people["a"])
    db.session.rollback()
    partner = as_role("a")
    partner.post(
        f"/admin/stories/workflow/{story.id}/hide",
        data={"csrf_token": csrf(partner, "/admin/stories/"), "confirm": "yes"},
    )
    assert partner.post(f"/admin/info_requests/hide/{request.id}").status_code in (400, 403)
    db.session.expire_all()
    assert story.status == StoryStatus.PUBLISHED and client.get(f"/bai-viet/{story.slug}").status_code == 200
    assert not db.session.scalar(db.select(AuditLog).filter_by(action="hide"))
    # a request about no story cannot hide one
    sent_code(client, client.post(URL, data=form(client)))
    loose = db.session.scalars(db.select(InfoRequest).where(InfoRequest.story_id.is_(None))).one()
    with pytest.raises(ServiceError, match="không gắn với bài viết"):
        info_requests.hide_story(loose, by=people["editor"])


# --- private data never leaves the admin ------------------------------------------------------------


@pytest.fixture
def filed(client, form, story, people):
    """A request about a published story, with an internal note (the story stays public)."""
    sent_code(client, client.post(URL, data=form(client, story, kind="correct")))
    request = only_request()
    with transaction():
        info_requests.add_note(request, "ghi chú kín", by=people["editor"])
    return request


def test_contact_data_absent_from_public_channels_and_search(filed, client, app):
    from showcase import search as engine

    story = filed.story
    pages = [
        "/",
        "/bai-viet",
        f"/bai-viet/{story.slug}",
        f"/dien-hinh/{story.exemplars[0].slug}",
        "/feed.xml",
        "/sitemap.xml",
        "/api/v1/stories?per_page=100",
        f"/api/v1/stories/{story.slug}",
        "/du-lieu-mo/bai-viet.json",
        "/tim-kiem?q=nguoi+hoi",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.get_data(as_text=True)
        for private in PRIVATE_STRINGS:
            assert private not in text, (url, private)
    with app.app_context():
        for words in ("Trần Thị Người Hỏi", "nguoihoi", "0987654321", "ghi chu kin"):
            assert engine.search(words, {}, "relevance", 1, 10).total == 0, words


def test_contact_data_absent_from_export_and_backup_without_the_flag(filed, runner, tmp_path):
    assert runner.invoke(args=["content", "export", str(tmp_path / "out")]).exit_code == 0
    text = "\n".join(
        p.read_text(encoding="utf-8", errors="ignore") for p in (tmp_path / "out").rglob("*") if p.is_file()
    )
    assert filed.story.title in text
    for private in PRIVATE_STRINGS:
        assert private not in text, private

    def dump(*flag):
        path = tmp_path / f"b{len(flag)}.zip"
        assert runner.invoke(args=["backup", "create", str(path), *flag]).exit_code == 0
        with zipfile.ZipFile(path) as archive:
            lines = archive.read("tables/info_request.jsonl").decode().splitlines()
            everything = b"".join(archive.read(n) for n in archive.namelist() if n.startswith("tables/"))
        return [json.loads(line) for line in lines], everything.decode("utf-8", "ignore")

    [row], everything = dump()
    assert row["requester_name"] == row["contact_phone"] == row["contact_email"] == ""
    for private in PRIVATE_STRINGS[:4]:
        assert private not in everything, private
    [row], _ = dump("--with-private")
    assert row["contact_phone"] == "0987 654 321" and row["requester_name"] == "Trần Thị Người Hỏi"


def test_purge_erases_exactly_the_contacts_of_old_closed_requests_once(client, form, people, runner, app):
    for name in ("Cũ đã xong", "Cũ còn mở", "Mới xong", "Cũ bị từ chối"):
        sent_code(client, client.post(URL, data=form(client, details=f"Về chuyện {name}: sai tên.")))
    rows = {
        r.details.split(":")[0].removeprefix("Về chuyện "): r
        for r in db.session.scalars(db.select(InfoRequest))
    }
    editor = people["editor"]
    long_ago = utcnow() - timedelta(days=app.config["PRIVATE_DATA_DAYS"] + 5)
    with transaction():
        info_requests.set_status(rows["Cũ đã xong"], "done", by=editor)
        info_requests.set_status(rows["Mới xong"], "done", by=editor)
        info_requests.set_status(rows["Cũ bị từ chối"], "rejected", by=editor)
        info_requests.add_note(rows["Cũ bị từ chối"], "Đã gọi 0987 654 321, người hỏi rút lại.", by=editor)
        for key in ("Cũ đã xong", "Cũ bị từ chối"):
            rows[key].closed_at = long_ago
    purged_ids = {rows["Cũ đã xong"].id, rows["Cũ bị từ chối"].id}
    before = snapshot()
    result = runner.invoke(args=["privacy", "purge"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1] == (
        "Đã xóa thông tin liên hệ của 2 yêu cầu gỡ bỏ, chỉnh sửa đã đóng quá hạn lưu giữ."
    )
    after = snapshot()
    cols = [c.name for c in InfoRequest.__table__.columns]
    for old, new in zip(before["info_request"], after["info_request"], strict=True):
        changed = {cols[i] for i in range(len(cols)) if old[i] != new[i]}
        if old[cols.index("id")] in purged_ids:
            expected = {"requester_name", "contact_phone", "contact_email", "purged_at"}
            if old[cols.index("id")] == rows["Cũ bị từ chối"].id:
                expected.add("note")
            assert changed == expected, changed
        else:
            assert changed == set(), changed
    for table in before:
        if table not in ("info_request", "audit_log"):
            assert before[table] == after[table], table
    db.session.expire_all()
    note = db.session.get(InfoRequest, rows["Cũ bị từ chối"].id).note
    assert "0987 654 321" not in note and "[đã xóa]" in note and "người hỏi rút lại" in note
    [purge_row] = db.session.scalars(db.select(AuditLog).filter_by(action="info_request_purge")).all()
    assert purge_row.detail == {"count": 2, "days": app.config["PRIVATE_DATA_DAYS"]}
    ips = dict(
        db.session.execute(
            db.select(AuditLog.object_id, AuditLog.ip).where(AuditLog.action == "info_request_submit")
        ).all()
    )
    assert all(ips[i] == "" for i in purged_ids) and all(
        ips[r.id] for r in rows.values() if r.id not in purged_ids
    )
    again = runner.invoke(args=["privacy", "purge"])
    assert again.exit_code == 0 and "của 0 yêu cầu" in again.output
    assert snapshot() == after


# --- fixpriv12: the people a request is about, confirming, the code, the way back ----------------


def test_request_screen_lists_the_people_and_warns_who_stays_public(
    client, form, story, as_role, csrf, make_story, app
):
    person = story.exemplars[0]
    other = make_story(title="Một bài khác vẫn đăng", exemplars=[person], slug="bai-khac")
    sent_code(client, client.post(URL, data=form(client, story)))
    request = only_request()
    editor = as_role("editor")
    url = f"/admin/info_requests/edit/?id={request.id}"
    page = editor.get(url).get_data(as_text=True)
    assert "Không gắn với điển hình nào" not in page
    assert f'href="/admin/exemplars/edit/?id={person.id}' in page and person.name in page
    assert f'href="/dien-hinh/{person.slug}"' in page and "công khai</span> qua 2 bài" in page
    assert 'name="confirm" value="yes" required' in page

    # without the tick nothing happens
    response = editor.post(f"/admin/info_requests/hide/{request.id}", data={"csrf_token": csrf(editor, url)})
    assert "hãy đánh dấu ô xác nhận" in editor.get(response.headers["Location"]).get_data(as_text=True)
    db.session.expire_all()
    assert story.status == StoryStatus.PUBLISHED

    page = hide_through_the_admin(as_role, csrf, request.id)
    assert f"“{person.name}” vẫn công khai (trang /dien-hinh/{person.slug}" in page
    assert f"qua 1 bài khác đang đăng: “{other.title}”" in page and "bấm «Gỡ ngay theo yêu cầu»" in page
    assert "ghi việc rút lại sự đồng ý" in page
    assert client.get(f"/dien-hinh/{person.slug}").status_code == 200  # true: the other story

    # a second request, about the other story: once hidden, the person is public nowhere
    sent_code(client, client.post(URL, data=form(client, other)))
    second = db.session.scalars(db.select(InfoRequest).where(InfoRequest.story_id == other.id)).one()
    page = hide_through_the_admin(as_role, csrf, second.id)
    assert f"“{person.name}” không còn bài nào đang đăng" in page and "không còn công khai" in page
    assert client.get(f"/dien-hinh/{person.slug}").status_code == 404
    assert client.get(f"/api/v1/exemplars/{person.slug}").status_code == 404


def test_hide_only_what_is_public_or_scheduled_and_only_once_confirmed(people, make_story, as_role, csrf):
    editor = people["editor"]
    draft = make_story(status=StoryStatus.DRAFT, published_at=None)
    waiting = make_story(status=StoryStatus.IN_REVIEW, published_at=None)
    scheduled = make_story(
        status=StoryStatus.IN_REVIEW, published_at=None, publish_at=utcnow() + timedelta(days=1)
    )
    published = make_story()
    assert "hide" not in workflow.allowed(draft, editor) and "hide" not in workflow.allowed(waiting, editor)
    assert "hide" in workflow.allowed(scheduled, editor) and "hide" in workflow.allowed(published, editor)
    for story in (draft, waiting):
        with pytest.raises(ServiceError, match="không có gì công khai để gỡ"):
            workflow.transition(story, "hide", by=editor)
    db.session.rollback()

    client = as_role("editor")
    page = client.get(f"/admin/stories/edit/?id={waiting.id}").get_data(as_text=True)
    assert "Duyệt và đăng" in page and "Gỡ ngay theo yêu cầu" not in page
    url = f"/admin/stories/edit/?id={published.id}"
    page = client.get(url).get_data(as_text=True)
    assert "Gỡ ngay theo yêu cầu" in page and 'id="confirm-hide"' in page
    hide = f"/admin/stories/workflow/{published.id}/hide"
    unconfirmed = client.post(hide, data={"csrf_token": csrf(client, url)}, follow_redirects=True)
    assert "Chưa gỡ: hãy đánh dấu ô xác nhận" in unconfirmed.get_data(as_text=True)
    db.session.expire_all()
    assert published.status == StoryStatus.PUBLISHED
    done = client.post(hide, data={"csrf_token": csrf(client, url), "confirm": "yes"}, follow_redirects=True)
    assert f"Đã gỡ bài “{published.title}” khỏi trang công khai theo yêu cầu." in done.get_data(as_text=True)
    db.session.expire_all()
    assert published.status == StoryStatus.HIDDEN


def test_code_reads_with_dashes_and_the_log_names_the_request(client, form, story, as_role):
    code = sent_code(client, client.post(URL, data=form(client, story)))
    request = only_request()
    assert code == "-".join(request.code[i : i + 4] for i in range(0, 12, 4))
    for user in ("editor", "admin"):
        details = as_role(user).get(f"/admin/info_requests/details/?id={request.id}").get_data(as_text=True)
        assert code in details and request.code not in details, user
    admin = as_role("admin")
    for url in ("/admin/", "/admin/audit/"):
        text = admin.get(url).get_data(as_text=True)
        assert f"mã {code}" in text, url
        assert "Yêu cầu gỡ bỏ, chỉnh sửa Yêu cầu gỡ bỏ, chỉnh sửa" not in re.sub(r"<[^>]+>|\s+", " ", text)


def test_the_confirmation_links_back_to_what_the_request_was_about(client, form, story):
    person = story.exemplars[0]
    response = client.post(URL, data=form(client, story, **{"dien-hinh": person.slug}))
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f'href="/bai-viet/{story.slug}">Trở lại bài viết “{story.title}”' in page
    assert f'href="/dien-hinh/{person.slug}">Trở lại trang điển hình {person.name}' in page
    assert "Về trang chủ" in page
    loose = client.post(URL, data=form(client))
    page = client.get(loose.headers["Location"]).get_data(as_text=True)
    assert "Trở lại" not in page and "Về trang chủ" in page


def test_the_form_asks_what_you_want_once(client):
    page = client.get(URL).get_data(as_text=True)
    assert "<legend>Bạn muốn <span" in page and "<legend>Bạn muốn</legend>" not in page
    assert "<legend>Yêu cầu <span" not in page
