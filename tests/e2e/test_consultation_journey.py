"""An editor opens a consultation on award candidates in the panel; a citizen on a 390 px phone,
without JavaScript, opens it, comments on a candidate (a first try without consent comes back
filled in), sees the confirmation; the editor then finds the comment, with its contact, listed
under the candidate."""

from __future__ import annotations

import os
import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from showcase.dates import to_local
from showcase.models import utcnow

pytestmark = pytest.mark.e2e
TITLE = "Lấy ý kiến nhân dân về đề nghị tặng Huân chương Lao động hạng Ba năm 2026"


def _shot(page, name: str) -> None:
    folder = os.environ.get("CONSULTATION_SHOTS")
    if folder:
        page.screenshot(path=f"{folder}/{name}.png", full_page=True)


def _fits(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_citizen_comments_on_a_candidate_from_a_phone(live_server, browser, editor, log_in):
    staff = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    admin = staff.new_page()
    log_in(admin, live_server, editor)
    admin.goto(live_server + "/admin/consultations/new/")
    admin.fill("#title", TITLE)
    admin.fill("#award", "Huân chương Lao động hạng Ba")
    admin.fill("#proposing_body", "Ủy ban nhân dân thành phố Hải Phòng")
    admin.fill("#intro", "Ý kiến của nhân dân giúp Hội đồng xét chọn đúng người, đúng thành tích.")
    yesterday = (to_local(utcnow()) - timedelta(days=1)).date()
    admin.fill("#opens_on", yesterday.isoformat())
    _shot(admin, "admin-new-1280")
    admin.click("input[type=submit][value='Lưu']")
    expect(admin.locator(".alert-danger")).to_have_count(0)
    admin.goto(live_server + "/admin/consultation_candidates/new/")
    # select2 hides the <select>; the sample content has consultations of its own
    admin.select_option("#consultation", label=TITLE, force=True)
    admin.select_option("#kind", "individual", force=True)
    admin.fill("#name", "Ông Nguyễn Văn Cảng")
    admin.fill("#role", "Tổ trưởng bốc xếp, Cảng Chùa Vẽ")
    admin.select_option("#locality", index=1, force=True)
    admin.fill(
        "#summary", "Mười năm liền hoàn thành xuất sắc nhiệm vụ; ba sáng kiến được công nhận cấp thành phố."
    )
    admin.click("input[type=submit][value='Lưu']")
    expect(admin.locator(".alert-danger")).to_have_count(0)
    admin.goto(live_server + "/admin/consultations/")
    admin.locator("tr", has_text=TITLE).locator("a[href*='/admin/consultations/edit/']").first.click()
    admin.click("text=Công bố, mở lấy ý kiến")
    expect(admin.locator("body")).to_contain_text("Đã công bố danh sách")
    _shot(admin, "admin-edit-1280")
    public_url = admin.locator("a[href*='/lay-y-kien/']").first.get_attribute("href")
    assert public_url

    phone = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="vi-VN", java_script_enabled=False
    )
    page = phone.new_page()
    page.goto(live_server + "/lay-y-kien")
    expect(page.locator(".consult-countdown").first).to_contain_text("ngày làm việc")
    _fits(page, 390)
    _shot(page, "list-390")
    page.click(f"text={TITLE}")
    expect(page.locator("h1")).to_contain_text("Huân chương Lao động hạng Ba")
    expect(page.locator(".consult-countdown")).to_contain_text("Còn")
    _fits(page, 390)
    _shot(page, "page-390")
    page.click("text=Góp ý về Ông Nguyễn Văn Cảng")
    assert page.eval_on_selector("#candidate_id", "s => s.options[s.selectedIndex].text").endswith(
        "Ông Nguyễn Văn Cảng"
    )
    page.fill("#content", "Tôi làm cùng cảng, xác nhận anh Cảng rất tận tụy và hay giúp anh em mới vào nghề.")
    page.fill("#name", "Trần Thị Công Nhân")
    page.fill("#phone", "0912 888 999")
    page.click("button.nom-submit")  # consent not ticked: the form comes back
    expect(page.locator("#consent-loi")).to_contain_text("Hãy đánh dấu đồng ý")
    assert page.input_value("#name") == "Trần Thị Công Nhân"
    assert page.input_value("#content").startswith("Tôi làm cùng cảng")
    _fits(page, 390)
    _shot(page, "form-errors-390")
    page.check("#consent")
    page.click("button.nom-submit")
    page.wait_for_url(re.compile(r".*/da-gui(#gop-y)?$"))  # the form's #gop-y survives the redirect
    expect(page.locator("h1")).to_have_text("Cảm ơn bạn: Ban đã nhận ý kiến")
    _fits(page, 390)
    _shot(page, "sent-390")
    page.goto(live_server + public_url)
    assert "0912 888 999" not in page.content() and "Trần Thị Công Nhân" not in page.content()
    phone.close()

    admin.goto(live_server + "/admin/consultation_comments/")
    expect(admin.locator("body")).to_contain_text("Trần Thị Công Nhân")
    _shot(admin, "comments-1280")
    admin.click("a[href*='/admin/consultation_comments/details/']")
    expect(admin.locator("body")).to_contain_text("0912888999")
    _shot(admin, "comment-details-1280")
    staff.close()

    # the same screens on a desktop (the public ones) and on a phone (the panel's), looked at too
    desk = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    wide = desk.new_page()
    wide.goto(live_server + "/lay-y-kien")
    _shot(wide, "list-1280")
    wide.goto(live_server + public_url)
    _fits(wide, 1280)
    _shot(wide, "page-1280")
    wide.select_option("#candidate_id", index=1)
    wide.fill("#content", "Tôi đồng tình với đề nghị, anh Cảng xứng đáng được khen thưởng.")
    wide.fill("#name", "Phạm Văn Đọc")
    wide.fill("#email", "doc@example.vn")
    wide.check("#consent")
    wide.click("button.nom-submit")
    expect(wide.locator("h1")).to_have_text("Cảm ơn bạn: Ban đã nhận ý kiến")
    _shot(wide, "sent-1280")
    desk.close()
    small = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
    admin = small.new_page()
    log_in(admin, live_server, editor)
    admin.goto(live_server + "/admin/consultations/")
    admin.locator("tr", has_text=TITLE).locator("a[href*='/admin/consultations/edit/']").first.click()
    expect(admin.locator("body")).to_contain_text("Xuất ý kiến (CSV) cho Hội đồng")
    _shot(admin, "admin-edit-390")
    admin.goto(live_server + "/admin/consultation_comments/")
    _shot(admin, "comments-390")
    small.close()
