"""An editor's journey in a real Chromium: log in, write a story, submit, approve, publish,
see it on the public site; then retract it and see it gone."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e
PASSWORD = "song-cam-mua-thu-2026"


def test_editor_publishes_then_retracts(live_server, browser, editor):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()
    page.goto(live_server + "/admin/")
    assert "/dang-nhap" in page.url  # anonymous: sent to the login page
    page.fill("#email", editor)
    page.fill("#password", PASSWORD)
    page.click("form.login-form button[type=submit]")
    page.wait_for_url("**/admin/")
    assert "Tổng quan" in page.content()

    page.goto(live_server + "/admin/stories/new/")
    page.fill("#title", "Ngọn hải đăng Hòn Dáu kể chuyện người gác đèn")
    page.fill("#summary", "Ba mươi năm giữ ánh đèn cho tàu thuyền vào cảng Hải Phòng.")
    page.fill(
        "#body_md",
        "Ông **Sáu** gác đèn từ năm 1995.\n\n## Ánh đèn không tắt\n\nMỗi đêm ông lên 110 bậc thang.",
    )
    page.select_option("#field", label="Y tế", force=True)  # select2 hides the <select>
    page.select_option("#locality", index=1, force=True)
    page.click("[name=_continue_editing]")  # save, then stay on the story's edit page
    page.wait_for_url("**/admin/stories/edit/**")
    assert page.locator("#title").input_value() == "Ngọn hải đăng Hòn Dáu kể chuyện người gác đèn"
    for step in ("Gửi duyệt", "Duyệt và đăng"):
        page.click(f"form.workflow-form button:has-text('{step}')")
        page.wait_for_load_state("load")
        assert page.locator(".alert-success, .alert-info").first.is_visible()
    assert "Đã đăng" in page.locator("#workflow-title").inner_text()

    public = context.new_page()
    public.goto(live_server + "/bai-viet/ngon-hai-dang-hon-dau-ke-chuyen-nguoi-gac-den")
    assert public.locator("h1").inner_text() == "Ngọn hải đăng Hòn Dáu kể chuyện người gác đèn"
    assert public.locator(".story-body strong").inner_text() == "Sáu"

    # a correction, then the history: compare the two versions and restore the first
    page.fill("#title", "Ngọn hải đăng Hòn Dáu và người gác đèn")
    page.click("[name=_continue_editing]")
    page.wait_for_url("**/admin/stories/edit/**")
    edit_url = page.url
    page.click("text=Lịch sử sửa đổi")
    page.wait_for_url("**/history/**")
    assert page.locator("tbody tr").count() == 2
    page.click("text=Xem khác biệt")
    page.wait_for_load_state("load")
    text = page.inner_text("body")  # the changed words are marked <del>/<ins>: read the text
    assert "kể chuyện người gác đèn" in text and "và người gác đèn" in text
    page.click("text=Lịch sử sửa đổi")
    page.wait_for_load_state("load")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("button:has-text('Khôi phục phiên bản này')")
    page.wait_for_load_state("load")
    assert page.locator("tbody tr").count() == 3
    page.goto(edit_url)
    assert page.locator("#title").input_value() == "Ngọn hải đăng Hòn Dáu kể chuyện người gác đèn"

    page.once("dialog", lambda dialog: dialog.accept())  # the confirmation admin.js adds
    page.fill("#text-retract", "Thông tin về năm công tác chưa được kiểm chứng")
    page.click("form.workflow-form button:has-text('Thu hồi')")
    page.wait_for_load_state("load")
    assert "Đã thu hồi" in page.locator("#workflow-title").inner_text()
    response = public.goto(live_server + "/bai-viet/ngon-hai-dang-hon-dau-ke-chuyen-nguoi-gac-den")
    assert response.status == 410  # gone, with its notice: the title, the date, the public reason
    assert "Thông tin về năm công tác chưa được kiểm chứng" in public.locator("main").inner_text()

    page.goto(live_server + "/admin/audit/")
    audit = page.content()
    for action in ("login", "create", "submit", "publish", "edit", "restore", "retract"):
        assert action in audit, action
    context.close()
