"""A reader on a 390 px phone opens a story, follows "Yêu cầu gỡ bỏ / chỉnh sửa thông tin" and
sends a request (a first try with a mistake comes back filled in). The editor finds it in the
inbox and presses "Gỡ bài ngay": the story's address then says it was removed at the request of
the person concerned, without its title."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def _shot(page, name: str) -> None:
    import os

    folder = os.environ.get("INFO_REQUEST_SHOTS")
    if folder:
        page.screenshot(path=f"{folder}/{name}.png", full_page=True)


def _fits(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_reader_asks_to_remove_a_story_and_the_editor_hides_it(live_server, browser, editor, log_in):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="vi-VN", java_script_enabled=False
    )
    page = context.new_page()
    page.goto(live_server + "/bai-viet")
    page.locator("main a[href^='/bai-viet/']").first.click()
    title = page.locator("h1").inner_text()
    story_url = page.url
    link = page.get_by_role("link", name="Yêu cầu gỡ bỏ / chỉnh sửa thông tin")
    expect(link).to_be_visible()
    link.click()
    page.wait_for_url(re.compile(r".*/yeu-cau-go-bo\?bai-viet="))
    expect(page.locator(".req-subject")).to_contain_text(title)
    _fits(page, 390)
    _shot(page, "form-390")

    page.check("input[name=kind][value=remove]")
    page.fill("#details", "Tôi là người trong bài, tôi không muốn ảnh của mình trên mạng nữa.")
    page.fill("#requester_name", "Phạm Văn Yêu Cầu")
    page.check("input[name=relation][value=self]")
    page.fill("#contact_phone", "0912 000 111")
    page.click("button.nom-submit")  # consent not ticked: the form comes back

    expect(page.locator("#consent-loi")).to_contain_text("Hãy đánh dấu đồng ý")
    assert page.input_value("#requester_name") == "Phạm Văn Yêu Cầu"
    assert page.input_value("#contact_phone") == "0912 000 111"
    assert page.is_checked("input[name=kind][value=remove]")
    expect(page.locator(".req-subject")).to_contain_text(title)
    _fits(page, 390)
    _shot(page, "form-errors-390")

    page.check("#consent")
    page.click("button.nom-submit")
    page.wait_for_url("**/yeu-cau-go-bo/da-gui")
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", page.locator("#ma-yeu-cau").inner_text())
    expect(page.locator(".req-back")).to_contain_text(f"Trở lại bài viết “{title}”")  # the way back
    _fits(page, 390)
    _shot(page, "sent-390")

    staff = browser.new_context(viewport={"width": 1280, "height": 900})
    admin_page = staff.new_page()
    log_in(admin_page, live_server, editor)
    admin_page.goto(live_server + "/admin/")
    expect(admin_page.locator("body")).to_contain_text("yêu cầu gỡ bỏ, chỉnh sửa thông tin: mới nhận")
    admin_page.goto(live_server + "/admin/info_requests/")
    expect(admin_page.locator("body")).to_contain_text(title)
    _shot(admin_page, "inbox-1280")
    admin_page.click("a[href*='/admin/info_requests/edit/']")
    expect(admin_page.locator("body")).to_contain_text("0912 000 111")
    _shot(admin_page, "detail-1280")
    admin_page.click("button:has-text('Gỡ bài ngay')")  # not ticked: the browser asks first
    assert admin_page.locator("#confirm-hide").evaluate("box => !box.validity.valid")
    expect(admin_page.locator("body")).not_to_contain_text("Đã gỡ bài khỏi trang công khai")
    admin_page.check("#confirm-hide")
    admin_page.click("button:has-text('Gỡ bài ngay')")
    expect(admin_page.locator("body")).to_contain_text("Đã gỡ bài khỏi trang công khai")
    expect(admin_page.locator("body")).to_contain_text("Đã xử lý xong")
    # what became of the people in the story: still public through another story, or nowhere
    expect(admin_page.locator(".alert-warning").first).to_contain_text(
        re.compile("vẫn công khai|không còn bài nào đang đăng")
    )
    _shot(admin_page, "hidden-1280")
    staff.close()

    response = page.goto(story_url)
    assert response is not None and response.status == 410
    expect(page.locator("h1")).to_have_text("Bài viết đã được gỡ theo yêu cầu")
    assert title not in page.content()
    _fits(page, 390)
    _shot(page, "gone-390")
    context.close()
