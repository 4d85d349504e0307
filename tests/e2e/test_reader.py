"""A reader on a phone: home page, then a story, in a real Chromium."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e


def test_home_to_story_on_a_phone(live_server, phone):
    phone.goto(live_server + "/")
    assert phone.locator("html").get_attribute("lang") == "vi"
    assert "dữ liệu mẫu" in phone.locator(".sample-banner").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360  # no sideways scrolling

    phone.keyboard.press("Tab")
    assert phone.evaluate("document.activeElement.textContent").startswith("Chuyển đến nội dung")

    card = phone.locator(".cards-featured .card-title a").first
    title = card.inner_text()
    card.click()
    phone.wait_for_load_state("load")
    assert "/bai-viet/" in phone.url
    assert phone.locator("h1").inner_text() == title
    cover = phone.locator(".cover img")
    assert cover.get_attribute("alt")
    assert phone.evaluate("document.querySelector('.cover img').naturalWidth") > 0
    assert phone.locator(".story-body p").count() >= 3
    assert phone.locator("#broadcast-title").inner_text() == "Bản tin 60 giây"
    assert phone.locator(".press a").get_attribute("href").endswith("/bao-chi.zip")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360


def test_register_filter_without_javascript(live_server, browser):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(live_server + "/khen-thuong")
    total = int(page.locator(".result-line strong").inner_text())
    page.select_option("#f-cap", "state")
    page.click(".filters button[type=submit]")
    page.wait_for_load_state("load")
    assert "cap=state" in page.url
    filtered = int(page.locator(".result-line strong").inner_text())
    assert 0 < filtered < total
    levels = page.locator("tbody td.form .muted").all_inner_texts()
    assert levels and all(text.startswith("Cấp Nhà nước") for text in levels)
    context.close()


# the words of the commendation's form: how many lines they take in its card
FORM_LINES = """(row) => {
  const cell = row.querySelector("td.form");
  const range = document.createRange();
  range.selectNodeContents(cell.firstChild);
  return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
}"""


@pytest.mark.parametrize("path", ["/khen-thuong?nam=2022", "/dien-hinh/hoang-thi-nguyet"])
def test_tables_are_cards_on_a_phone(live_server, browser, path):
    context = browser.new_context(viewport={"width": 390, "height": 800})
    page = context.new_page()
    page.goto(live_server + path)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing off-screen
    row = page.locator("tr.revoked").first
    badge = row.locator(".badge-revoked").bounding_box()
    assert row.locator(".badge-revoked").inner_text() == "Đã thu hồi"
    assert badge["x"] >= 0 and badge["x"] + badge["width"] <= 390
    assert badge["y"] < row.locator(".decision").bounding_box()["y"]  # the status first
    assert row.locator("td.form").bounding_box()["width"] > 300  # a card's width, not a squeezed column
    assert row.evaluate(FORM_LINES) <= 3  # "Bằng khen của Chủ tịch UBND thành phố": not a word a line
    assert "Hình thức" in row.locator("td.form").evaluate("td => getComputedStyle(td, '::before').content")
    context.close()


def test_story_filters_without_javascript(live_server, browser):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 800})
    page = context.new_page()
    page.goto(live_server + "/bai-viet")
    page.locator("summary", has_text="Năm").click()
    page.locator(".filter-options a", has_text="2024").click()
    page.wait_for_load_state("load")
    assert page.url.endswith("/bai-viet?nam=2024")
    dates = page.locator(".card .meta time").all_inner_texts()
    assert dates and all(d.endswith("/2024") for d in dates)
    page.locator(".active-filters a", has_text="Bỏ tất cả bộ lọc").click()
    page.wait_for_load_state("load")
    assert page.url.endswith("/bai-viet")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()
