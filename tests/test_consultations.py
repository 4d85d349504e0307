"""Public consultations on award candidates (/lay-y-kien): working days across Tết and 2/9, the
closing time, the comment form (required contact, consent, CSRF, honeypot, rate limit, refused
after the closing time), the board's rules (editors only, called on the service), likely
duplicates, the council's CSV, the press announcement, and the commenters' contacts: never on a
public channel nor in a backup without --with-private, erased by the purge (only they, once)."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from datetime import date, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import holidays
import pytest

from showcase import workdays
from showcase.dates import from_local
from showcase.extensions import db, limiter
from showcase.models import (
    AuditLog,
    CommentStatus,
    Consultation,
    ConsultationCandidate,
    ConsultationComment,
    ConsultationCoverage,
    ConsultationStatus,
    utcnow,
)
from showcase.services import consultations, transaction
from showcase.services.errors import ServiceError
from tests.support import snapshot

CONTACT = {"name": "Lê Thị Góp Ý", "phone": "0987 654 321", "email": "gopy@example.vn"}
CONTENT = "Tôi là hàng xóm, xác nhận ông Cần rất tận tụy với công việc và giúp đỡ mọi người."
PRIVATE = ("Góp Ý", "0987 654 321", "0987654321", "gopy@example.vn", "hàng xóm, xác nhận", "ghi chú mật")


@pytest.fixture(autouse=True)
def _generous_limits(app):
    saved = app.config["CONSULTATION_COMMENT_LIMITS"]
    app.config["CONSULTATION_COMMENT_LIMITS"] = "1000 per minute"
    yield
    app.config["CONSULTATION_COMMENT_LIMITS"] = saved
    with app.app_context():
        limiter.reset()


def post_comment(client, consultation, csrf, **changes):
    url = f"/lay-y-kien/{consultation.slug}"
    data = {
        # a closed page has no form: any page's token serves (it belongs to the session)
        "csrf_token": csrf(client, url if consultations.accepts_comments(consultation) else "/de-xuat"),
        "candidate_id": str(consultation.candidates[0].id),
        "content": CONTENT,
        "consent": "yes",
        **CONTACT,
    }
    data.update(changes)
    return client.post(url, data={k: v for k, v in data.items() if v is not None})


def count_comments() -> int:
    return db.session.scalar(db.select(db.func.count(ConsultationComment.id))) or 0


# --- working days ----------------------------------------------------------------------------------


def test_the_library_knows_tet_and_national_day_2026_2027():
    vn = holidays.country_holidays("VN", years=[2026, 2027])
    # Tết Bính Ngọ (mùng 1 on 17/02/2026) and Tết Đinh Mùi (mùng 1 on 06/02/2027)
    for day in [date(2026, 2, d) for d in range(16, 21)] + [date(2027, 2, d) for d in range(4, 11)]:
        assert day in vn, day
    # 2/9 and the day next to it, each year
    for day in (date(2026, 9, 1), date(2026, 9, 2), date(2027, 9, 2), date(2027, 9, 3)):
        assert day in vn, day
    assert not workdays.is_working_day(date(2027, 2, 8))  # mùng 3 Tết, a Monday
    assert workdays.is_working_day(date(2027, 2, 11))


def test_working_days_across_tet_2027():
    # Thursday 28/01/2027 + 10: Fri 29, Mon 1 – Wed 3 Feb, Tết 4–10 Feb, Thu 11 … Thu 18 Feb
    assert workdays.add_working_days(date(2027, 1, 28), 10) == date(2027, 2, 18)
    # the end of that day, Vietnam time, is 17:00 UTC the same day
    assert workdays.closing_time(date(2027, 1, 28), 10) == datetime(2027, 2, 18, 17, 0)
    assert workdays.last_day(datetime(2027, 2, 18, 17, 0)) == date(2027, 2, 18)


def test_working_days_across_national_day():
    # Thursday 26/08/2027 + 10: 27, 30, 31 Aug, 1 Sep, (2–3 Sep off, 4–5 weekend), 6 … 10, 13 Sep
    assert workdays.add_working_days(date(2027, 8, 26), 10) == date(2027, 9, 13)
    # 2026: 31/8 (swapped day off), 1/9 and 2/9 are off
    assert workdays.add_working_days(date(2026, 8, 28), 3) == date(2026, 9, 7)


def test_working_days_across_a_weekend():
    # Friday 04/12/2026 + 1 is Monday 07/12/2026; + 10 is Friday 18/12/2026
    assert workdays.add_working_days(date(2026, 12, 4), 1) == date(2026, 12, 7)
    assert workdays.add_working_days(date(2026, 12, 4), 10) == date(2026, 12, 18)


def test_working_days_left_never_counts_today():
    closes = workdays.closing_time(date(2026, 12, 4), 10)  # end of Fri 18/12/2026
    assert workdays.working_days_left(datetime(2026, 12, 4, 2, 0), closes) == 10  # the opening day
    assert workdays.working_days_left(datetime(2026, 12, 7, 2, 0), closes) == 9  # Mon 9:00 in Hải Phòng
    assert workdays.working_days_left(datetime(2026, 12, 12, 2, 0), closes) == 5  # a Saturday
    assert workdays.working_days_left(datetime(2026, 12, 18, 2, 0), closes) == 0  # the last day
    assert workdays.working_days_left(datetime(2026, 12, 18, 17, 0), closes) == 0


# --- the board's rules, on the service ---------------------------------------------------------------


def test_editor_opens_consultation_with_computed_closing_and_partner_is_refused(make_world, people):
    ward = make_world()["ward"]
    values = {
        "title": "Lấy ý kiến về đề nghị tặng danh hiệu Chiến sĩ thi đua toàn quốc",
        "award": "Chiến sĩ thi đua toàn quốc",
        "proposing_body": "Ủy ban nhân dân thành phố Hải Phòng",
        "opens_on": date(2026, 12, 4),
        "working_days": 10,
        "closes_at": datetime(2000, 1, 1),  # never taken from a form
        "status": "decided",
    }
    with pytest.raises(ServiceError, match="Chỉ biên tập viên"):
        consultations.create(dict(values), by=people["a"])
    db.session.rollback()
    with transaction():
        consultation = consultations.create(dict(values), by=people["editor"])
    assert consultation.status == ConsultationStatus.DRAFT
    assert consultation.slug == "lay-y-kien-ve-de-nghi-tang-danh-hieu-chien-si-thi-dua-toan-quoc"
    assert consultation.closes_at == datetime(2026, 12, 18, 17, 0)
    with pytest.raises(ServiceError, match="ít nhất một người"):
        consultations.open_(consultation, by=people["editor"])
    with pytest.raises(ServiceError, match="từ 10"):
        consultations.save(consultation, {"working_days": 7}, by=people["editor"], created=False)
    db.session.rollback()
    candidate = ConsultationCandidate()
    values = {"consultation": consultation, "name": "Bà Phạm Thị Mẫu", "locality": ward, "summary": "Giỏi."}
    with pytest.raises(ServiceError, match="Chỉ biên tập viên"):
        consultations.save_candidate(candidate, dict(values), by=people["a"], created=True)
    db.session.rollback()
    with transaction():
        consultations.save_candidate(candidate, dict(values), by=people["editor"], created=True)
    consultation = db.session.get(Consultation, consultation.id)
    with pytest.raises(ServiceError, match="Chỉ biên tập viên"):
        consultations.open_(consultation, by=people["a"])
    with transaction():
        consultations.open_(consultation, by=people["editor"])
    assert consultation.status == ConsultationStatus.OPEN
    actions = db.session.scalars(db.select(AuditLog.action).order_by(AuditLog.id)).all()
    assert actions[-1] == "consultation_open" and "create" in actions


def test_close_only_after_the_term_and_decide_links_commendations(
    make_consultation, make_commendation, people
):
    consultation = make_consultation()
    editor = people["editor"]
    with pytest.raises(ServiceError, match="không được kết thúc sớm"):
        consultations.close(consultation, by=editor)
    with pytest.raises(ServiceError, match="Chỉ biên tập viên"):
        consultations.close(consultation, by=people["b"], now=consultation.closes_at)
    candidate = consultation.candidates[0]
    award = make_commendation(form="Huân chương Lao động hạng Ba", decision_no="77/QĐ-CTN")
    with pytest.raises(ServiceError, match="sau khi ghi quyết định"):
        consultations.save_candidate(candidate, {"commendation": award}, by=editor, created=False)
    db.session.rollback()
    with pytest.raises(ServiceError, match="không sửa được"):
        consultations.close(consultation, by=editor, now=consultation.closes_at)
        consultations.save_candidate(candidate, {"name": "Tên khác"}, by=editor, created=False)
    db.session.rollback()
    with transaction():
        consultations.decide(
            consultation,
            "77/QĐ-CTN",
            workdays.last_day(consultation.closes_at) + timedelta(days=1),
            by=editor,
            now=consultation.closes_at + timedelta(days=1),
        )
        consultations.save_candidate(candidate, {"commendation": award}, by=editor, created=False)
    assert consultation.status == ConsultationStatus.DECIDED
    with pytest.raises(ServiceError, match="không đổi được nữa"):
        consultations.save(consultation, {"working_days": 12}, by=editor, created=False)
    db.session.rollback()


def _imported(make_world, status, opens_on, decision="", decided_on=None, now=None, award=None):
    """Call the importer's entry point as content/consultations.yaml does."""
    ward = make_world()["ward"]
    values = {
        "slug": "dot-nhap-tu-tep",
        "title": "Lấy ý kiến về đề nghị tặng Huân chương Lao động hạng Ba",
        "award": "Huân chương Lao động hạng Ba",
        "proposing_body": "UBND thành phố Hải Phòng",
        "opens_on": opens_on,
        "working_days": 10,
    }
    candidates = [
        {"name": "Ông Trần Văn Cần", "locality": ward, "summary": "Sáng kiến bốc xếp.", "commendation": award}
    ]
    coverage = [{"outlet": "Báo Hải Phòng", "medium": "online", "published_on": opens_on, "url": ""}]
    return consultations.import_consultation(
        values, candidates, coverage, status, decision=decision, decided_on=decided_on, now=now
    )


def test_import_never_closes_early_nor_decides_before_the_end(make_world, make_commendation):
    """The content importer's entry point keeps the editors' rules: closed and decided only once
    the last working day is over, a decision dated after it and not in the future."""
    opens_on = date(2025, 8, 4)  # last working day 18/08/2025
    before_end = from_local(datetime(2025, 8, 18, 20, 0))
    with pytest.raises(ServiceError, match="không được kết thúc sớm"):
        _imported(make_world, ConsultationStatus.CLOSED, opens_on, now=before_end)
    db.session.rollback()
    with pytest.raises(ServiceError, match="phải sau khi hết thời gian lấy ý kiến \\(hết ngày 18/08/2025\\)"):
        _imported(make_world, ConsultationStatus.DECIDED, opens_on, "1/QĐ-CTN", date(2025, 8, 18))
    db.session.rollback()
    with pytest.raises(ServiceError, match="không được sau hôm nay"):
        later = date(2025, 9, 1)
        _imported(
            make_world,
            ConsultationStatus.DECIDED,
            opens_on,
            "1/QĐ-CTN",
            later,
            now=from_local(datetime(2025, 8, 25)),
        )
    db.session.rollback()
    with pytest.raises(ServiceError, match="phải ghi số và ngày"):
        _imported(make_world, ConsultationStatus.DECIDED, opens_on, "")
    db.session.rollback()
    award = make_commendation(form="Huân chương Lao động hạng Ba", decision_no="2135/QĐ-CTN")
    with transaction():
        consultation, created, _changed, _notes = _imported(
            make_world,
            ConsultationStatus.DECIDED,
            opens_on,
            "2135/QĐ-CTN",
            date(2025, 10, 24),
            award=award,
        )
    assert created and consultation.status == ConsultationStatus.DECIDED
    assert consultation.candidates[0].commendation == award and len(consultation.coverage) == 1
    logged = db.session.scalars(db.select(AuditLog).where(AuditLog.object_type.like("Consultation%"))).all()
    assert {(a.user_id, a.detail.get("source")) for a in logged} == {(None, "import")}


def test_an_imported_open_consultation_past_its_time_reads_as_closed(make_world):
    with transaction():
        consultation, *_ = _imported(make_world, ConsultationStatus.OPEN, date(2025, 8, 4))
    assert consultation.status == ConsultationStatus.OPEN
    assert consultations.phase(consultation) == ConsultationStatus.CLOSED
    with pytest.raises(ServiceError, match="Đã hết thời gian lấy ý kiến"):
        consultations.refuse_if_closed(consultation)


def test_no_candidate_is_added_once_published(make_consultation, make_world, people):
    consultation = make_consultation()
    values = {
        "consultation": consultation,
        "name": "Người đến muộn",
        "locality": make_world()["ward"],
        "summary": "x",
    }
    with pytest.raises(ServiceError, match="không thêm người, tập thể được nữa"):
        consultations.save_candidate(ConsultationCandidate(), values, by=people["editor"], created=True)
    db.session.rollback()


def test_the_panel_links_the_commendation_on_an_unchanged_candidate_form(
    as_role, make_consultation, make_commendation, csrf
):
    consultation = make_consultation(status=ConsultationStatus.DECIDED, decision="77/QĐ-CTN")
    candidate = consultation.candidates[0]
    award = make_commendation(form="Huân chương Lao động hạng Ba", decision_no="77/QĐ-CTN")
    editor = as_role("editor")
    url = f"/admin/consultation_candidates/edit/?id={candidate.id}"
    page = editor.get(url).get_data(as_text=True)
    summary = re.search(r'<textarea[^>]*name="summary"[^>]*>\s*([^<]*)</textarea>', page).group(1)
    data = {
        "csrf_token": csrf(editor, url),
        "seen": str(candidate.version),
        "consultation": str(consultation.id),
        "position": "1",
        "kind": "individual",
        "name": candidate.name,
        "role": candidate.role,
        "locality": str(candidate.locality_id),
        "summary": summary.replace("\n", "\r\n"),  # as a browser sends a textarea
        "exemplar": "__None",
        "commendation": str(award.id),
    }
    response = editor.post(url, data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    db.session.expire_all()
    assert db.session.get(ConsultationCandidate, candidate.id).commendation_id == award.id
    data["name"] = "Tên khác"
    data["csrf_token"] = csrf(editor, url)
    data["seen"] = str(db.session.get(ConsultationCandidate, candidate.id).version)
    html = editor.post(url, data=data).get_data(as_text=True)
    assert "danh sách được đề nghị không sửa được nữa" in html
    db.session.expire_all()
    assert db.session.get(ConsultationCandidate, candidate.id).name == "Ông Trần Văn Cần"


def test_a_decided_consultation_links_each_candidate_to_the_register(
    client, make_consultation, make_commendation, people
):
    consultation = make_consultation(status=ConsultationStatus.DECIDED, decision="77/QĐ-CTN")
    award = make_commendation(form="Huân chương Lao động hạng Ba", decision_no="77/QĐ-CTN")
    consultation.candidates[0].commendation = award
    db.session.commit()
    html = client.get(f"/lay-y-kien/{consultation.slug}").get_data(as_text=True)
    assert f'href="/khen-thuong/{award.code}"' in html
    assert "Đã có quyết định khen thưởng: 77/QĐ-CTN" in html and 'name="content"' not in html


# --- the public page and the comment form -------------------------------------------------------------


def test_page_shows_award_dates_countdown_and_a_form_without_javascript(client, make_consultation):
    consultation = make_consultation(opens_on=date(2026, 12, 1))
    response = client.get(f"/lay-y-kien/{consultation.slug}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Huân chương Lao động hạng Ba" in html and "Ủy ban nhân dân thành phố Hải Phòng" in html
    last = workdays.last_day(consultation.closes_at)
    assert 'từ <time datetime="2026-12-01">01/12/2026</time> đến hết' in html
    assert last.strftime("%d/%m/%Y") in html
    left = workdays.working_days_left(utcnow(), consultation.closes_at)
    assert (
        f"Còn {left} ngày làm việc nữa để góp ý, không kể hôm nay (hạn cuối: hết ngày {last:%d/%m/%Y})"
        in html
    )
    assert (
        'name="csrf_token"' in html and 'name="website"' in html and "<script" not in html.split("<main")[1]
    )
    for candidate in consultation.candidates:
        assert candidate.name in html and candidate.summary in html
    assert "Tổ trưởng tổ sản xuất, Công ty Cảng Hải Phòng" in html
    # a candidate's own link picks it in the form
    second = consultation.candidates[1]
    chosen = client.get(f"/lay-y-kien/{consultation.slug}?ung-vien={second.id}").get_data(as_text=True)
    assert f'<option value="{second.id}" selected>' in chosen


def test_comment_goes_through_and_the_citizen_sees_a_confirmation(client, make_consultation, csrf):
    consultation = make_consultation()
    response = post_comment(client, consultation, csrf)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/lay-y-kien/{consultation.slug}/da-gui")
    page = client.get(response.headers["Location"])
    assert page.status_code == 200 and "Ban đã nhận ý kiến" in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store"
    again = client.get(f"/lay-y-kien/{consultation.slug}/da-gui")  # shown once
    assert again.status_code == 302
    [comment] = db.session.scalars(db.select(ConsultationComment)).all()
    assert (comment.name, comment.phone, comment.email) == ("Lê Thị Góp Ý", "0987654321", "gopy@example.vn")
    assert comment.candidate_id == consultation.candidates[0].id and comment.consent
    assert comment.status == CommentStatus.COUNTED and len(comment.ip_hash) == 64
    assert "127.0.0.1" not in json.dumps([comment.ip_hash, comment.note])


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": ""}, "name", "Hãy cho biết họ tên của bạn."),
        ({"phone": "", "email": ""}, "phone", "Hãy để lại số điện thoại hoặc email (ít nhất một)"),
        ({"consent": None}, "consent", "Hãy đánh dấu đồng ý"),
        ({"candidate_id": "999999"}, "candidate_id", "Hãy chọn người hoặc tập thể bạn góp ý."),
        ({"content": "ok"}, "content", "ít nhất 10 ký tự"),
        ({"email": "khong-phai-email", "phone": ""}, "email", "Email chưa đúng"),
    ],
)
def test_required_fields_come_back_named_with_everything_typed(
    client, make_consultation, csrf, changes, field, message
):
    consultation = make_consultation()
    response = post_comment(client, consultation, csrf, **changes)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="{field}-loi">' in html and message in html
    assert CONTENT in html or field == "content"  # nothing typed is lost
    assert count_comments() == 0


def test_only_a_phone_or_only_an_email_is_enough(client, make_consultation, csrf):
    consultation = make_consultation()
    assert post_comment(client, consultation, csrf, email="").status_code == 303
    assert (
        post_comment(client, consultation, csrf, phone="", content="Ý kiến thứ hai, khác hẳn.").status_code
        == 303
    )
    assert count_comments() == 2


def test_comment_after_the_closing_time_is_refused(client, make_consultation, csrf, app):
    consultation = make_consultation(opens_on=date(2026, 1, 5))  # closed in January 2026
    with pytest.raises(ServiceError, match="Đã hết thời gian lấy ý kiến"):
        consultations.add_comment(consultation, {**CONTACT, "content": CONTENT, "consent": True})
    db.session.rollback()
    page = client.get(f"/lay-y-kien/{consultation.slug}").get_data(as_text=True)
    assert "Đã hết thời gian lấy ý kiến" in page and 'name="content"' not in page
    response = post_comment(client, consultation, csrf)
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    last = workdays.last_day(consultation.closes_at).strftime("%d/%m/%Y")
    assert f"Đã hết thời gian lấy ý kiến về danh sách này (hết ngày {last})" in html
    assert count_comments() == 0
    # one second before the closing time it is still taken; at the closing time, no more
    before = consultation.closes_at - timedelta(seconds=1)
    values = {**CONTACT, "candidate_id": consultation.candidates[0].id, "content": CONTENT, "consent": True}
    with transaction():
        consultations.add_comment(consultation, values, now=before)
    with pytest.raises(ServiceError):
        consultations.add_comment(consultation, values, now=consultation.closes_at)
    db.session.rollback()


def test_drafts_are_not_public(client, make_consultation, csrf):
    draft = make_consultation(status=ConsultationStatus.DRAFT, title="Bản nháp bí mật")
    for url in (
        f"/lay-y-kien/{draft.slug}",
        f"/lay-y-kien/{draft.slug}/thong-bao.txt",
        f"/lay-y-kien/{draft.slug}/bao-chi.zip",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/lay-y-kien/{draft.slug}", data={}).status_code in (400, 404)
    for url in ("/lay-y-kien", "/lay-y-kien/feed.xml", "/sitemap.xml"):
        assert "Bản nháp bí mật" not in client.get(url).get_data(as_text=True)
        assert draft.slug not in client.get(url).get_data(as_text=True)


def test_honeypot_keeps_nothing(client, make_consultation, csrf):
    consultation = make_consultation()
    response = post_comment(client, consultation, csrf, website="http://spam.example")
    assert response.status_code == 303
    assert client.get(response.headers["Location"]).status_code == 200
    assert count_comments() == 0


def test_missing_csrf_is_refused(client, make_consultation):
    consultation = make_consultation()
    response = client.post(
        f"/lay-y-kien/{consultation.slug}",
        data={
            "candidate_id": str(consultation.candidates[0].id),
            "content": CONTENT,
            "consent": "yes",
            **CONTACT,
        },
    )
    assert response.status_code == 400 and count_comments() == 0


def test_rate_limit_per_address(client, make_consultation, csrf, app):
    consultation = make_consultation()
    app.config["CONSULTATION_COMMENT_LIMITS"] = "2 per minute"
    codes = [
        post_comment(client, consultation, csrf, content=f"Ý kiến số {i} của tôi.").status_code
        for i in range(3)
    ]
    assert codes == [303, 303, 429]
    assert count_comments() == 2


def test_likely_duplicates_are_marked(client, make_consultation, csrf):
    consultation = make_consultation()
    first, second = consultation.candidates
    post_comment(client, consultation, csrf)
    # the same person (name folded, same phone) again, in other words
    post_comment(client, consultation, csrf, name="le thi gop y", content="Tôi nhắc lại: ông Cần rất tốt.")
    # the same words (folded) from someone else
    post_comment(
        client, consultation, csrf, name="Ai Khác", phone="0911 111 111", email="", content=CONTENT.upper()
    )
    # the same person on another candidate, and someone else in other words: counted
    post_comment(client, consultation, csrf, candidate_id=str(second.id))
    post_comment(
        client,
        consultation,
        csrf,
        name="Người Thứ Ba",
        phone="0922 222 222",
        email="",
        content="Đồng ý.......",
    )
    rows = db.session.scalars(db.select(ConsultationComment).order_by(ConsultationComment.id)).all()
    assert [r.status for r in rows] == [
        CommentStatus.COUNTED,
        CommentStatus.DUPLICATE,
        CommentStatus.DUPLICATE,
        CommentStatus.COUNTED,
        CommentStatus.COUNTED,
    ]
    assert f"Có thể trùng với ý kiến mã {rows[0].id}" in rows[1].note


def test_marking_spam_is_for_editors(make_consultation, people, client, csrf):
    consultation = make_consultation()
    post_comment(client, consultation, csrf)
    comment = db.session.scalar(db.select(ConsultationComment))
    with pytest.raises(ServiceError, match="Chỉ biên tập viên"):
        consultations.set_comment_status(comment, "spam", by=people["a"])
    with transaction():
        assert consultations.set_comment_status(comment, "spam", by=people["editor"])
    assert db.session.get(ConsultationComment, comment.id).status == CommentStatus.SPAM


# --- the board's screens, the council's CSV ---------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/admin/consultations/",
        "/admin/consultation_candidates/",
        "/admin/consultation_comments/",
        "/admin/consultation_coverage/",
    ],
)
def test_partner_never_opens_the_consultation_screens(as_role, url, make_consultation):
    make_consultation()
    assert as_role("a").get(url).status_code == 403
    assert as_role("editor").get(url).status_code == 200
    assert as_role("admin").get(url).status_code == 200


def test_comments_listed_per_candidate_with_contacts_for_editors_and_export(
    as_role, make_consultation, client, csrf, people
):
    consultation = make_consultation()
    post_comment(client, consultation, csrf)
    post_comment(
        client,
        consultation,
        csrf,
        content='=HYPERLINK("http://x") ông Cần rất tốt',
        name="Người Hai",
        phone="0933 333 333",
    )
    editor = as_role("editor")
    first = consultation.candidates[0]
    second = consultation.candidates[1]
    post_comment(
        client, consultation, csrf, candidate_id=str(second.id), name="Người Ba", phone="0944 44 44 44"
    )
    edit = editor.get(f"/admin/consultations/edit/?id={consultation.id}").get_data(as_text=True)
    link = f"/admin/consultation_comments/?flt0_1={first.id}"
    assert link in edit
    listing = editor.get(link).get_data(as_text=True)
    assert "Lê Thị Góp Ý" in listing and "Người Hai" in listing and "Người Ba" not in listing
    assert "Người Ba" in editor.get("/admin/consultation_comments/?flt0_0=counted").get_data(as_text=True)
    edit = editor.get(f"/admin/consultations/edit/?id={consultation.id}").get_data(as_text=True)
    assert "Xuất ý kiến (CSV) cho Hội đồng" in edit and "Xem ý kiến" in edit
    export = editor.get(f"/admin/consultations/export/{consultation.id}")
    assert export.status_code == 200 and export.mimetype == "text/csv"
    assert "attachment" in export.headers["Content-Disposition"]
    text = export.get_data().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:4] == ["STT", "Người, tập thể được đề nghị", "Địa phương", "Mã ý kiến"]  # header first
    assert rows[1][5:8] == ["Lê Thị Góp Ý", "0987 654 321", "gopy@example.vn"] and rows[1][8] == CONTENT
    assert rows[2][8].startswith("'=HYPERLINK")  # never run as a formula
    assert rows[1][9] == "Hợp lệ"
    assert f'filename="y-kien-{consultation.slug}.csv"' in export.headers["Content-Disposition"]
    assert as_role("a").get(f"/admin/consultations/export/{consultation.id}").status_code == 403
    with pytest.raises(ServiceError, match="Chỉ biên tập viên"):
        consultations.export_csv(consultation, by=people["b"])
    assert db.session.scalar(db.select(db.func.count()).where(AuditLog.action == "consultation_export")) == 1


def test_editor_creates_a_consultation_and_a_candidate_in_the_panel(as_role, make_world, csrf):
    ward = make_world()["ward"]
    editor = as_role("editor")
    data = {
        "csrf_token": csrf(editor, "/admin/consultations/new/"),
        "title": "Lấy ý kiến đề nghị tặng Bằng khen của Thủ tướng",
        "slug": "",
        "award": "Bằng khen của Thủ tướng Chính phủ",
        "proposing_body": "Sở Nội vụ thành phố Hải Phòng",
        "intro": "",
        "opens_on": "2027-01-28",
        "working_days": "10",
    }
    assert editor.post("/admin/consultations/new/", data=data).status_code == 302
    consultation = db.session.scalar(db.select(Consultation))
    assert consultation.closes_at == datetime(2027, 2, 18, 17, 0)  # across Tết 2027
    data = {
        "csrf_token": csrf(editor, "/admin/consultation_candidates/new/"),
        "consultation": str(consultation.id),
        "position": "1",
        "kind": "individual",
        "name": "Ông Đặng Văn Thử",
        "role": "Kỹ sư",
        "locality": str(ward.id),
        "summary": "Nhiều sáng kiến.",
    }
    assert editor.post("/admin/consultation_candidates/new/", data=data).status_code == 302
    assert [c.name for c in db.session.get(Consultation, consultation.id).candidates] == ["Ông Đặng Văn Thử"]
    token = csrf(editor, f"/admin/consultations/edit/?id={consultation.id}")
    editor.post(f"/admin/consultations/open/{consultation.id}", data={"csrf_token": token})
    db.session.expire_all()
    assert db.session.get(Consultation, consultation.id).status == ConsultationStatus.OPEN


# --- the press: announcement, pack, coverage, feed ---------------------------------------------------


def test_announcement_text_and_press_pack(client, make_consultation, people):
    consultation = make_consultation(opens_on=date(2026, 12, 1))
    with transaction():
        item = ConsultationCoverage()
        consultations.save_coverage(
            item,
            {
                "consultation": consultation,
                "outlet": "Báo Hải Phòng",
                "medium": "print",
                "published_on": date(2026, 12, 1),
            },
            by=people["editor"],
            created=True,
        )
    with pytest.raises(ServiceError):
        consultations.save_coverage(
            ConsultationCoverage(), {"consultation": consultation}, by=people["a"], created=True
        )
    db.session.rollback()
    text = client.get(f"/lay-y-kien/{consultation.slug}/thong-bao.txt")
    assert text.status_code == 200 and text.mimetype == "text/plain"
    body = text.get_data(as_text=True)
    last = workdays.last_day(consultation.closes_at).strftime("%d/%m/%Y")
    assert "Lấy ý kiến nhân dân về danh sách đề nghị tặng Huân chương Lao động hạng Ba" in body
    assert f"từ ngày 01/12/2026 đến hết ngày {last} (10 ngày làm việc)" in body
    assert "1. Ông Trần Văn Cần, Tổ trưởng tổ sản xuất" in body and "2. Trường Tiểu học Đồ Sơn" in body
    assert f"/lay-y-kien/{consultation.slug}" in body
    pack = client.get(f"/lay-y-kien/{consultation.slug}/bao-chi.zip")
    assert pack.status_code == 200 and pack.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(pack.get_data())) as archive:
        assert sorted(archive.namelist()) == ["danh-sach.csv", "lien-he.txt", "thong-bao.txt"]
        assert archive.read("thong-bao.txt").decode() == body
        assert "Trường Tiểu học Đồ Sơn" in archive.read("danh-sach.csv").decode("utf-8-sig")
    page = client.get(f"/lay-y-kien/{consultation.slug}").get_data(as_text=True)
    assert "01/12/2026</time> · Báo Hải Phòng (báo in)" in page
    assert "Ông Trần Văn Cần, Tổ trưởng tổ sản xuất" in page  # the announcement block


def test_list_puts_open_consultations_first_and_the_feed_lists_only_them(client, make_consultation):
    closed = make_consultation(title="Đợt đã xong", opens_on=date(2026, 1, 5))
    open_one = make_consultation(title="Đợt đang mở")
    html = client.get("/lay-y-kien").get_data(as_text=True)
    assert html.index("Đợt đang mở") < html.index("Đợt đã xong")
    assert "Đã hết thời gian lấy ý kiến" in html and "ngày làm việc" in html
    feed = client.get("/lay-y-kien/feed.xml")
    assert feed.status_code == 200 and feed.mimetype == "application/rss+xml"
    xml = feed.get_data(as_text=True)
    assert "Đợt đang mở" in xml and "Đợt đã xong" not in xml
    assert f"/lay-y-kien/{open_one.slug}" in xml
    sitemap = client.get("/sitemap.xml").get_data(as_text=True)
    for item in (closed, open_one):
        assert f"/lay-y-kien/{item.slug}</loc>" in sitemap
    assert "/lay-y-kien</loc>" in sitemap
    footer = client.get("/").get_data(as_text=True)
    assert 'href="/lay-y-kien"' in footer


# --- private data never leaves the admin ------------------------------------------------------------


@pytest.fixture
def commented(client, make_consultation, csrf, people):
    consultation = make_consultation()
    assert post_comment(client, consultation, csrf).status_code == 303
    comment = db.session.scalar(db.select(ConsultationComment))
    with transaction():
        consultations.set_comment_note(comment, "ghi chú mật", by=people["editor"])
    return consultation


def test_comments_never_on_public_pages_feeds_api_search_sitemap_or_open_data(commented, client, app):
    from showcase import search as engine

    urls = [
        "/",
        "/lay-y-kien",
        f"/lay-y-kien/{commented.slug}",
        f"/lay-y-kien/{commented.slug}/thong-bao.txt",
        "/lay-y-kien/feed.xml",
        "/feed.xml",
        "/atom.xml",
        "/sitemap.xml",
        "/du-lieu-mo",
        "/du-lieu-mo/khen-thuong.csv",
        "/api/v1/",
        "/api/v1/stories",
        "/api/v1/exemplars",
        "/api/v1/search?q=gop+y",
        "/tim-kiem?q=gop+y",
        "/tim-kiem?q=hang+xom",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.get_data(as_text=True)
        for private in PRIVATE:
            assert private not in text, (url, private)
    pack = client.get(f"/lay-y-kien/{commented.slug}/bao-chi.zip").get_data()
    with zipfile.ZipFile(io.BytesIO(pack)) as archive:
        inside = "".join(archive.read(n).decode("utf-8", "ignore") for n in archive.namelist())
    assert not any(p in inside for p in PRIVATE)
    with app.app_context():
        for words in ("Góp Ý", "gopy@example.vn", "0987654321", "hang xom xac nhan"):
            assert engine.search(words, {}, "relevance", 1, 10).total == 0, words


def test_comments_contacts_absent_from_backup_without_the_flag(commented, runner, tmp_path):
    def dump(*flag):
        path = tmp_path / f"b{len(flag)}.zip"
        result = runner.invoke(args=["backup", "create", str(path), *flag])
        assert result.exit_code == 0, result.output
        with zipfile.ZipFile(path) as archive:
            lines = archive.read("tables/consultation_comment.jsonl").decode().splitlines()
            everything = b"".join(archive.read(n) for n in archive.namelist() if n.startswith("tables/"))
        return [json.loads(line) for line in lines], everything.decode("utf-8", "ignore")

    [row], everything = dump()
    assert row["name"] == row["phone"] == row["email"] == row["ip_hash"] == ""
    assert row["content"] == CONTENT  # the words are the council's record; the contacts are not
    for private in ("Lê Thị Góp Ý", "0987654321", "gopy@example.vn"):
        assert private not in everything, private
    [row], _ = dump("--with-private")
    assert (row["name"], row["phone"], row["email"]) == ("Lê Thị Góp Ý", "0987654321", "gopy@example.vn")


def test_purge_erases_comment_contacts_and_only_them_once(
    client, make_consultation, csrf, people, runner, app
):
    old = make_consultation(title="Đợt cũ", opens_on=date(2026, 1, 5))
    recent = make_consultation(title="Đợt mới")
    values = {**CONTACT, "content": CONTENT, "consent": True}
    with transaction():
        for consultation in (old, recent):
            consultations.add_comment(
                consultation,
                {**values, "candidate_id": consultation.candidates[0].id},
                address="10.0.0.9",
                now=consultation.closes_at - timedelta(hours=1),
            )
    old_comment, recent_comment = db.session.scalars(
        db.select(ConsultationComment).order_by(ConsultationComment.id)
    )
    with transaction():
        consultations.set_comment_note(old_comment, "Đã gọi 0987654321, bà xác nhận.", by=people["editor"])
    old.closes_at = utcnow() - timedelta(days=app.config["PRIVATE_DATA_DAYS"] + 1)
    db.session.commit()
    before = snapshot()
    result = runner.invoke(args=["privacy", "purge"])
    assert result.exit_code == 0, result.output
    assert "của 1 ý kiến góp ý" in result.output
    after = snapshot()
    cols = [c.name for c in ConsultationComment.__table__.columns]
    for was, now in zip(before["consultation_comment"], after["consultation_comment"], strict=True):
        changed = {cols[i] for i in range(len(cols)) if was[i] != now[i]}
        if was[cols.index("id")] == old_comment.id:
            assert changed == {"name", "phone", "email", "ip_hash", "name_key", "note", "purged_at"}, changed
        else:
            assert changed == set()
    for table in before:
        if table not in ("consultation_comment", "audit_log"):
            assert before[table] == after[table], table
    db.session.expire_all()
    erased = db.session.get(ConsultationComment, old_comment.id)
    assert (erased.name, erased.phone, erased.email) == ("[đã xóa]", "", "")
    assert erased.content == CONTENT and "0987654321" not in erased.note and "bà xác nhận" in erased.note
    kept = db.session.get(ConsultationComment, recent_comment.id)
    assert kept.email == "gopy@example.vn"
    [purge_row] = db.session.scalars(db.select(AuditLog).filter_by(action="privacy_purge")).all()
    assert purge_row.detail == {"comments": 1, "days": app.config["PRIVATE_DATA_DAYS"]}
    again = runner.invoke(args=["privacy", "purge"])
    assert again.exit_code == 0 and "của 0 ý kiến góp ý" in again.output
    assert snapshot() == after


def test_comment_table_is_private_to_the_data_generation():
    from showcase import generation

    # a comment changes no public page: it must not empty every worker's caches either
    assert "consultation_comment" in generation.PRIVATE_TABLES


# --- the review of the consultation feature (issue fixcons12) ---------------------------------------


def _today() -> date:
    return (utcnow() + timedelta(hours=7)).date()


def _decided(consultation, editor, number="77/QĐ-CTN"):
    """Close the consultation at its time and record a decision the day after its last day."""
    after = workdays.last_day(consultation.closes_at) + timedelta(days=1)
    with transaction():
        consultations.decide(
            consultation, number, after, by=editor, now=consultation.closes_at + timedelta(days=1)
        )
    return after


def test_dates_are_fixed_once_published(make_consultation, people, as_role, csrf):
    editor = people["editor"]
    running = make_consultation()  # open now
    closes = running.closes_at
    for change in (
        {"opens_on": running.opens_on + timedelta(days=1)},
        {"working_days": 15},
        {"opens_on": running.opens_on - timedelta(days=30), "working_days": 60},
    ):
        with pytest.raises(ServiceError, match="ngày bắt đầu và số ngày làm việc không đổi được nữa"):
            consultations.save(running, dict(change), by=editor, created=False)
        db.session.rollback()
    running = db.session.get(Consultation, running.id)
    assert running.closes_at == closes
    # the same dates with another title go through
    with transaction():
        consultations.save(
            running,
            {"title": "Tiêu đề đã sửa", "opens_on": running.opens_on, "working_days": running.working_days},
            by=editor,
            created=False,
        )
    # closed by time (still OPEN in the table): no reopening by moving the dates
    ended = make_consultation(opens_on=date(2026, 1, 5))
    with pytest.raises(ServiceError, match="không đổi được nữa"):
        consultations.save(ended, {"opens_on": _today()}, by=editor, created=False)
    db.session.rollback()
    assert consultations.phase(db.session.get(Consultation, ended.id)) == ConsultationStatus.CLOSED
    # a draft's dates still move
    draft = make_consultation(status=ConsultationStatus.DRAFT)
    with transaction():
        consultations.save(draft, {"working_days": 12}, by=editor, created=False)
    assert draft.working_days == 12
    # the panel shows them read-only, and a forged post is refused
    panel = as_role("editor")
    url = f"/admin/consultations/edit/?id={running.id}"
    page = panel.get(url).get_data(as_text=True)
    assert re.search(r'<input[^>]*name="working_days"[^>]*readonly', page)
    assert re.search(r'<input[^>]*name="opens_on"[^>]*readonly', page)
    data = {
        "csrf_token": csrf(panel, url),
        "seen": str(running.version),
        "title": running.title,
        "slug": running.slug,
        "award": running.award,
        "proposing_body": running.proposing_body,
        "intro": running.intro,
        "opens_on": running.opens_on.isoformat(),
        "working_days": "20",
    }
    html = panel.post(url, data=data).get_data(as_text=True)
    assert "không đổi được nữa" in html
    db.session.expire_all()
    assert db.session.get(Consultation, running.id).working_days == 10


@pytest.mark.parametrize(
    ("number", "day", "message"),
    [
        ("sai định dạng", 1, "không đúng dạng số quyết định"),
        ("", 1, "Hãy ghi số quyết định"),
        ("1234", 1, "không đúng dạng số quyết định"),
        ("77/QĐ-CTN", None, "Hãy chọn ngày ký quyết định"),
        ("77/QĐ-CTN", 0, "phải sau khi hết thời gian lấy ý kiến"),  # the last day itself
        ("77/QĐ-CTN", 3, "không được sau hôm nay"),
    ],
)
def test_a_decision_needs_a_number_in_form_and_a_date_after_closing(
    make_consultation, people, number, day, message
):
    consultation = make_consultation()
    last = workdays.last_day(consultation.closes_at)
    now = consultation.closes_at + timedelta(days=1)  # the day after the last day
    decided_on = None if day is None else last + timedelta(days=day)
    with pytest.raises(ServiceError, match=message):
        consultations.decide(consultation, number, decided_on, by=people["editor"], now=now)
    db.session.rollback()
    assert db.session.get(Consultation, consultation.id).decision == ""


def test_a_decision_is_recorded_and_corrected_with_an_audit_row(make_consultation, people, as_role, csrf):
    consultation = make_consultation()
    editor = people["editor"]
    after = _decided(consultation, editor, number="12/2027/QĐ-CTN")
    assert consultation.status == ConsultationStatus.DECIDED
    assert consultation.decision == f"12/2027/QĐ-CTN ngày {after:%d/%m/%Y}"
    assert consultations.decision_parts(consultation) == ("12/2027/QĐ-CTN", after)
    with transaction():
        consultations.decide(
            consultation, "1234/QĐ-CTN", after, by=editor, now=consultation.closes_at + timedelta(days=2)
        )
    assert consultation.decision == f"1234/QĐ-CTN ngày {after:%d/%m/%Y}"
    fix = db.session.scalar(db.select(AuditLog).where(AuditLog.action == "consultation_decision_fix"))
    assert fix.detail == {
        "decision_before": f"12/2027/QĐ-CTN ngày {after:%d/%m/%Y}",
        "decision": f"1234/QĐ-CTN ngày {after:%d/%m/%Y}",
    }
    with pytest.raises(ServiceError, match="Chỉ biên tập viên"):
        consultations.decide(consultation, "1/QĐ-CTN", after, by=people["a"])
    db.session.rollback()
    # the panel: a correction form prefilled with the decision; a bad number is refused, said why
    panel = as_role("editor")
    url = f"/admin/consultations/edit/?id={consultation.id}"
    page = panel.get(url).get_data(as_text=True)
    assert (
        'value="1234/QĐ-CTN"' in page and f'value="{after.isoformat()}"' in page and "Sửa quyết định" in page
    )
    response = panel.post(
        f"/admin/consultations/decide/{consultation.id}",
        data={
            "csrf_token": csrf(panel, url),
            "decision_number": "sai định dạng",
            "decision_date": after.isoformat(),
        },
        follow_redirects=True,
    )
    assert "không đúng dạng số quyết định" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Consultation, consultation.id).decision.startswith("1234/QĐ-CTN")
    # nor can the decision be typed through the consultation's own form
    with pytest.raises(ServiceError, match="Ghi quyết định"):
        consultations.save(consultation, {"decision": "bất kỳ"}, by=editor, created=False)
    db.session.rollback()


def test_press_list_leaves_an_empty_cell_empty_and_shares_the_formula_guard(make_consultation):
    from showcase import announce, spreadsheet

    consultation = make_consultation()
    second = consultation.candidates[1]
    assert second.role == ""
    second.summary = "-5% chi phí; =SUM(A1)"
    db.session.commit()
    rows = list(csv.reader(io.StringIO(announce.candidates_csv(consultation).lstrip("\ufeff"))))
    assert rows[2][3] == ""  # not a lone apostrophe
    assert rows[2][5] == "'-5% chi phí; =SUM(A1)"
    assert spreadsheet.safe_cell("") == "" and spreadsheet.safe_cell(None) == ""
    assert spreadsheet.safe_cell("@x") == "'@x" and spreadsheet.safe_cell(12) == "12"
    # one guard for both files: neither module keeps its own
    assert announce.safe_cell is spreadsheet.safe_cell is consultations.safe_cell


def test_council_csv_names_comments_by_mã_and_keeps_phones_as_text(make_consultation, client, csrf, people):
    consultation = make_consultation()
    post_comment(client, consultation, csrf)
    post_comment(client, consultation, csrf, name="le thi gop y", content="Tôi nhắc lại: ông Cần rất tốt.")
    text = consultations.export_csv(consultation, by=people["editor"])
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    header = rows[0]
    assert header[0] == "STT" and "Số ý kiến" not in header  # no title lines above the header
    code = header.index("Mã ý kiến")
    first, second = rows[1], rows[2]
    assert f"Có thể trùng với ý kiến mã {first[code]}" in second[header.index("Ghi chú của Ban")]
    phone = first[header.index("Điện thoại")]
    assert phone == "0987 654 321" and not phone.startswith(("=", "'"))
    assert consultations.export_name(consultation) == f"y-kien-{consultation.slug}.csv"


def test_phone_cells_keep_the_leading_zero_in_groups():
    from showcase.spreadsheet import phone_cell

    assert phone_cell("0912345678") == "0912 345 678"
    assert phone_cell("02253842123") == "0225 384 2123"
    assert phone_cell("") == ""


def test_countdown_never_counts_today_and_names_the_deadline(make_consultation):
    consultation = make_consultation(opens_on=date(2026, 12, 4))  # a Friday; last day Fri 18/12/2026
    say = consultations.countdown
    assert say(consultation, datetime(2026, 12, 3, 2)) == (
        "Bắt đầu nhận ý kiến từ ngày 04/12/2026; hạn cuối: hết ngày 18/12/2026."
    )
    assert say(consultation, datetime(2026, 12, 4, 2)) == (
        "Còn 10 ngày làm việc nữa để góp ý, không kể hôm nay (hạn cuối: hết ngày 18/12/2026)."
    )
    assert say(consultation, datetime(2026, 12, 17, 2)).startswith("Còn 1 ngày làm việc nữa")
    assert say(consultation, datetime(2026, 12, 18, 16, 59)) == (
        "Hôm nay là ngày cuối cùng để góp ý (hạn cuối: hết ngày 18/12/2026)."
    )
    assert say(consultation, datetime(2026, 12, 18, 17, 0)) == ""


def test_public_page_list_and_admin_on_the_opening_day_and_the_last_day(client, make_consultation, as_role):
    today = _today()
    opening = make_consultation(opens_on=today, working_days=10)
    last = workdays.last_day(opening.closes_at)
    page = client.get(f"/lay-y-kien/{opening.slug}").get_data(as_text=True)
    assert f"Còn 10 ngày làm việc nữa để góp ý, không kể hôm nay (hạn cuối: hết ngày {last:%d/%m/%Y})" in page
    assert "Còn 11" not in page
    # the last day: the stored closing time is the end of today
    ending = make_consultation(
        title="Đợt sắp hết",
        opens_on=today - timedelta(days=20),
        closes_at=workdays.from_local(today + timedelta(days=1)),
    )
    page = client.get(f"/lay-y-kien/{ending.slug}").get_data(as_text=True)
    assert f"Hôm nay là ngày cuối cùng để góp ý (hạn cuối: hết ngày {today:%d/%m/%Y})" in page
    assert 'name="content"' in page
    listing = client.get("/lay-y-kien").get_data(as_text=True)
    assert "Hôm nay là ngày cuối cùng để góp ý" in listing and "Còn 10 ngày làm việc nữa" in listing
    admin = as_role("editor").get(f"/admin/consultations/edit/?id={ending.id}").get_data(as_text=True)
    assert "Hôm nay là ngày cuối cùng để góp ý" in admin


def test_shortcuts_prefill_the_consultation_and_come_back(as_role, make_consultation, make_world, csrf):
    draft = make_consultation(status=ConsultationStatus.DRAFT)
    editor = as_role("editor")
    screen = f"/admin/consultations/edit/?id={draft.id}"
    page = editor.get(screen).get_data(as_text=True)
    back = f"/admin/consultations/edit/?id={draft.id}"
    add = (
        re.search(r'href="(/admin/consultation_candidates/new/\?[^"]+)"', page).group(1).replace("&amp;", "&")
    )
    press = (
        re.search(r'href="(/admin/consultation_coverage/new/\?[^"]+)"', page).group(1).replace("&amp;", "&")
    )
    for url in (add, press):
        query = parse_qs(urlsplit(url).query)
        assert query["consultation"] == [str(draft.id)] and query["url"] == [back]
    for url in (add, press):
        form = editor.get(url).get_data(as_text=True)
        assert (
            f'<option selected value="{draft.id}">' in form or f'<option value="{draft.id}" selected' in form
        )
    data = {
        "csrf_token": csrf(editor, add),
        "consultation": str(draft.id),
        "position": "3",
        "kind": "individual",
        "name": "Bà Vũ Thị Mới",
        "role": "",
        "locality": str(make_world()["ward"].id),
        "summary": "Nhiều năm làm công tác xã hội.",
    }
    response = editor.post(add, data=data)
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/admin/consultations/edit/?id={draft.id}"
    )
    data = {
        "csrf_token": csrf(editor, press),
        "consultation": str(draft.id),
        "outlet": "Báo Hải Phòng",
        "medium": "print",
        "published_on": _today().isoformat(),
        "url": "",
    }
    response = editor.post(press, data=data)
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/admin/consultations/edit/?id={draft.id}"
    )
    assert db.session.scalar(db.select(db.func.count(ConsultationCoverage.id))) == 1
    # an unknown or forged consultation leaves the choice empty, no error
    assert editor.get("/admin/consultation_candidates/new/?consultation=99999999").status_code == 200
    assert editor.get("/admin/consultation_candidates/new/?consultation=x%27").status_code == 200


def test_comment_edit_screen_shows_the_comment_to_judge(as_role, make_consultation, client, csrf):
    consultation = make_consultation()
    post_comment(client, consultation, csrf)
    post_comment(
        client, consultation, csrf, name="le thi gop y", content="Mua hàng giá rẻ tại http://spam.example"
    )
    first, second = db.session.scalars(db.select(ConsultationComment).order_by(ConsultationComment.id)).all()
    page = as_role("editor").get(f"/admin/consultation_comments/edit/?id={second.id}").get_data(as_text=True)
    for shown in (
        f"Ý kiến mã {second.id}",
        "Ông Trần Văn Cần",
        "Mua hàng giá rẻ tại http://spam.example",
        "le thi gop y",
        'href="tel:0987654321">0987 654 321</a>',
        "gopy@example.vn",
        f"ý kiến mã {first.id}</a>",
    ):
        assert shown in page, shown
    assert 'name="status"' in page and 'name="note"' in page
    assert 'name="content"' not in page  # read-only


def test_a_late_comment_gives_the_words_back_with_the_boards_contact(client, make_consultation, csrf, app):
    consultation = make_consultation(opens_on=date(2026, 1, 5))
    words = "Ý kiến viết muộn nhưng rất dài và tâm huyết về ông Cần, xin Ban xem xét."
    response = post_comment(client, consultation, csrf, content=words)
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert re.search(r"<textarea[^>]*readonly[^>]*>" + re.escape(words) + "</textarea>", html)
    assert app.config["PRESS_EMAIL"] in html and app.config["AGENCY"]["address"] in html
    assert 'name="content"' not in html  # nothing to send again


def test_wording_of_the_announcement_confirmation_errors_and_help(client, make_consultation, csrf, as_role):
    consultation = make_consultation()
    text = client.get(f"/lay-y-kien/{consultation.slug}/thong-bao.txt").get_data(as_text=True)
    assert "Ý kiến xin gửi trực tuyến tại" in text and "Ý kiến góp ý" not in text
    sent = client.get(post_comment(client, consultation, csrf).headers["Location"]).get_data(as_text=True)
    assert "không được tính" not in sent
    html = post_comment(client, consultation, csrf, content="x" * 100_000).get_data(as_text=True)
    assert "Nội dung ý kiến dài quá: tối đa 3.000 ký tự (bạn đã nhập 100.000)." in html
    html = post_comment(client, consultation, csrf, name="T" * 1234).get_data(as_text=True)
    assert "Họ tên dài quá: tối đa 200 ký tự (bạn đã nhập 1.234)." in html
    form = as_role("editor").get(f"/admin/consultations/edit/?id={consultation.id}").get_data(as_text=True)
    assert "In trong thông báo ngay sau đoạn mở đầu chuẩn" in form


def test_an_audit_row_names_the_comment_and_the_candidate(make_consultation, client, csrf, people, as_role):
    consultation = make_consultation()
    post_comment(client, consultation, csrf)
    comment = db.session.scalar(db.select(ConsultationComment))
    with transaction():
        consultations.set_comment_status(comment, "spam", by=people["editor"])
        consultations.set_comment_note(comment, "Quảng cáo", by=people["editor"])
    rows = db.session.scalars(
        db.select(AuditLog).where(AuditLog.object_type == "ConsultationComment").order_by(AuditLog.id)
    ).all()
    assert [r.action for r in rows] == [
        "consultation_comment",
        "consultation_comment_status",
        "consultation_comment_note",
    ]
    for row in rows:
        assert row.detail["comment_id"] == comment.id and row.detail["candidate"] == "Ông Trần Văn Cần"
    log = as_role("admin").get("/admin/audit/").get_data(as_text=True)
    assert f"Ý kiến mã {comment.id} về Ông Trần Văn Cần" in log
    assert f"Ý kiến mã: {comment.id} · Về người, tập thể: Ông Trần Văn Cần" in log
    assert "Lê Thị Góp Ý" not in log  # never the commenter's name
