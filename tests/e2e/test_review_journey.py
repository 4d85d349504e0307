"""Review in a real Chromium: a partner files a draft (autosave keeps it when the tab is closed
before «Lưu») and sends it; an editor asks for changes; the partner sees the comment on their
dashboard and on the story, fixes the story and sends it again; the editor finds it back in the
queue and compares it with the version they sent back, word by word.

Screenshots of each partner screen, the queue, the comparison and each dashboard at 390 and
1280 px go to tests/e2e/screenshots/ (kept as CI artifacts, not in git)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.conftest import PASSWORD, ROOT

pytestmark = pytest.mark.e2e
SHOTS = Path(__file__).parent / "screenshots"
TITLE = "Cô giáo Vũ Thị Lan và lớp học xóa mù chữ trên đảo Bạch Long Vĩ"


def make_account(env: dict, email: str, role: str, name: str, org: str = "") -> str:
    command = [sys.executable, "-m", "flask", "users", "create", email, "--role", role, "--name", name]
    if org:
        command += ["--org", org]
    subprocess.run(
        command, cwd=ROOT, env=env, input=PASSWORD + "\n", text=True, check=True, capture_output=True
    )
    return email


def shoot(page, name: str) -> None:
    """Full-page screenshots at a phone's and a desktop's width."""
    SHOTS.mkdir(exist_ok=True)
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SHOTS / f"review-{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_changes_requested_fixed_and_compared(live_server, live_env, browser, editor, log_in):
    partner_email = make_account(
        live_env, "phongvien@haiphong.test", "partner", "Phạm Minh Tuấn", "Báo Hải Phòng"
    )
    admin_email = make_account(live_env, "quantri@haiphong.test", "admin", "Nguyễn Quản Trị")
    base = live_server
    viewport = {"width": 1280, "height": 900}

    # the partner starts a draft and closes the tab before pressing «Lưu»: autosave filed it
    partner_ctx = browser.new_context(viewport=viewport, locale="vi-VN")
    partner = partner_ctx.new_page()
    log_in(partner, base, partner_email)
    assert "Cách gửi một bài" in partner.inner_text("#guide")
    shoot(partner, "partner-dashboard-first-visit")
    partner.goto(base + "/admin/stories/new/")
    partner.fill("#title", TITLE)
    partner.select_option("#field", index=1, force=True)
    partner.select_option("#locality", index=1, force=True)
    partner.click("#s2id_locality a.select2-choice")  # select2 answers in Vietnamese
    partner.keyboard.type("khong co noi nay")
    assert partner.inner_text(".select2-drop-active .select2-no-results") == "Không tìm thấy mục nào khớp"
    partner.keyboard.press("Escape")
    partner.fill("#summary", "Mười năm đứng lớp cho ngư dân trên đảo tiền tiêu.")
    partner.fill("#body_md", "Cô Lan ra đảo năm 2015.\n\nLớp học có mười hai học viên.")
    shoot(partner, "partner-new")
    partner.close(run_before_unload=True)
    partner = partner_ctx.new_page()
    for _ in range(40):  # the autosave sent as the tab closed may still be on its way
        partner.goto(base + "/admin/")
        if TITLE in partner.inner_text("section:has(#drafts)"):
            break
        partner.wait_for_timeout(250)
    drafts = partner.locator("section:has(#drafts)")
    assert TITLE in drafts.inner_text() and "chưa gửi duyệt" in drafts.inner_text()
    shoot(partner, "partner-dashboard-draft")
    drafts.locator(f"a:has-text('{TITLE}')").click()
    partner.wait_for_url("**/admin/stories/edit/**")
    assert partner.input_value("#body_md") == "Cô Lan ra đảo năm 2015.\n\nLớp học có mười hai học viên."
    assert "Bản nháp" in partner.inner_text("section.workflow")
    shoot(partner, "partner-draft")
    partner.click("form.workflow-form button:has-text('Gửi duyệt')")
    partner.wait_for_load_state("load")
    assert "Chờ duyệt" in partner.inner_text("section.workflow")
    shoot(partner, "partner-submitted")

    # the editor finds it in the queue and asks for changes
    editor_ctx = browser.new_context(viewport=viewport, locale="vi-VN")
    page = editor_ctx.new_page()
    log_in(page, base, editor)
    page.click("a:has-text('bài chờ duyệt')")
    page.wait_for_url("**/admin/review/**")
    waiting = page.locator("section:has(#waiting)")
    assert TITLE in waiting.inner_text() and "Phạm Minh Tuấn" in waiting.inner_text()
    assert "Báo Hải Phòng" in waiting.inner_text()
    waiting.locator(f"a:has-text('{TITLE}')").first.click()
    page.wait_for_url("**/admin/stories/edit/**")
    page.fill("#text-request_changes", "Hãy ghi rõ số học viên đã biết đọc, biết viết.")
    page.click("form.workflow-form button:has-text('Yêu cầu sửa')")
    page.wait_for_load_state("load")
    page.goto(base + "/admin/review/")
    changes = page.locator("section:has(#changes)")
    assert TITLE in changes.inner_text() and "biết đọc, biết viết" in changes.inner_text()

    # the partner sees the comment on the dashboard, fixes the story and sends it again
    partner.goto(base + "/admin/")
    drafts = partner.locator("section:has(#drafts)")
    assert "Hãy ghi rõ số học viên đã biết đọc, biết viết." in drafts.inner_text()
    assert "Cần sửa" in drafts.inner_text()
    shoot(partner, "dashboard-partner")
    drafts.locator(f"a:has-text('{TITLE}')").click()
    partner.wait_for_url("**/admin/stories/edit/**")
    panel = partner.inner_text("section.workflow")  # the comment waits on the story too
    assert "Hãy ghi rõ số học viên đã biết đọc, biết viết." in panel and "Biên tập viên nhắn cần sửa" in panel
    shoot(partner, "partner-changes-requested")
    partner.fill(
        "#body_md", "Cô Lan ra đảo năm 2015.\n\nLớp học có mười hai học viên, nay chín người đã biết đọc."
    )
    # «Gửi duyệt» straight after typing, without «Lưu»: the change is saved first, not dropped
    with partner.expect_navigation():
        partner.click("form.workflow-form button:has-text('Gửi duyệt')")
    assert "nay chín người đã biết đọc." in partner.input_value("#body_md")
    assert "Chờ duyệt" in partner.inner_text("section.workflow")
    assert "biết đọc, biết viết" not in partner.inner_text("section.workflow")
    shoot(partner, "partner-resubmitted")
    partner.goto(base + "/admin/")
    assert "biết đọc, biết viết" not in partner.inner_text("#drafts + ul")  # the request is answered
    shoot(partner, "partner-dashboard-resubmitted")

    # back in the editor's queue; compare with the version that was sent back
    page.goto(base + "/admin/review/")
    waiting = page.locator("section:has(#waiting)")
    assert TITLE in waiting.inner_text() and "gửi lại sau khi sửa" in waiting.inner_text()
    assert TITLE not in page.locator("section:has(#changes)").inner_text()
    shoot(page, "queue")
    waiting.locator("a:has-text('So với lúc yêu cầu sửa')").first.click()
    page.wait_for_url("**/admin/review/compare/**")
    assert page.locator("ins").filter(has_text="nay chín người đã biết đọc.").count() == 1
    assert page.locator("del").filter(has_text="viên.").count() == 1  # "viên." became "viên,"
    shoot(page, "compare")

    # two revisions from the history page, side by side
    page.click("a:has-text('Lịch sử sửa đổi')")
    page.wait_for_url("**/history/**")
    page.click("button:has-text('Xem khác biệt')")
    page.wait_for_url("**/diff**")
    assert page.locator(".review-diff").count() >= 1
    columns = page.locator(".review-diff-change").first.bounding_box()
    assert columns is not None and columns["width"] > 900  # two columns across a desktop
    shoot(page, "diff")

    page.goto(base + "/admin/")
    assert "Chỉ mục tìm kiếm" in page.inner_text("body")
    shoot(page, "dashboard-editor")

    admin_ctx = browser.new_context(viewport=viewport, locale="vi-VN")
    admin = admin_ctx.new_page()
    log_in(admin, base, admin_email)
    assert "backup create" in admin.inner_text("section:has(#backups)")
    shoot(admin, "dashboard-admin")
    for context in (partner_ctx, editor_ctx, admin_ctx):
        context.close()
