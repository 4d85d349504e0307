"""A citizen on a 390 px phone nominates a good deed with a photo: a first try with a mistake
comes back with everything still filled in (the photo held), the second goes through, the
tracking code is shown and the status page opens from it. The editor then sees it in the inbox."""

from __future__ import annotations

import re

import pytest
from PIL import Image
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def _shot(page, name: str) -> None:
    import os

    folder = os.environ.get("NOMINATION_SHOTS")
    if folder:
        page.screenshot(path=f"{folder}/{name}.png", full_page=True)


def _fits(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_citizen_nominates_with_a_photo_and_follows_it(live_server, browser, tmp_path, editor, log_in):
    photo = tmp_path / "com-tu-thien.jpg"
    Image.new("RGB", (1600, 1200), (200, 120, 40)).save(photo, "JPEG")
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="vi-VN", java_script_enabled=False
    )
    page = context.new_page()
    page.goto(live_server + "/de-xuat")
    _fits(page, 390)
    _shot(page, "form-390")
    page.fill("#nominee_name", "Bà Trần Thị Nhân")
    page.select_option("#locality_id", index=1)
    page.fill("#deed", "Mười năm nấu cháo miễn phí cho bệnh nhân nghèo ở bệnh viện.")
    page.fill("#deed_when", "từ năm 2015")
    page.fill("#contact_name", "Lê Văn Gửi")
    page.fill("#contact_phone", "0912 345 678")
    page.set_input_files("#photos", str(photo))
    chosen = page.eval_on_selector("#locality_id", "s => s.value")
    page.click("button.nom-submit")  # consent not ticked: the form comes back

    expect(page.locator("#consent-loi")).to_contain_text("Hãy đánh dấu đồng ý")
    expect(page.locator(".nom-summary")).to_be_visible()
    assert page.input_value("#nominee_name") == "Bà Trần Thị Nhân"
    assert page.input_value("#deed") == "Mười năm nấu cháo miễn phí cho bệnh nhân nghèo ở bệnh viện."
    assert page.input_value("#contact_phone") == "0912 345 678"
    assert page.eval_on_selector("#locality_id", "s => s.value") == chosen
    held = page.locator(".nom-held img")
    expect(held).to_have_count(1)
    assert held.evaluate("img => img.complete && img.naturalWidth > 0")
    expect(page.locator(".nom-held")).to_contain_text("ảnh đã gửi, giữ lại")
    _fits(page, 390)
    _shot(page, "form-errors-390")

    page.check("#consent")
    page.click("button.nom-submit")
    page.wait_for_url("**/de-xuat/da-gui")
    code = page.locator("#ma-theo-doi").inner_text()
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", code)
    _fits(page, 390)
    _shot(page, "sent-390")

    page.click("text=Xem tình trạng đề xuất")
    expect(page.locator("h1")).to_have_text("Tình trạng đề xuất")
    expect(page.locator(".nom-status")).to_contain_text("Đã nhận")
    expect(page.locator(".nom-facts")).to_contain_text("Bà Trần Thị Nhân")
    assert "0912" not in page.content() and "Lê Văn Gửi" not in page.content()
    _shot(page, "status-390")
    context.close()

    staff = browser.new_context(viewport={"width": 1280, "height": 900})
    admin_page = staff.new_page()
    log_in(admin_page, live_server, editor)
    admin_page.goto(live_server + "/admin/nominations/")
    expect(admin_page.locator("body")).to_contain_text("Bà Trần Thị Nhân")
    _shot(admin_page, "inbox-1280")
    admin_page.click("a[href*='/admin/nominations/edit/']")
    expect(admin_page.locator("body")).to_contain_text("0912 345 678")
    expect(admin_page.locator("#nom-photos")).to_be_visible()
    _shot(admin_page, "detail-1280")
    staff.close()
