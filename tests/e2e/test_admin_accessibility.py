"""axe-core finds no serious or critical violation on the admin pages, for an editor and a
partner, on a phone (390 px) and a desktop (1280 px).

Moderate and minor findings are printed (run with -s to read them), not failed on.
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.e2e.conftest import _log_in

pytestmark = pytest.mark.e2e

EDITOR_PAGES = [
    "/admin/",
    "/admin/review/",
    "/admin/stories/",
    "/admin/stories/?flt1_0=draft",  # a list with a filter open: its inputs need names too
    "/admin/stories/new/",
    "/admin/exemplars/",
    "/admin/commendations/",
    "/admin/commendations/?flt1_1=2025",
    "/admin/commendations/new/",
    "/admin/media/",
    "/admin/media/new/",
    "/admin/coverage/",
    "/admin/audit/",
    "/admin/trash/",
    "/tai-khoan/doi-mat-khau",
]
PARTNER_PAGES = ["/admin/", "/admin/stories/", "/admin/stories/new/", "/admin/media/", "/admin/coverage/"]
FAILING = {"serious", "critical"}


@pytest.fixture(scope="module")
def sample_story(live_server, browser, editor) -> list[str]:
    """A draft saved twice by the editor: the paths of its edit and details pages, its history and
    a diff."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()
    _log_in(page, live_server, editor)
    page.goto(live_server + "/admin/stories/new/")
    page.fill("#title", "Người lái đò sông Giá")
    page.fill("#summary", "Hai mươi năm chở học trò qua sông mỗi sáng.")
    page.fill("#body_md", "Bà **Tư** chèo đò từ năm 2004.\n\n## Bến đò buổi sớm\n\nMỗi sáng hai chuyến.")
    page.select_option("#field", index=1, force=True)  # select2 hides the <select>
    page.select_option("#locality", index=1, force=True)
    page.click("[name=_continue_editing]")
    page.wait_for_url("**/admin/stories/edit/**")
    page.fill("#title", "Người lái đò sông Giá và những chuyến đò sớm")
    page.click("[name=_continue_editing]")
    page.wait_for_url("**/admin/stories/edit/**")
    edit = page.url.removeprefix(live_server)
    page.click("text=Lịch sử sửa đổi")
    page.wait_for_url("**/history/**")
    history = page.url.removeprefix(live_server)
    diff = page.locator("a:has-text('So với bản hiện tại')").first.get_attribute("href")
    context.close()
    assert diff, "cần hai phiên bản để có trang so sánh"
    return [edit, edit.replace("/edit/", "/details/"), history, diff]


def _audit(browser, base: str, email: str, log_in, width: int, paths: list[str]) -> tuple[list, list]:
    """Visit each path logged in as email; return (serious or critical, the rest) as lines."""
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="vi-VN")
    page = context.new_page()
    log_in(page, base, email)
    axe = Axe()
    failing, noted = [], []
    for path in paths:
        response = page.goto(base + path)
        assert response is not None and response.status == 200, path
        page.wait_for_load_state("load")
        for v in axe.run(page).response["violations"]:
            target = v["nodes"][0]["target"] if v["nodes"] else ""
            line = f"{width}px {path}: {v['id']} ({v['impact']}) {len(v['nodes'])}× — {target}"
            (failing if v["impact"] in FAILING else noted).append(line)
    context.close()
    return failing, noted


def _report(capsys, role: str, noted: list[str]) -> None:
    with capsys.disabled():
        for line in noted:
            print(f"\n[axe, {role}, không chặn] {line}", end="")


@pytest.mark.parametrize("width", [390, 1280])
def test_editor_admin_pages(live_server, browser, editor, log_in, sample_story, capsys, width):
    failing, noted = _audit(browser, live_server, editor, log_in, width, EDITOR_PAGES + sample_story)
    _report(capsys, "biên tập viên", noted)
    assert not failing, "\n".join(failing)


@pytest.mark.parametrize("width", [390, 1280])
def test_partner_admin_pages(live_server, browser, partner, log_in, capsys, width):
    failing, noted = _audit(browser, live_server, partner, log_in, width, PARTNER_PAGES)
    _report(capsys, "đối tác", noted)
    assert not failing, "\n".join(failing)
