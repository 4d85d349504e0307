"""The story editor in a real Chromium, on a desktop and on a phone: write with the toolbar (by
mouse and by keyboard), watch the server's preview follow, pick a cover from the grid, save."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e
SCREENSHOTS = Path(__file__).parent / "screenshots"


@pytest.mark.parametrize("width", [1280, 390])
def test_editor_writes_with_toolbar_preview_and_cover_grid(live_server, browser, editor, log_in, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="vi-VN")
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "response",
        lambda r: (
            problems.append(f"{r.status} {r.url}") if r.status >= 400 and "favicon" not in r.url else None
        ),
    )
    log_in(page, live_server, editor)

    page.goto(live_server + "/admin/stories/new/")
    page.fill("#title", f"Bếp ăn nghĩa tình ở cảng Chùa Vẽ ({width})")
    page.fill("#body_md", "Bà Lan nấu cơm cho công nhân bốc xếp.")
    page.select_option("#field", index=1, force=True)  # select2 hides the <select>
    page.select_option("#locality", index=1, force=True)
    page.click("[name=_continue_editing]")
    page.wait_for_url("**/admin/stories/edit/**")
    status = page.locator("#workflow-title")
    assert "Bản nháp" in status.inner_text()
    assert page.locator(".workflow").bounding_box()["y"] < page.locator("#body_md").bounding_box()["y"]

    # make «Bà Lan» bold with the toolbar's button
    body = page.locator("#body_md")
    body.evaluate("t => { t.focus(); t.setSelectionRange(0, 6); }")
    page.click("button[data-md=bold]")
    assert body.input_value().startswith("**Bà Lan** nấu cơm")
    # and «công nhân» with the keyboard only: one tab stop, arrows along the toolbar, Enter
    start = body.input_value().index("công nhân")
    body.evaluate(f"t => {{ t.focus(); t.setSelectionRange({start}, {start + len('công nhân')}); }}")
    page.locator("button[data-md=heading]").focus()
    page.keyboard.press("ArrowRight")
    assert page.evaluate("document.activeElement.dataset.md") == "bold"
    page.keyboard.press("Enter")
    assert "**công nhân**" in body.input_value()
    assert page.locator("#body-counts").inner_text() == "9 chữ"

    if width < 992:  # on a phone the preview is one tap away
        assert not page.locator("#body-preview").is_visible()
        page.click(".editor-modes button[data-mode=preview]")
    preview = page.locator("#body-preview")
    expect(preview.locator("strong")).to_have_count(2)  # the server's preview, after the debounce
    assert preview.locator("strong").all_inner_texts() == ["Bà Lan", "công nhân"]
    assert preview.is_visible()
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"story-editor-preview-{width}.png"), full_page=True)
    if width < 992:
        page.click(".editor-modes button[data-mode=write]")
        assert body.is_visible()

    # the cover: a grid of thumbnails; the chosen photo's description shows
    option = page.locator(".cover-option:not(.cover-none)").first
    option.scroll_into_view_if_needed()
    option.click()
    chosen = option.locator("input").get_attribute("value")
    alt = option.locator("input").get_attribute("data-alt")
    assert alt and page.locator(".cover-alt-text").inner_text() == alt

    page.fill("#broadcast_summary", " ".join(["tiếng"] * 151))
    assert page.locator("[data-count=seconds]").inner_text() == "61"
    assert page.locator(".readout-warning").is_visible()
    page.fill("#broadcast_summary", "Bà Lan nấu cơm cho công nhân cảng.")
    assert not page.locator(".readout-warning").is_visible()

    page.screenshot(path=str(SCREENSHOTS / f"story-editor-{width}.png"), full_page=True)
    page.click("[name=_continue_editing]")
    page.wait_for_url("**/admin/stories/edit/**")
    assert page.locator(".alert-success").first.is_visible()
    assert page.locator("#body_md").input_value().startswith("**Bà Lan** nấu cơm cho **công nhân**")
    assert page.locator("input[name=cover]:checked").get_attribute("value") == chosen
    assert problems == []
    context.close()
