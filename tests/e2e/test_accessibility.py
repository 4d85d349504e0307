"""axe-core finds no accessibility violations on each page type, on a phone and a desktop, in the
light and the dark colour scheme."""

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
    "/bai-viet?nam=2024",  # filters chosen
    "/khen-thuong?nam=2022",  # a revoked commendation
    "/thong-ke",  # server-drawn charts
    "/thong-ke?nam=2024",
    "/dien-hinh/hoang-thi-nguyet",  # an exemplar with a revoked commendation
    "/du-lieu-mo",
    "/khen-thuong/tra-cuu",
    "/khen-thuong/tra-cuu?so=9999%2Fqd-ubnd",  # nothing found
    "/nhung/moi-nhat?so=8",  # the widget partners frame
    "/nhung/moi-nhat?so=99",  # its error page
    "/api/v1/docs",
    "/de-xuat",  # the public forms
    "/yeu-cau-go-bo?dien-hinh=dien-hinh-n-m-k",
    "/lay-y-kien",
    "/lay-y-kien/lay-y-kien-huan-chuong-lao-dong-hang-ba-2026",  # open: countdown and comment form
    "/lay-y-kien/lay-y-kien-huan-chuong-lao-dong-hang-ba-2025",  # decided: links to the register
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
        ("/khen-thuong", ".verify-link"),  # a commendation's page
        ("/khen-thuong?nam=2022", "tr.revoked .verify-link"),  # a revoked one's
    ]:
        page.goto(live_server + listing)
        found.append(page.locator(selector).first.get_attribute("href"))
    page.close()
    return found


@pytest.mark.parametrize("width, scheme", [(360, "light"), (1280, "light"), (360, "dark"), (1280, "dark")])
def test_no_axe_violations(live_server, browser, detail_pages, width, scheme):
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
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
