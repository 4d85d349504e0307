"""A reader searches on a phone: no diacritics, a suggestion, a facet, then the story."""

from __future__ import annotations

import re

import pytest

from showcase.search.analysis import fold

pytestmark = pytest.mark.e2e


def test_search_suggestion_facet_story(live_server, phone):
    phone.goto(live_server + "/tim-kiem")
    box = phone.locator("#q-page")
    box.click()
    box.press_sequentially("nong thon", delay=40)
    listbox = phone.locator("#q-page ~ .suggestions")
    listbox.locator("[role=option]").first.wait_for(state="visible")
    assert box.get_attribute("aria-expanded") == "true"
    first = listbox.locator("[role=option]").first.inner_text()
    assert "ông" in first.lower() or "thôn" in first.lower()  # diacritics restored in the suggestion
    box.press("ArrowDown")
    active = box.get_attribute("aria-activedescendant")
    assert active and phone.locator(f"#{active}").get_attribute("aria-selected") == "true"
    box.press("Enter")
    phone.wait_for_url(re.compile(r"/(bai-viet|dien-hinh)/"))
    assert phone.locator("h1").inner_text().strip()

    phone.goto(live_server + "/tim-kiem?q=nong+thon+moi")
    total = int(phone.locator(".result-count").inner_text())
    assert total > 1
    marked = phone.locator(".hit-snippet mark").all_inner_texts()
    assert marked and {fold(m) for m in marked} <= {"nong", "thon", "moi"}
    assert any(m != fold(m) for m in marked)  # shown with its diacritics
    facet = phone.locator(".facet a", has_text="Bài viết").first
    facet_count = int(re.search(r"\((\d+)\)", facet.inner_text()).group(1))
    facet.click()
    phone.wait_for_load_state("load")
    assert "kieu=story" in phone.url
    assert int(phone.locator(".result-count").inner_text()) == facet_count
    assert phone.locator(".facet a.selected").count() == 1
    title = phone.locator(".hit-title a").first.inner_text()
    phone.locator(".hit-title a").first.click()
    phone.wait_for_load_state("load")
    assert "/bai-viet/" in phone.url
    assert phone.locator("h1").inner_text() == title
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
