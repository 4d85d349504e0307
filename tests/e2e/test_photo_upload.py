"""A photo uploaded in the admin appears, in renditions, on the published story."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_upload_photo_and_see_it_on_the_story(live_server, browser, editor, tmp_path, log_in):
    photo = tmp_path / "cau-rao.jpg"
    image = Image.new("RGB", (2400, 1600), (30, 110, 170))
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (20.0, 51.0, 0.0), 3: "E", 4: (106.0, 41.0, 0.0)}
    image.save(photo, "JPEG", exif=exif)

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    log_in(page, live_server, editor)
    page.goto(live_server + "/admin/media/new/")
    page.set_input_files("#upload", str(photo))
    page.fill("#alt_text", "Cầu Rào nhìn từ bờ sông Lạch Tray lúc sáng sớm")
    page.fill("#caption", "Cầu Rào buổi sáng")
    page.fill("#credit", "Ảnh: Đài PT-TH Hải Phòng")
    page.locator("form.admin-form [type=submit], form [type=submit][value]").first.click()
    page.wait_for_url("**/admin/media/**")
    assert "cau-rao.jpg" in page.content()

    page.goto(live_server + "/admin/stories/new/")
    page.fill("#title", "Cầu Rào và những người giữ sạch dòng Lạch Tray")
    page.fill("#summary", "Nhóm tình nguyện vớt rác trên sông mỗi sáng chủ nhật.")
    page.fill("#body_md", "Mỗi sáng chủ nhật, nhóm bạn trẻ chèo thuyền vớt rác.")
    page.select_option("#field", label="Môi trường", force=True)
    page.select_option("#locality", index=1, force=True)
    page.fill("#cover-filter", "cau rao")  # the cover grid searches the library on the server
    expect(page.locator(".cover-count")).to_have_text("Đang hiện 1 ảnh khớp «cau rao».")
    assert page.locator(".cover-option:not(.cover-none)").count() == 1
    page.check(".cover-option:has-text('Cầu Rào nhìn từ bờ sông') input")
    page.click("[name=_continue_editing]")
    page.wait_for_url("**/admin/stories/edit/**")
    for step in ("Gửi duyệt", "Duyệt và đăng"):
        page.click(f"form.workflow-form button:has-text('{step}')")
        page.wait_for_load_state("load")

    public = context.new_page()
    public.goto(live_server + "/bai-viet/cau-rao-va-nhung-nguoi-giu-sach-dong-lach-tray")
    cover = public.locator(".cover img")
    assert cover.get_attribute("alt") == "Cầu Rào nhìn từ bờ sông Lạch Tray lúc sáng sớm"
    assert " 1600w" in cover.get_attribute("srcset") and cover.get_attribute("width") == "2400"
    assert public.locator(".cover source[type='image/webp']").count() == 1
    assert public.evaluate("document.querySelector('.cover img').naturalWidth") > 0
    assert "Cầu Rào buổi sáng" in public.locator(".cover figcaption").inner_text()
    served = public.evaluate("document.querySelector('.cover img').currentSrc")
    data = public.request.get(served).body()
    with Image.open(io.BytesIO(data)) as im:
        assert not im.getexif()  # no GPS in what the reader gets
    context.close()
