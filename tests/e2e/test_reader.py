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
    assert phone.evaluate("document.activeElement.textContent").startswith("Bỏ qua")

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
