"""The write side's rules, each from a reproduction: review means review, coverage and photos
by role, concurrent saves, preview links, bad numbers in the panel."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from showcase.extensions import db
from showcase.models import (
    AuditLog,
    CoverageItem,
    CoverageMedium,
    MediaAsset,
    Movement,
    Revision,
    Story,
    StoryStatus,
    utcnow,
)
from showcase.services import coverage, media, preview, stories, workflow
from showcase.services.errors import ServiceError, StaleError
from showcase.services.media import add_image
from tests.forms import as_post_data, form_fields
from tests.support import csrf_token, image_bytes


def fresh(model, record_id):
    db.session.expire_all()
    return db.session.get(model, record_id)


def post_form(client, address: str, **changes):
    """Open an edit or create form, change some fields, post it as a browser would."""
    data = as_post_data(form_fields(client.get(address).get_data(as_text=True))) | changes
    return client.post(address, data=data)


# --- review means review ---------------------------------------------------------------------


def test_partner_edit_of_a_scheduled_story_goes_back_to_review(as_role, people, make_story):
    story = make_story(title="Bài hẹn giờ", status=StoryStatus.IN_REVIEW, author=people["a"])
    workflow.transition(story, "schedule", by=people["editor"], when=utcnow() + timedelta(hours=1))
    db.session.commit()
    client = as_role("a")
    response = post_form(
        client, f"/admin/stories/edit/?id={story.id}", body_md="Đã sửa: [xem](https://lua-dao.example)"
    )
    assert response.status_code == 302
    story = fresh(Story, story.id)
    assert story.status == StoryStatus.IN_REVIEW and story.publish_at is None
    row = db.session.scalar(db.select(AuditLog).filter_by(action="resubmit", object_id=story.id))
    assert row is not None and row.user_id == people["a"].id and "cleared_schedule" in row.detail
    assert workflow.publish_due(utcnow() + timedelta(days=1)) == []  # nothing goes out unreviewed
    dashboard = as_role("editor").get("/admin/").get_data(as_text=True)
    assert "Bài hẹn giờ" in dashboard  # back in the editors' queue


def test_an_editors_edit_keeps_the_schedule(people, make_story):
    story = make_story(status=StoryStatus.IN_REVIEW, author=people["a"])
    when = utcnow() + timedelta(hours=2)
    workflow.transition(story, "schedule", by=people["editor"], when=when)
    stories.update(story, {"title": "Tiêu đề biên tập lại"}, by=people["editor"])
    assert story.publish_at == when


# --- coverage ------------------------------------------------------------------------------------


def test_partner_coverage_is_public_only_after_approval(app, as_role, people, make_story, client):
    own = make_story(title="Bài của A", author=people["a"])
    make_story(title="Nháp bí mật của B", status=StoryStatus.DRAFT, author=people["b"])
    partner = as_role("a")
    form = partner.get("/admin/coverage/new/").get_data(as_text=True)
    assert "Bài của A" in form and "Nháp bí mật của B" not in form
    response = post_form(
        partner,
        "/admin/coverage/new/",
        story=str(own.id),
        outlet="Báo Hải Phòng",
        title="Người lái đò trên sông Cấm",
        url="https://baohaiphong.vn/nguoi-lai-do",
        medium="print",
        published_on="2025-05-01",
    )
    assert response.status_code == 302
    assert "Người lái đò trên sông Cấm" not in client.get(f"/bai-viet/{own.slug}").get_data(as_text=True)
    item = db.session.scalar(db.select(CoverageItem))
    editor = as_role("editor")
    assert "Người lái đò trên sông Cấm" in editor.get("/admin/").get_data(as_text=True)  # waiting
    editor.post(f"/admin/coverage/approve/{item.id}", data={"csrf_token": csrf_token(editor, "/admin/")})
    assert fresh(CoverageItem, item.id).approved_by_id == people["editor"].id
    assert "Người lái đò trên sông Cấm" in client.get(f"/bai-viet/{own.slug}").get_data(as_text=True)


def test_partner_cannot_record_coverage_of_another_story(people, make_story):
    other = make_story(author=people["b"])
    item = CoverageItem()
    values = {
        "story": other,
        "outlet": "Báo",
        "title": "Tin",
        "url": "",
        "medium": CoverageMedium.ONLINE,
        "published_on": date(2025, 1, 1),
    }
    with pytest.raises(ServiceError, match="bài viết của mình"):
        coverage.save(item, values, by=people["a"], created=True)


# --- photos ----------------------------------------------------------------------------------------


def test_partner_edits_only_own_unpublished_photos_and_each_edit_is_a_revision(as_role, people, make_story):
    own = add_image(image_bytes(90, 60), "cua-a.jpg")
    own.uploaded_by_id = people["a"].id
    theirs = add_image(image_bytes(91, 60), "cua-b.jpg")
    theirs.uploaded_by_id = people["b"].id
    db.session.commit()
    client = as_role("a")
    ok = post_form(client, f"/admin/media/edit/?id={own.id}", credit="Ảnh: Báo Hải Phòng")
    assert ok.status_code == 302 and fresh(MediaAsset, own.id).credit == "Ảnh: Báo Hải Phòng"
    kept = db.session.scalars(
        db.select(Revision).filter_by(object_type="MediaAsset", object_id=own.id).order_by(Revision.id)
    ).all()
    assert kept and kept[-1].data["credit"] == "Ảnh: Báo Hải Phòng"
    assert client.get(f"/admin/media/edit/?id={theirs.id}").status_code == 302  # read-only
    with pytest.raises(ServiceError):
        media.update(fresh(MediaAsset, theirs.id), {"credit": "Chiếm"}, by=people["a"])
    make_story(cover=fresh(MediaAsset, own.id))  # now on a published page
    assert client.get(f"/admin/media/edit/?id={own.id}").status_code == 302
    with pytest.raises(ServiceError, match="trang đã đăng"):
        media.update(fresh(MediaAsset, own.id), {"credit": "Đổi sau khi đăng"}, by=people["a"])
    media.update(fresh(MediaAsset, own.id), {"credit": "Biên tập viên sửa"}, by=people["editor"])


# --- two saves from the same version ------------------------------------------------------------


def test_two_saves_from_the_same_version_only_the_first_lands(app, people, make_story):
    story = make_story()
    seen = story.version
    stories.update(story, {"title": "Lần lưu thứ nhất"}, by=people["editor"], seen=seen)
    db.session.commit()
    with pytest.raises(StaleError):
        stories.update(story, {"title": "Lần lưu thứ hai"}, by=people["editor"], seen=seen)
    db.session.rollback()
    # the race the check cannot see: both loaded version N before either wrote
    other = Session(db.engine)
    try:
        twin = other.get(Story, story.id)
        story = fresh(Story, story.id)
        story.title = "Người thứ nhất"
        twin.title = "Người thứ hai"
        db.session.commit()
        with pytest.raises(StaleDataError):
            other.commit()
    finally:
        other.rollback()
        other.close()
    assert fresh(Story, story.id).title == "Người thứ nhất"


# --- preview links ------------------------------------------------------------------------------


def test_preview_links_die_when_retracted_or_revoked(app, client, people, make_story):
    story = make_story(status=StoryStatus.IN_REVIEW, author=people["a"])
    with app.test_request_context():
        token = preview.make_token(story)
    assert client.get(f"/xem-truoc/{token}").status_code == 200
    preview.revoke(story, by=people["editor"])
    db.session.commit()
    assert client.get(f"/xem-truoc/{token}").status_code == 404
    with app.test_request_context():
        token = preview.make_token(fresh(Story, story.id))
    assert client.get(f"/xem-truoc/{token}").status_code == 200
    story = fresh(Story, story.id)
    workflow.transition(story, "publish", by=people["editor"])
    workflow.transition(story, "retract", by=people["editor"], text="Sai sự thật")
    db.session.commit()
    assert client.get(f"/xem-truoc/{token}").status_code == 404
    with pytest.raises(ServiceError):
        preview.revoke(story, by=people["a"])


# --- accounts in the panel ------------------------------------------------------------------------


def test_admin_cannot_change_own_role_through_the_form(as_role, people):
    client = as_role("admin")
    response = post_form(client, f"/admin/users/edit/?id={people['admin'].id}", role="editor")
    assert "Không thể tự đổi vai trò" in response.get_data(as_text=True)
    assert fresh(type(people["admin"]), people["admin"].id).role.value == "admin"


# --- numbers and filters in the panel are never a 500 ------------------------------------------


@pytest.mark.parametrize(
    "url, status",
    [
        ("/admin/stories/?flt0_0=published", 200),
        ("/admin/stories/?flt0_0=khong-co", 200),
        ("/admin/stories/?page=99999999999999999999", 404),
        ("/admin/stories/?page=-1", 404),
        ("/admin/stories/edit/?id=99999999999999999999", 404),
        ("/admin/stories/details/?id=99999999999999999999", 404),
        ("/admin/stories/history/99999999999999999999", 404),
        ("/admin/commendations/edit/?id=abc", 404),
        ("/admin/stories/?sort=99999999999999999999", 200),
        ("/admin/audit/?flt0_0=x", 200),
    ],
)
def test_admin_bad_numbers_and_filters(as_role, make_story, people, url, status):
    make_story(title="Bài đã đăng để lọc")
    make_story(title="Bản nháp để lọc", status=StoryStatus.DRAFT)
    response = as_role("editor").get(url)
    assert response.status_code == status
    if "flt0_0=published" in url:
        page = response.get_data(as_text=True)
        assert "Bài đã đăng để lọc" in page and "Bản nháp để lọc" not in page


def test_the_user_form_offers_a_reset_link(as_role, people, csrf):
    client = as_role("admin")
    page = client.get(f"/admin/users/edit/?id={people['a'].id}").get_data(as_text=True)
    action = f"/tai-khoan/{people['a'].id}/lien-ket-dat-lai"
    assert action in page and "Tạo liên kết đặt lại mật khẩu" in page
    shown = client.post(action, data={"csrf_token": csrf(client, "/admin/")})
    assert shown.status_code == 200 and "/dat-lai-mat-khau/" in shown.get_data(as_text=True)


# --- found by trying the panel as its users would ----------------------------------------------


def test_bad_numbers_and_dates_are_named_not_500(as_role, people, make_story, make_commendation, csrf):
    editor = as_role("editor")
    story = make_story(status=StoryStatus.IN_REVIEW, author=people["a"])
    response = editor.post(
        f"/admin/stories/workflow/{story.id}/schedule",
        data={"when": "0001-01-01T00:00", "csrf_token": csrf(editor, "/admin/")},
        follow_redirects=True,
    )
    assert response.status_code == 200 and "không hợp lệ" in response.get_data(as_text=True)
    far = editor.post(
        f"/admin/stories/workflow/{story.id}/schedule",
        data={"when": "9999-12-31T23:59", "csrf_token": csrf(editor, "/admin/")},
        follow_redirects=True,
    )
    assert "trong vòng một năm" in far.get_data(as_text=True) and fresh(Story, story.id).publish_at is None
    movement = db.session.scalar(db.select(Movement))
    huge = post_form(editor, f"/admin/movements/edit/?id={movement.id}", start_year="99999999999999999999")
    assert huge.status_code == 200 and "Năm bắt đầu phải là một năm" in huge.get_data(as_text=True)
    commendation = make_commendation()
    old = post_form(editor, f"/admin/commendations/edit/?id={commendation.id}", decision_date="0999-06-15")
    assert "Ngày quyết định phải từ 01/01/1945" in old.get_data(as_text=True)
    assert fresh(type(commendation), commendation.id).decision_date.year == 2023
    admin = as_role("admin")
    reset = admin.post(
        "/tai-khoan/99999999999999999999/lien-ket-dat-lai", data={"csrf_token": csrf(admin, "/admin/")}
    )
    assert reset.status_code == 404


def test_lists_show_vietnam_time(as_role, people, make_story):
    story = make_story(status=StoryStatus.IN_REVIEW, author=people["a"])
    workflow.transition(
        story, "schedule", by=people["editor"], when=utcnow().replace(hour=1, minute=0) + timedelta(days=2)
    )
    db.session.commit()
    page = as_role("editor").get("/admin/stories/").get_data(as_text=True)
    assert re.search(r"\d\d/\d\d/\d{4} 08:00\b", page) and "01:00:00" not in page


def test_a_resubmitted_story_loses_the_old_request_and_the_partner_is_told(as_role, people, make_story):
    story = make_story(status=StoryStatus.IN_REVIEW, author=people["a"])
    workflow.transition(story, "request_changes", by=people["editor"], text="Thêm số liệu năm 2024")
    workflow.transition(story, "submit", by=people["a"])
    db.session.commit()
    assert fresh(Story, story.id).review_comment == ""
    partner = as_role("a")
    response = post_form(partner, f"/admin/stories/edit/?id={story.id}", summary="Tóm tắt mới hơn")
    assert response.status_code == 302
    assert "quay lại hàng chờ duyệt" in partner.get(response.headers["Location"]).get_data(as_text=True)
    with pytest.raises(ServiceError, match="dài quá"):
        workflow.transition(fresh(Story, story.id), "request_changes", by=people["editor"], text="x" * 1001)


def test_dashboard_approves_coverage(as_role, people, make_story, csrf):
    story = make_story(author=people["a"])
    item = CoverageItem()
    values = {
        "story": story,
        "outlet": "Báo Hải Phòng",
        "title": "Tin chờ duyệt",
        "url": "",
        "medium": CoverageMedium.PRINT,
        "published_on": date(2025, 1, 1),
    }
    coverage.save(item, values, by=people["a"], created=True)
    db.session.commit()
    page = as_role("editor").get("/admin/").get_data(as_text=True)
    assert f"/admin/coverage/approve/{item.id}" in page


def test_a_password_with_the_whole_email_is_refused():
    from showcase.services import accounts

    with pytest.raises(ServiceError, match="email"):
        accounts.check_password("pv@haiphong.test-2026", email="pv@haiphong.test")


def test_restoring_an_exemplar_keeps_its_commendations_ids(people, make_commendation):
    from showcase.models import Commendation, Exemplar, TrashItem
    from showcase.services import exemplars, trash

    commendation = make_commendation()
    exemplar_id, commendation_id = commendation.exemplar_id, commendation.id
    exemplars.delete(db.session.get(Exemplar, exemplar_id), by=people["editor"])
    db.session.commit()
    trash.restore(db.session.scalar(db.select(TrashItem)), by=people["editor"])
    db.session.commit()
    assert fresh(Commendation, commendation_id) is not None
    assert fresh(Commendation, commendation_id).exemplar_id == exemplar_id
