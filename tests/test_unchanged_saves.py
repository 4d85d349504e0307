"""A save that changes nothing changes nothing: every admin edit form, opened by every role that
may open it and posted back exactly as a browser would, leaves every table as it was."""

from __future__ import annotations

from datetime import date

import pytest

from showcase.extensions import db
from showcase.models import (
    CollectiveSize,
    Commendation,
    CommendationLevel,
    CommentStatus,
    Consultation,
    ConsultationCandidate,
    ConsultationComment,
    ConsultationCoverage,
    CoverageItem,
    CoverageMedium,
    Exemplar,
    ExemplarKind,
    Field,
    Gender,
    Locality,
    MediaAsset,
    Movement,
    Nomination,
    NominationStatus,
    Sector,
    Story,
    StoryStatus,
    User,
    WorkRole,
)
from showcase.services.media import add_image
from tests.forms import as_post_data, form_fields
from tests.support import image_bytes, snapshot


@pytest.fixture
def site(people, make_story, make_exemplar, make_commendation, make_world, make_consultation):
    """One record of every kind, with enum values that are not the first of their select."""
    world = make_world()
    collective = make_exemplar(
        name="Hợp tác xã Thủy sản",
        kind=ExemplarKind.COLLECTIVE,
        sector=Sector.NON_STATE,
        collective_size=CollectiveSize.OTHER,
    )
    make_exemplar(name="Trần Thị Thử", gender=Gender.UNSTATED, work_role=WorkRole.MANAGEMENT)
    make_commendation(exemplar=collective, level=CommendationLevel.LOCAL, decision_no="77/QĐ-UBND")
    make_commendation(
        exemplar=collective,
        level=CommendationLevel.MINISTRY,
        decision_no="78/QĐ-BNV",
        revoked_decision_no="9/QĐ-BNV",
        revoked_on=date(2024, 1, 2),
        revoked_reason="Sai sót hồ sơ",
    )
    photo = add_image(image_bytes(80, 60), "anh-cua-a.jpg")
    photo.uploaded_by_id, photo.alt_text, photo.credit = people["a"].id, "Ảnh thử", "Báo Hải Phòng"
    draft = make_story(
        title="Nháp của A", status=StoryStatus.DRAFT, author=people["a"], exemplars=[collective]
    )
    review = make_story(title="Chờ duyệt của A", status=StoryStatus.IN_REVIEW, author=people["a"])
    make_story(title="Bài đã đăng", author=people["editor"], cover=None)
    for story, who, medium in [(draft, "a", CoverageMedium.TV), (review, "editor", CoverageMedium.RADIO)]:
        db.session.add(
            CoverageItem(
                story=story,
                outlet="Đài PT-TH Hải Phòng",
                title=f"Tin của {who}",
                url="https://thhp.vn/tin",
                published_on=date(2025, 5, 1),
                medium=medium,
                created_by_id=people[who].id,
            )
        )
    db.session.add(
        Nomination(
            nominee_name="Bà Nguyễn Thị Tốt",
            deed="Nấu cơm miễn phí cho bệnh nhân nghèo.",
            locality=world["ward"],
            contact_name="Người gửi",
            contact_phone="0912 345 678",
            status=NominationStatus.VERIFYING,
            public_reply="Ban đang xác minh.",
            note="Đã gọi điện.",
        )
    )
    consultation = make_consultation()
    db.session.add(
        ConsultationComment(
            candidate=consultation.candidates[1],
            name="Người góp ý",
            phone="0912345678",
            content="Đồng ý với đề nghị.",
            consent=True,
            status=CommentStatus.DUPLICATE,
            note="Trùng ý kiến trước.",
        )
    )
    db.session.add(
        ConsultationCoverage(
            consultation=consultation,
            outlet="Đài PT-TH Hải Phòng",
            medium=CoverageMedium.TV,
            published_on=date(2026, 12, 1),
            url="https://thhp.vn/lay-y-kien",
        )
    )
    db.session.commit()
    return world


ROLES = {
    "stories": ("admin", "editor", "a"),
    "exemplars": ("admin", "editor"),
    "commendations": ("admin", "editor"),
    "movements": ("admin", "editor"),
    "fields": ("admin", "editor"),
    "localities": ("admin", "editor"),
    "media": ("admin", "editor", "a"),
    "coverage": ("admin", "editor", "a"),
    "nominations": ("admin", "editor"),
    "users": ("admin",),
    "consultations": ("admin", "editor"),
    "consultation_candidates": ("admin", "editor"),
    "consultation_comments": ("admin", "editor"),
    "consultation_coverage": ("admin", "editor"),
}
MODELS = {
    "stories": Story,
    "exemplars": Exemplar,
    "commendations": Commendation,
    "movements": Movement,
    "fields": Field,
    "localities": Locality,
    "media": MediaAsset,
    "coverage": CoverageItem,
    "nominations": Nomination,
    "users": User,
    "consultations": Consultation,
    "consultation_candidates": ConsultationCandidate,
    "consultation_comments": ConsultationComment,
    "consultation_coverage": ConsultationCoverage,
}


@pytest.mark.parametrize("role", ["admin", "editor", "a"])
def test_every_edit_form_saved_unchanged_changes_nothing(site, as_role, role):
    client = as_role(role)
    opened = 0
    for endpoint, roles in ROLES.items():
        if role not in roles:
            continue
        ids = db.session.scalars(db.select(MODELS[endpoint].id).order_by(MODELS[endpoint].id)).all()
        for record_id in ids:
            url = f"/admin/{endpoint}/edit/?id={record_id}"
            page = client.get(url)
            if page.status_code != 200:  # not this role's row: 403/404, or shown read-only
                assert page.status_code in (302, 403, 404), (url, page.status_code)
                continue
            fields = form_fields(page.get_data(as_text=True))
            assert any(name == "csrf_token" for name, _ in fields), url
            before = snapshot()
            response = client.post(url, data=as_post_data(fields))
            assert response.status_code == 302, (url, response.get_data(as_text=True)[-3000:])
            after = snapshot()
            changed = {
                t: ([r for r in before[t] if r not in after[t]], [r for r in after[t] if r not in before[t]])
                for t in before
                if before[t] != after[t]
            }
            assert not changed, (url, changed)
            opened += 1
    expected_minimum = {"admin": 20, "editor": 19, "a": 4}[role]
    assert opened >= expected_minimum


def test_enum_selects_show_labels_and_the_stored_value(site, as_role):
    client = as_role("admin")
    collective = db.session.scalar(db.select(Exemplar).filter_by(kind=ExemplarKind.COLLECTIVE))
    html = client.get(f"/admin/exemplars/edit/?id={collective.id}").get_data(as_text=True)
    assert dict(form_fields(html))["kind"] == "collective"
    assert ">Tập thể</option>" in html and ">collective<" not in html
    chosen = dict(form_fields(html))
    assert chosen["sector"] == "non_state" and chosen["collective_size"] == "other"
    assert chosen["gender"] == "" and "— chưa rõ —" in html  # not recorded: the empty choice
    partner = db.session.scalar(db.select(User).filter_by(email="a@haiphong.test"))
    html = client.get(f"/admin/users/edit/?id={partner.id}").get_data(as_text=True)
    assert dict(form_fields(html))["role"] == "partner" and "Đối tác báo chí" in html
    new = client.get("/admin/exemplars/new/").get_data(as_text=True)
    fields = dict(form_fields(new))
    assert fields["kind"] == "" and fields["locality"] == "__None"  # "— chọn —", not the first row
    assert "— chọn —" in new


def test_a_required_choice_left_empty_is_named_not_saved(site, as_role):
    client = as_role("editor")
    html = client.get("/admin/stories/new/").get_data(as_text=True)
    data = as_post_data(form_fields(html)) | {"title": "Bài chưa chọn lĩnh vực"}
    response = client.post("/admin/stories/new/", data=data)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Hãy chọn lĩnh vực." in page and "Hãy chọn địa phương." in page
    assert db.session.scalar(db.select(Story).filter_by(title="Bài chưa chọn lĩnh vực")) is None
