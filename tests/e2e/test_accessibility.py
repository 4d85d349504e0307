"""axe-core finds no accessibility violations on each page type, on a phone and a desktop."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

pytestmark = pytest.mark.e2e

PAGES = [
    "/",
    "/bai-viet",
    "/dien-hinh",
    "/phong-trao",
    "/linh-vuc",
    "/dia-phuong",
    "/khen-thuong",
    "/khong-co-trang-nay",
    "/tim-kiem",
    "/bao-chi",
    "/tim-kiem?q=nong+thon+moi",
    "/tim-kiem?q=khongcogica",
]


@pytest.fixture(scope="module")
def detail_pages(live_server, browser):
    """One page of each detail type, found by following links from the lists."""
    page = browser.new_page()
    found = []
    for listing, selector in [
        ("/bai-viet", ".card-title a"),
        ("/dien-hinh", ".person-name a"),
        ("/phong-trao", ".entries h2 a"),
        ("/linh-vuc", ".entries h2 a"),
        ("/dia-phuong", ".tree a"),
    ]:
        page.goto(live_server + listing)
        found.append(page.locator(selector).first.get_attribute("href"))
    page.close()
    return found


@pytest.mark.parametrize("width", [360, 1280])
def test_no_axe_violations(live_server, browser, detail_pages, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    axe = Axe()
    problems = []
    for path in PAGES + detail_pages:
        page.goto(live_server + path)
        results = axe.run(page)
        for violation in results.response["violations"]:
            problems.append(f"{path}: {violation['id']} ({violation['impact']}) {len(violation['nodes'])}×")
    context.close()
    assert problems == []
