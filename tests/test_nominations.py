"""Citizens' nominations: the public form (nothing typed is lost, photos held for the retry),
honeypot and rate limits, the tracking page (no private field), the board's inbox (never a
partner's), conversion into an exemplar and a draft story, and the nominators' contact data:
absent from exports, backups without --with-private, search and public pages, and erased by
the purge (only it, and only once)."""

from __future__ import annotations

import json
import re
import zipfile
from datetime import date, timedelta
from pathlib import Path

import pytest

from showcase.extensions import db, limiter
from showcase.models import (
    AuditLog,
    ConsentMethod,
    Exemplar,
    ExemplarKind,
    Nomination,
    NominationStatus,
    Story,
    StoryStatus,
    utcnow,
)
from showcase.services import exemplars, nominations, transaction, workflow
from showcase.services.errors import ServiceError
from tests.support import image_bytes, snapshot

CONTACT = {
    "contact_name": "Phạm Thị Người Gửi",
    "contact_phone": "0912 345 678",
    "contact_email": "nguoigui@example.vn",
}
PRIVATE_STRINGS = ("Người Gửi", "0912 345 678", "0912345678", "nguoigui@example.vn", "ghi chú mật")


@pytest.fixture(autouse=True)
def _generous_limits(app):
    """Limits high enough for a test module that posts many forms; the rate test lowers them."""
    saved = {k: app.config[k] for k in ("NOMINATION_LIMITS", "NOMINATION_LOOKUP_LIMITS")}
    app.config.update(NOMINATION_LIMITS="1000 per minute", NOMINATION_LOOKUP_LIMITS="1000 per minute")
    yield
    app.config.update(saved)
    with app.app_context():
        limiter.reset()


@pytest.fixture
def form(make_world, csrf):
    """A valid form for a client: form(client, **changes) -> data to post."""

    def make(client, **changes):
        ward = make_world()["ward"]
        data = {
            "csrf_token": csrf(client, "/de-xuat"),
            "nominee_name": "Bà Nguyễn Thị Tốt",
            "nominee_kind": "individual",
            "locality_id": str(ward.id),
            "deed": "Suốt mười năm nấu cơm miễn phí cho bệnh nhân nghèo ở bệnh viện Đồ Sơn.",
            "deed_when": "từ năm 2015",
            "why": "Lan tỏa lòng nhân ái.",
            "evidence": "Bệnh viện xác nhận.",
            "links": "https://baohaiphong.vn/bai-viet",
            "consent": "yes",
            **CONTACT,
        }
        data.update(changes)
        return {k: v for k, v in data.items() if v is not None}

    return make


def submit(client, data, photos=()):
    payload = dict(data)
    if photos:
        payload["photos"] = [(p, name) for p, name in photos]
    return client.post("/de-xuat", data=payload, content_type="multipart/form-data")


def photo(color=(10, 120, 60), name="viec-tot.jpg"):
    import io

    return io.BytesIO(image_bytes(400, 300, color=color)), name


def sent_code(client, response) -> str:
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    found = re.search(r'id="ma-theo-doi">([A-Z0-9-]+)<', page)
    assert found, page[:3000]
    return found.group(1)


def only_nomination() -> Nomination:
    db.session.expire_all()
    [nomination] = db.session.scalars(db.select(Nomination)).all()
    return nomination


# --- the form ---------------------------------------------------------------------------------


def test_empty_form_is_a_private_page_with_csrf_honeypot_and_notice(client, make_world):
    make_world()
    response = client.get("/de-xuat")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "public" not in response.headers.get("Cache-Control", "")
    assert 'name="csrf_token"' in html and 'enctype="multipart/form-data"' in html
    assert re.search(
        r'<div class="nom-trap" aria-hidden="true">.*?name="website".*?tabindex="-1"', html, re.S
    )
    assert "Nghị định 13/2023/NĐ-CP" in html and "180 ngày" in html
    assert "Phường Đồ Sơn" in html and "Quận Đồ Sơn" not in html  # a merged-away unit is not offered
    assert "<script" not in html.split("<main", 1)[1]  # the form needs no script


def test_invalid_form_comes_back_filled_photos_held_then_goes_through(client, form, app):
    data = form(client, contact_phone="", contact_email="", consent=None, deed="Ngắn")
    response = submit(client, data, [photo()])
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert db.session.scalar(db.select(db.func.count(Nomination.id))) == 0
    for value in (
        "Bà Nguyễn Thị Tốt",
        "từ năm 2015",
        "Lan tỏa lòng nhân ái.",
        "Bệnh viện xác nhận.",
        "https://baohaiphong.vn/bai-viet",
        "Phạm Thị Người Gửi",
        ">Ngắn</textarea>",
    ):
        assert value in html, value
    assert re.search(r'<option value="\d+" selected>Phường Đồ Sơn', html)
    assert 'value="individual" checked' in html
    # each problem beside its field, tied to it for screen readers
    assert 'id="deed-loi"' in html and re.search(
        r'id="deed"[^>]*aria-describedby="deed-goi-y deed-loi"', html
    )
    assert "Hãy để lại số điện thoại hoặc email" in html and 'id="contact_phone-loi"' in html
    assert "Hãy đánh dấu đồng ý" in html and re.search(r'id="consent"[^>]*aria-invalid="?true', html)
    # the photo is held under the form's token and shown back
    token = re.search(r'name="hold" value="([A-Za-z0-9_-]{24})"', html).group(1)
    assert "ảnh đã gửi, giữ lại" in html and "viec-tot.jpg" in html
    thumb = re.search(r'src="(/de-xuat/anh-giu/[^"]+\.jpg)"', html).group(1)
    image = client.get(thumb)
    image.close()  # a file response: let go of the file
    assert (
        image.status_code == 200
        and image.mimetype == "image/jpeg"
        and "no-store" in image.headers["Cache-Control"]
    )
    assert client.get(thumb.replace(token, "x" * 24)).status_code == 404
    # the retry: no new upload, the held photo goes with the nomination
    fixed = form(client, hold=token)
    code = sent_code(client, submit(client, fixed))
    nomination = only_nomination()
    assert len(nomination.photos) == 1 and nomination.photos[0].width == 400
    assert nomination.deed.startswith("Suốt mười năm") and nomination.consent and nomination.consented_at
    assert nomination.contact_phone == "0912 345 678" and nomination.status == NominationStatus.NEW
    assert nomination.code_hash == nominations.hash_code(nominations.clean_code(code))
    assert not (Path(app.config["NOMINATION_HOLD_DIR"]) / token).exists()


def test_a_held_photo_can_be_removed_and_a_bad_one_is_named(client, form):
    first = submit(client, form(client, consent=None), [photo(), photo((200, 0, 0), "thu-hai.png")])
    html = first.get_data(as_text=True)
    token = re.search(r'name="hold" value="([^"]+)"', html).group(1)
    assert html.count("ảnh đã gửi, giữ lại") == 2
    bad = (__import__("io").BytesIO(b"<html>not an image</html>"), "anh.jpg")
    second = submit(client, form(client, consent=None, hold=token, remove_photo="1"), [bad])
    html = second.get_data(as_text=True)
    assert second.status_code == 422
    assert html.count("ảnh đã gửi, giữ lại") == 1 and "thu-hai.png" in html
    assert "Không nhận tệp “anh.jpg”" in html and 'id="photos-loi"' in html
    sent_code(client, submit(client, form(client, hold=token)))
    assert len(only_nomination().photos) == 1


def test_more_than_five_photos_refused(client, form):
    six = [photo((i * 30, 10, 10), f"a{i}.jpg") for i in range(6)]
    response = submit(client, form(client), six)
    assert response.status_code == 422 and "Tối đa 5 ảnh" in response.get_data(as_text=True)


def test_the_form_names_the_total_limit_and_an_oversize_send_says_how_to_go_back(client, form, app):
    page = client.get("/de-xuat").get_data(as_text=True)
    total = app.config["MAX_UPLOAD_BYTES"] // (1024 * 1024)
    assert f"mỗi ảnh đến 10 MB và cả lần gửi đến {total} MB" in page
    limit = app.config["MAX_CONTENT_LENGTH"]
    app.config["MAX_CONTENT_LENGTH"] = 50_000  # five phone photos over the limit, in small
    try:
        big = [photo((i * 30, 10, 10), f"a{i}.jpg") for i in range(5)]
        payload = dict(form(client), photos=[(io, name) for io, name in big])
        payload["evidence"] = "x" * 60_000
        response = client.post("/de-xuat", data=payload, content_type="multipart/form-data")
    finally:
        app.config["MAX_CONTENT_LENGTH"] = limit
    text = response.get_data(as_text=True)
    assert response.status_code == 413
    assert f"cả lần gửi tối đa {total} MB" in text and "Bấm “Quay lại” trên trình duyệt" in text
    assert db.session.scalar(db.select(db.func.count(Nomination.id))) == 0


def test_honeypot_keeps_nothing(client, form):
    response = submit(client, form(client, website="http://spam.example"))
    assert response.status_code == 303
    assert client.get(response.headers["Location"]).status_code == 200  # told what a person is told
    assert db.session.scalar(db.select(db.func.count(Nomination.id))) == 0


def test_rate_limit_per_address(client, form, app):
    app.config["NOMINATION_LIMITS"] = "2 per minute"
    codes = [submit(client, form(client)).status_code for _ in range(3)]
    assert codes == [303, 303, 429]
    assert db.session.scalar(db.select(db.func.count(Nomination.id))) == 2
    app.config["NOMINATION_LOOKUP_LIMITS"] = "3 per minute"
    looked = [client.get("/de-xuat/AAAA-BBBB-CCCC").status_code for _ in range(4)]
    assert looked == [404, 404, 404, 429]


def test_missing_csrf_is_refused(client, form):
    data = form(client)
    data.pop("csrf_token")
    assert submit(client, data).status_code == 400
    assert db.session.scalar(db.select(db.func.count(Nomination.id))) == 0


def test_service_check_names_every_field(make_world):
    ward = make_world()["ward"]
    _clean, errors = nominations.check(
        {"nominee_kind": "robot", "locality_id": str(ward.id), "contact_phone": "12", "links": "javascript:x"}
    )
    assert set(errors) == {
        "nominee_name",
        "nominee_kind",
        "deed",
        "links",
        "contact_name",
        "contact_phone",
        "consent",
    }
    assert all(re.search(r"[ạảãáàâấầẩẫậăắằẳẵặđêếềểễệơớờởỡợôốồổỗộưứừửữự]", m) for m in errors.values())


# --- following a nomination -----------------------------------------------------------------------


def test_tracking_page_shows_status_and_reply_never_a_private_field(client, form, people, as_role):
    code = sent_code(client, submit(client, form(client), [photo()]))
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", code)
    nomination = only_nomination()
    editor = people["editor"]
    with transaction():
        nominations.set_status(nomination, "verifying", by=editor)
        nominations.add_note(nomination, "ghi chú mật: đã gọi 0912 345 678", by=editor)
        nominations.reply(nomination, "Cảm ơn bạn, Ban đang xác minh với địa phương.", by=editor)
    for url in (f"/de-xuat/{code}", f"/de-xuat/{code.lower().replace('-', '')}"):
        page = client.get(url)
        html = page.get_data(as_text=True)
        assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
        assert "Bà Nguyễn Thị Tốt" in html and "Đang xác minh" in html
        assert "Cảm ơn bạn, Ban đang xác minh với địa phương." in html
        for private in (
            *PRIVATE_STRINGS,
            "nấu cơm",
            "Bệnh viện xác nhận",
            "baohaiphong.vn/bai-viet",
            "/media/",
        ):
            assert private not in html, private
    assert (
        client.get("/de-xuat/tra-cuu?ma=" + code.lower()).headers["Location"].endswith(code.replace("-", ""))
    )
    bad = client.get("/de-xuat/tra-cuu?ma=abc")
    assert bad.status_code == 400 and "Mã theo dõi gồm 12 chữ và số" in bad.get_data(as_text=True)
    assert client.get("/de-xuat/ZZZZ-ZZZZ-ZZZZ").status_code == 404
    assert client.get("/de-xuat/" + "A" * 200).status_code == 404


def record_consent(exemplar, editor) -> None:
    """The nominee's own consent, which the board obtains before publishing (services/consent.py);
    the nominator's consent to the processing of their data is not it."""
    exemplars.save_exemplar(
        exemplar,
        {
            "consent_date": date(2025, 1, 6),
            "consent_method": ConsentMethod.VERBAL,
            "consent_by": "Cán bộ Ban",
        },
        by=editor,
        created=False,
    )


def test_accepted_shows_the_story_once_it_is_public(client, form, people, make_world):
    code = sent_code(client, submit(client, form(client)))
    nomination = only_nomination()
    with transaction():
        exemplar, story = nominations.convert(nomination, by=people["editor"], field=make_world()["field"])
    html = client.get(f"/de-xuat/{code}").get_data(as_text=True)
    assert "Đã tiếp nhận" in html and story.slug not in html and "đang được chuẩn bị" in html
    with transaction():
        record_consent(exemplar, people["editor"])
        workflow.transition(story, "submit", by=people["editor"])
        workflow.transition(story, "publish", by=people["editor"])
    html = client.get(f"/de-xuat/{code}").get_data(as_text=True)
    assert f'href="/bai-viet/{story.slug}"' in html


def test_confirmation_email_is_logged_when_an_email_was_given(client, form, caplog):
    with caplog.at_level("INFO", logger="showcase.services.nominations"):
        code = sent_code(client, submit(client, form(client)))
    [record] = [r for r in caplog.records if "email to send" in r.getMessage()]
    text = record.getMessage()
    assert "nguoigui@example.vn" in text
    caplog.clear()
    with caplog.at_level("INFO", logger="showcase.services.nominations"):
        sent_code(client, submit(client, form(client, contact_email="")))
    assert not [r for r in caplog.records if "email to send" in r.getMessage()]
    assert code  # the code went in the logged message (encoded as the mail is)


# --- the board's inbox ---------------------------------------------------------------------------


def test_partner_cannot_open_the_inbox_editors_and_admins_can(client, form, as_role):
    sent_code(client, submit(client, form(client), [photo()]))
    nomination = only_nomination()
    asset_id = nomination.photos[0].id
    partner = as_role("a")
    for url in (
        "/admin/nominations/",
        f"/admin/nominations/edit/?id={nomination.id}",
        f"/admin/nominations/details/?id={nomination.id}",
    ):
        assert partner.get(url).status_code == 403, url
    assert partner.post(f"/admin/nominations/convert/{nomination.id}").status_code in (400, 403)
    dashboard = partner.get("/admin/").get_data(as_text=True)
    assert "đề xuất của người dân" not in dashboard.lower() and "0912" not in dashboard
    # the photo a citizen sent is not in the library (a partner cannot even open it)
    assert f"?id={asset_id}" not in partner.get("/admin/media/").get_data(as_text=True)
    assert partner.get(f"/admin/media/details/?id={asset_id}").status_code == 404
    for role in ("editor", "admin"):
        staff = as_role(role)
        listing = staff.get("/admin/nominations/?flt0_0=new").get_data(as_text=True)
        assert "Bà Nguyễn Thị Tốt" in listing
        edit = staff.get(f"/admin/nominations/edit/?id={nomination.id}").get_data(as_text=True)
        assert (
            "0912 345 678" in edit and "nguoigui@example.vn" in edit and "Tạo điển hình và bài nháp" in edit
        )
        assert f"?id={asset_id}" not in staff.get("/admin/media/").get_data(as_text=True)
        assert "đề xuất của người dân: mới nhận" in staff.get("/admin/").get_data(as_text=True)


def test_editor_saves_status_reply_and_notes_through_the_form(client, form, as_role, csrf):
    sent_code(client, submit(client, form(client)))
    nomination = only_nomination()
    editor = as_role("editor")
    url = f"/admin/nominations/edit/?id={nomination.id}"
    response = editor.post(
        url,
        data={
            "csrf_token": csrf(editor, url),
            "status": "rejected",
            "public_reply": "Chưa đủ căn cứ.",
            "note": "Đã gọi điện.",
        },
    )
    assert response.status_code == 302
    nomination = only_nomination()
    assert nomination.status == NominationStatus.REJECTED and nomination.closed_at is not None
    assert nomination.public_reply == "Chưa đủ căn cứ." and nomination.note == "Đã gọi điện."
    actions = set(db.session.scalars(db.select(AuditLog.action).where(AuditLog.object_type == "Nomination")))
    assert {"nomination_submit", "nomination_status", "nomination_reply", "nomination_note"} <= actions
    log = as_role("admin").get("/admin/audit/").get_data(as_text=True)
    assert "Đổi trạng thái đề xuất" in log and "Không tiếp nhận" in log and "rejected" not in log


def test_status_changes_are_for_editors_only_and_reopening_clears_closing(client, form, people):
    sent_code(client, submit(client, form(client)))
    nomination = only_nomination()
    with pytest.raises(ServiceError):
        nominations.set_status(nomination, "accepted", by=people["a"])
    nominations.set_status(nomination, "spam", by=people["editor"])
    assert nomination.closed_at is not None
    nominations.set_status(nomination, "verifying", by=people["editor"])
    assert nomination.closed_at is None
    with pytest.raises(ServiceError):
        nominations.set_status(nomination, "archived", by=people["editor"])


def test_likely_duplicates_fold_the_name_within_the_locality(client, form, make_world):
    world = make_world()
    for name in ("Bà Nguyễn Thị Tốt", "ba nguyen thi tot", "Bà Nguyễn Thị Khác"):
        sent_code(client, submit(client, form(client, nominee_name=name)))
    other_place = db.session.get(type(world["city"]), world["city"].id)
    sent_code(client, submit(client, form(client, locality_id=str(other_place.id))))
    rows = db.session.scalars(db.select(Nomination).order_by(Nomination.id)).all()
    found = nominations.likely_duplicates(rows[0])
    assert [n.nominee_name for n in found] == ["ba nguyen thi tot"]


def test_convert_makes_an_exemplar_and_a_draft_story_in_one_action(client, form, as_role, csrf, make_world):
    field = make_world()["field"]
    sent_code(client, submit(client, form(client, nominee_kind="collective")))
    nomination = only_nomination()
    editor = as_role("editor")
    url = f"/admin/nominations/edit/?id={nomination.id}"
    response = editor.post(
        f"/admin/nominations/convert/{nomination.id}",
        data={"csrf_token": csrf(editor, url), "field": str(field.id)},
    )
    assert response.status_code == 302 and "/admin/stories/edit/" in response.headers["Location"]
    nomination = only_nomination()
    exemplar, story = nomination.exemplar, nomination.story
    assert nomination.status == NominationStatus.ACCEPTED and nomination.closed_at is not None
    assert exemplar.name == "Bà Nguyễn Thị Tốt" and exemplar.kind == ExemplarKind.COLLECTIVE
    assert exemplar.locality_id == nomination.locality_id
    assert story.status == StoryStatus.DRAFT and story.exemplars == [exemplar] and story.field_id == field.id
    assert "Suốt mười năm nấu cơm" in story.body_md and "Lan tỏa lòng nhân ái." in story.body_md
    assert "<https://baohaiphong.vn/bai-viet>" in story.body_md
    for private in PRIVATE_STRINGS:
        assert private not in story.body_md + story.summary + story.title + exemplar.bio_md
    again = editor.post(
        f"/admin/nominations/convert/{nomination.id}",
        data={"csrf_token": csrf(editor, url), "field": str(field.id)},
        follow_redirects=True,
    )
    assert "đã được tạo điển hình" in again.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Exemplar.id))) == 1
    assert db.session.scalar(db.select(db.func.count(Story.id))) == 1


# --- private data never leaves the admin ------------------------------------------------------------


@pytest.fixture
def filed(client, form, people):
    """A nomination with a note, converted and published (so public pages and exports have content)."""
    sent_code(client, submit(client, form(client), [photo()]))
    nomination = only_nomination()
    with transaction():
        nominations.add_note(nomination, "ghi chú mật", by=people["editor"])
        exemplar, story = nominations.convert(nomination, by=people["editor"])
        record_consent(exemplar, people["editor"])
        workflow.transition(story, "submit", by=people["editor"])
        workflow.transition(story, "publish", by=people["editor"])
    return nomination


def test_contact_data_absent_from_content_export(filed, runner, tmp_path):
    result = runner.invoke(args=["content", "export", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    text = "\n".join(
        p.read_text(encoding="utf-8", errors="ignore") for p in (tmp_path / "out").rglob("*") if p.is_file()
    )
    assert "Bà Nguyễn Thị Tốt" in text  # the exemplar and story made from it are content
    for private in PRIVATE_STRINGS:
        assert private not in text, private


def test_contact_data_absent_from_backup_without_the_flag(filed, runner, tmp_path):
    def dump(*flag):
        path = tmp_path / f"b{len(flag)}.zip"
        assert runner.invoke(args=["backup", "create", str(path), *flag]).exit_code == 0
        with zipfile.ZipFile(path) as archive:
            rows = [
                json.loads(line) for line in archive.read("tables/nomination.jsonl").decode().splitlines()
            ]
            everything = b"".join(archive.read(n) for n in archive.namelist() if n.startswith("tables/"))
        return rows, everything.decode("utf-8", "ignore")

    [row], everything = dump()
    assert row["contact_name"] == row["contact_phone"] == row["contact_email"] == ""
    for private in PRIVATE_STRINGS[:4]:
        assert private not in everything, private
    [row], _ = dump("--with-private")
    assert row["contact_phone"] == "0912 345 678" and row["contact_email"] == "nguoigui@example.vn"


def test_contact_data_absent_from_search_and_public_pages(filed, client, app):
    from showcase import search as engine

    story = filed.story
    pages = [
        "/",
        "/bai-viet",
        f"/bai-viet/{story.slug}",
        f"/dien-hinh/{filed.exemplar.slug}",
        "/dien-hinh",
        "/tim-kiem?q=nau+com",
        "/de-xuat",
        "/dia-phuong",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.get_data(as_text=True)
        for private in PRIVATE_STRINGS:
            assert private not in html, (url, private)
    with app.app_context():
        for words in ("Phạm Thị Người Gửi", "nguoigui", "nguoigui@example.vn", "0912345678", "ghi chu mat"):
            assert engine.search(words, {}, "relevance", 1, 10).total == 0, words
        assert engine.search("nau com benh nhan", {}, "relevance", 1, 10).total >= 1


# --- the purge --------------------------------------------------------------------------------------


def test_purge_erases_exactly_the_contacts_of_old_closed_nominations_once(client, form, people, runner, app):
    for name in ("Cũ đã đóng", "Cũ còn mở", "Mới đóng", "Cũ bị từ chối"):
        sent_code(client, submit(client, form(client, nominee_name=f"Ông {name}")))
    rows = {n.nominee_name.removeprefix("Ông "): n for n in db.session.scalars(db.select(Nomination))}
    editor = people["editor"]
    long_ago = utcnow() - timedelta(days=app.config["PRIVATE_DATA_DAYS"] + 5)
    with transaction():
        nominations.set_status(rows["Cũ đã đóng"], "accepted", by=editor)
        nominations.set_status(rows["Mới đóng"], "accepted", by=editor)
        nominations.set_status(rows["Cũ bị từ chối"], "rejected", by=editor)
        nominations.add_note(rows["Cũ bị từ chối"], "Đã gọi 0912 345 678, người gửi xác nhận.", by=editor)
        for key in ("Cũ đã đóng", "Cũ bị từ chối"):
            rows[key].closed_at = long_ago
        for n in rows.values():
            n.created_at = long_ago - timedelta(days=10)
    assert db.session.scalar(
        db.select(db.func.count()).where(AuditLog.ip != "", AuditLog.object_type == "Nomination")
    )
    before = snapshot()
    result = runner.invoke(args=["privacy", "purge"])
    assert result.exit_code == 0
    # the first line is the nominations'; the next, the consultation comments' (none here)
    assert result.output.splitlines()[0] == "Đã xóa thông tin liên hệ của 2 đề xuất đã đóng quá hạn lưu giữ."
    after = snapshot()
    # what changed: the two old closed nominations' contact columns, their note's copy of the phone,
    # their purge time, the address of their audit rows; and one new audit row
    cols = [c.name for c in Nomination.__table__.columns]
    purged_ids = {rows["Cũ đã đóng"].id, rows["Cũ bị từ chối"].id}
    for old, new in zip(before["nomination"], after["nomination"], strict=True):
        changed = {cols[i] for i in range(len(cols)) if old[i] != new[i]}
        row_id = old[cols.index("id")]
        if row_id in purged_ids:
            expected = {"contact_name", "contact_phone", "contact_email", "purged_at"}
            if row_id == rows["Cũ bị từ chối"].id:
                expected.add("note")
            assert changed == expected, changed
            assert new[cols.index("contact_phone")] == "" and new[cols.index("contact_name")] == ""
        else:
            assert changed == set(), changed
    db.session.expire_all()
    note = db.session.get(Nomination, rows["Cũ bị từ chối"].id).note
    assert "0912 345 678" not in note and "[đã xóa]" in note and "người gửi xác nhận" in note
    for table in before:
        if table not in ("nomination", "audit_log"):
            assert before[table] == after[table], table
    [purge_row] = db.session.scalars(db.select(AuditLog).filter_by(action="privacy_purge")).all()
    assert purge_row.detail == {"count": 2, "days": app.config["PRIVATE_DATA_DAYS"]}
    assert not any(p in json.dumps(purge_row.detail, ensure_ascii=False) for p in PRIVATE_STRINGS)
    ips = dict(
        db.session.execute(
            db.select(AuditLog.object_id, AuditLog.ip).where(AuditLog.action == "nomination_submit")
        ).all()
    )
    assert all(ips[i] == "" for i in purged_ids) and all(
        ips[n.id] for k, n in rows.items() if n.id not in purged_ids
    )
    # safe to run twice: nothing more is erased, nothing else is written
    again = runner.invoke(args=["privacy", "purge"])
    assert again.exit_code == 0 and "của 0 đề xuất" in again.output
    assert snapshot() == after
    # the admin says the contact was erased
    text = _admin_edit_text(people, rows["Cũ đã đóng"].id, app)
    assert "Đã xóa thông tin liên hệ" in text


def _admin_edit_text(people, nomination_id, app):
    from tests.conftest import PASSWORD

    client = app.test_client()
    token = re.search(
        r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/dang-nhap").get_data(as_text=True)
    )
    client.post(
        "/dang-nhap",
        data={"email": people["editor"].email, "password": PASSWORD, "csrf_token": token.group(1)},
    )
    return client.get(f"/admin/nominations/edit/?id={nomination_id}").get_data(as_text=True)
