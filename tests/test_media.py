"""Uploads that cannot hurt the site: refusals, stripped metadata, orientation, renditions."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image

from showcase.extensions import db
from showcase.media.images import WIDTHS, ImageRejected
from showcase.models import MediaAsset
from showcase.services.media import add_image
from tests.conftest import PASSWORD
from tests.support import image_bytes


def files(app) -> set[str]:
    root = app.extensions["storage"].root
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def with_exif(width=2000, height=1000, orientation=1, gps=True) -> bytes:
    image = Image.new("RGB", (width, height), (200, 30, 30))
    image.paste((20, 20, 200), (0, 0, width // 4, height // 4))  # a marker in the top-left corner
    exif = Image.Exif()
    exif[0x0112] = orientation
    if gps:
        exif[0x8825] = {1: "N", 2: (20.0, 51.0, 0.0), 3: "E", 4: (106.0, 41.0, 0.0)}
    exif[0x010F] = "Máy ảnh riêng tư"
    buf = io.BytesIO()
    image.save(buf, "JPEG", exif=exif, quality=90)
    return buf.getvalue()


REFUSED = {
    "svg": b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    "html": b"<!doctype html><script>alert(1)</script>",
    "gif": image_bytes(20, 20, "GIF"),
    "tiff": image_bytes(20, 20, "TIFF"),
    "truncated": image_bytes(400, 300, "PNG")[:300],
    "corrupt": b"\xff\xd8\xff\xe0" + b"\x00" * 500,
    "polyglot": b"GIF89a<script>alert(1)</script>" + image_bytes(10, 10, "GIF"),
    "renamed": b"%PDF-1.4 not an image at all",
}


@pytest.mark.parametrize("kind", list(REFUSED))
def test_bad_files_are_refused_and_leave_nothing(app, ctx, kind):
    before = files(app)
    with pytest.raises(ImageRejected):
        add_image(REFUSED[kind], f"anh.{kind}")
    db.session.rollback()
    assert files(app) == before
    assert db.session.scalar(db.select(db.func.count(MediaAsset.id))) == 0


def test_pixel_limit_checked_before_decoding(app, ctx):
    app.config["MAX_IMAGE_PIXELS"] = 1_000_000
    try:
        with pytest.raises(ImageRejected, match="vượt giới hạn"):
            add_image(image_bytes(2000, 1000, "PNG"))
    finally:
        app.config["MAX_IMAGE_PIXELS"] = 60_000_000


def test_decompression_bomb_refused(app, ctx):
    # a PNG whose header claims far more pixels than Pillow's own limit
    app.config["MAX_IMAGE_PIXELS"] = 10**12
    try:
        bomb = Image.new("1", (20000, 20000))
        buf = io.BytesIO()
        bomb.save(buf, "PNG")
        with pytest.raises(ImageRejected):
            add_image(buf.getvalue())
    finally:
        app.config["MAX_IMAGE_PIXELS"] = 60_000_000


def test_byte_limit(app, ctx):
    app.config["MAX_UPLOAD_BYTES"] = 100
    try:
        with pytest.raises(ImageRejected, match="lớn quá"):
            add_image(image_bytes(200, 200, "PNG"))
    finally:
        app.config["MAX_UPLOAD_BYTES"] = 25 * 1024 * 1024


def test_gps_stripped_and_orientation_applied_everywhere(app, ctx):
    asset = add_image(with_exif(orientation=6), "dien-thoai.jpg")  # 6: rotate 90° clockwise
    db.session.commit()
    assert (asset.width, asset.height) == (1000, 2000)
    storage = app.extensions["storage"]
    for key in [asset.file] + [r[k] for r in asset.renditions for k in ("jpeg", "webp")]:
        data = storage.read(key)
        assert b"Exif" not in data[:5000] and "riêng tư".encode() not in data
        with Image.open(io.BytesIO(data)) as im:
            assert not im.getexif(), key
            assert im.height > im.width  # portrait after rotation


def test_renditions_widths_never_upscaled(app, ctx):
    asset = add_image(image_bytes(1200, 600, "JPEG"), "rong.jpg")
    assert [r["width"] for r in asset.renditions] == [w for w in WIDTHS if w < 1200] == [320, 640, 1024]
    assert [r["height"] for r in asset.renditions] == [160, 320, 512]
    small = add_image(image_bytes(200, 100, "PNG"), "nho.png")
    assert [r["width"] for r in small.renditions] == [200]


def test_same_image_stored_once(app, ctx):
    data = image_bytes(500, 300)
    first, second = add_image(data), add_image(data)
    db.session.commit()
    assert first.id == second.id
    assert db.session.scalar(db.select(db.func.count(MediaAsset.id))) == 1


def test_story_page_uses_srcset_and_served_media_is_safe(client, make_story, ctx):
    cover = add_image(image_bytes(1600, 900), "bia.jpg")
    cover.alt_text = "Bến tàu"
    story = make_story(cover=cover)
    db.session.commit()
    html = client.get(f"/bai-viet/{story.slug}").get_data(as_text=True)
    assert '<source type="image/webp" srcset="' in html and " 320w, " in html and " 1024w" in html
    assert 'width="1600" height="900"' in html and 'sizes="' in html
    url = re.search(r'<img src="(/media/[^"]+)"', html).group(1)
    with client.get(url) as response:
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "immutable" in response.headers["Cache-Control"]
        assert response.headers["Content-Security-Policy"].startswith("default-src 'none'")


def test_media_rebuild_command(app, runner, ctx):
    asset = add_image(image_bytes(700, 350), "lai.jpg")
    asset.renditions = []
    db.session.commit()
    result = runner.invoke(args=["media", "rebuild"])
    assert result.exit_code == 0 and "1 ảnh" in result.output
    db.session.expire_all()
    assert [r["width"] for r in db.session.get(MediaAsset, asset.id).renditions] == [320, 640]


def test_upload_in_admin_and_publish_needs_alt_text(app, ctx, make_story, csrf, login):
    from showcase.models import StoryStatus, User
    from showcase.services import accounts

    accounts.create_user("anh@haiphong.test", "Biên Tập Ảnh", "editor", PASSWORD)
    db.session.commit()
    client = app.test_client()
    login(client, "anh@haiphong.test")
    token = csrf(client, "/admin/media/new/")
    before = files(app)
    bad = client.post(
        "/admin/media/new/",
        data={"upload": (io.BytesIO(REFUSED["svg"]), "anh.jpg"), "alt_text": "x", "csrf_token": token},
        content_type="multipart/form-data",
    )
    assert bad.status_code == 200 and "Không nhận ảnh này" in bad.get_data(as_text=True)
    assert files(app) == before
    ok = client.post(
        "/admin/media/new/",
        data={
            "upload": (io.BytesIO(with_exif(1600, 1200)), "bien.jpg"),
            "alt_text": "",
            "caption": "Biển Đồ Sơn",
            "credit": "Ảnh: Báo HP",
            "licence": "CC BY 4.0",
            "csrf_token": token,
        },
        content_type="multipart/form-data",
    )
    assert ok.status_code == 302
    asset = db.session.scalar(db.select(MediaAsset))
    assert asset.caption == "Biển Đồ Sơn" and asset.original_name == "bien.jpg" and len(asset.renditions) == 4
    story = make_story(cover=asset, status=StoryStatus.IN_REVIEW)
    from showcase.services import workflow
    from showcase.services.errors import ServiceError

    editor = db.session.scalar(db.select(User))
    with pytest.raises(ServiceError, match="alt text"):
        workflow.transition(story, "publish", by=editor)
    asset.alt_text = "Sóng vỗ bờ biển Đồ Sơn lúc hoàng hôn"
    workflow.transition(story, "publish", by=editor)
    assert story.status == StoryStatus.PUBLISHED


def test_upload_over_the_byte_limit_is_413(app, ctx, csrf, login):
    from showcase.services import accounts

    accounts.create_user("to@haiphong.test", "Biên Tập To", "editor", PASSWORD)
    db.session.commit()
    client = app.test_client()
    login(client, "to@haiphong.test")
    token = csrf(client, "/admin/media/new/")
    limit = app.config["MAX_CONTENT_LENGTH"]
    app.config["MAX_CONTENT_LENGTH"] = 50_000
    try:
        big = client.post(
            "/admin/media/new/",
            data={"upload": (io.BytesIO(b"x" * 60_000), "to.jpg"), "csrf_token": token},
            content_type="multipart/form-data",
        )
        assert big.status_code == 413 and "Tệp quá lớn" in big.get_data(as_text=True)
    finally:
        app.config["MAX_CONTENT_LENGTH"] = limit


def test_press_pack(app, client, ctx, make_story, make_exemplar, make_commendation):
    import zipfile
    from datetime import date, datetime

    from showcase.models import CoverageItem, CoverageMedium, StoryStatus

    cover = add_image(with_exif(1800, 1200), "ben-tau.jpg")
    cover.alt_text, cover.caption, cover.credit, cover.licence = (
        "Bến tàu",
        "Bến tàu Bính",
        "Ảnh: Đài HP",
        "CC BY",
    )
    person = make_exemplar(name="Ông Lái Đò")
    make_commendation(
        exemplar=person,
        decision_no="321/QĐ-UBND",
        decision_date=date(2024, 2, 3),
        revoked_decision_no="654/QĐ-UBND",
        revoked_on=date(2025, 1, 1),
        revoked_reason="Trùng",
    )
    story = make_story(
        cover=cover, exemplars=[person], body_md="Chuyện **bến** đò.", broadcast_summary="Đọc to."
    )
    db.session.add(
        CoverageItem(
            story=story,
            outlet="Báo Hải Phòng",
            title="Người lái đò",
            medium=CoverageMedium.PRINT,
            url="javascript:alert(1)",
            published_on=date(2025, 5, 1),
            approved_at=datetime(2025, 5, 2),
        )
    )
    db.session.commit()
    page = client.get(f"/bai-viet/{story.slug}").get_data(as_text=True)
    assert f"/bai-viet/{story.slug}/bao-chi.zip" in page and "Đã đưa tin" in page
    assert "javascript:alert" not in page  # a bad link is shown as text only

    def download():
        with client.get(f"/bai-viet/{story.slug}/bao-chi.zip") as response:
            return response.status_code, response.mimetype, response.data

    status, mimetype, data = download()
    assert status == 200 and mimetype == "application/zip"
    pack = zipfile.ZipFile(io.BytesIO(data))
    names = pack.namelist()
    slug = story.slug
    assert {
        f"{slug}/{slug}.md",
        f"{slug}/{slug}.txt",
        f"{slug}/ban-tin-60-giay.txt",
        f"{slug}/thong-tin.txt",
        f"{slug}/nguon-anh.txt",
        f"{slug}/lien-he.txt",
    } <= set(names)
    facts = pack.read(f"{slug}/thong-tin.txt").decode()
    assert (
        "Quyết định số 321/QĐ-UBND ngày 03/02/2024" in facts
        and "ĐÃ THU HỒI theo Quyết định số 654/QĐ-UBND" in facts
    )
    assert "Chuyện **bến** đò." in pack.read(f"{slug}/{slug}.md").decode()
    assert "Ảnh: Đài HP" in pack.read(f"{slug}/nguon-anh.txt").decode()
    photo = next(n for n in names if "/anh/" in n)
    with Image.open(io.BytesIO(pack.read(photo))) as im:
        assert im.size == (1800, 1200) and not im.getexif()  # full resolution, no GPS
    first = list((app.extensions["storage"].root / "packs").glob("*.zip"))
    download()
    assert list((app.extensions["storage"].root / "packs").glob("*.zip")) == first  # cached

    from showcase.services import snapshots

    snapshots.apply(story, {"title": "Tiêu đề đổi"})
    db.session.commit()
    download()
    assert list((app.extensions["storage"].root / "packs").glob("*.zip")) != first  # rebuilt after a change
    pack_file = next((app.extensions["storage"].root / "packs").glob("*.zip")).name
    assert client.get(f"/media/packs/{pack_file}").status_code == 404  # packs are not media
    story.status = StoryStatus.DRAFT
    db.session.commit()
    assert download()[0] == 404


def test_press_room_and_embargo(app, client, ctx, make_story, login):
    from datetime import timedelta

    from showcase.models import StoryStatus, utcnow
    from showcase.services import accounts

    out = make_story(title="Bài đã đăng cho báo chí")
    later = make_story(title="Bài cấm đăng trước giờ", status=StoryStatus.IN_REVIEW)
    later.publish_at = utcnow() + timedelta(days=1)
    accounts.create_user("bao@haiphong.test", "Phóng Viên", "partner", PASSWORD, "Báo Hải Phòng")
    db.session.commit()
    page = client.get("/bao-chi").get_data(as_text=True)
    assert out.title in page and f"/bai-viet/{out.slug}/bao-chi.zip" in page and "Liên hệ báo chí" in page
    assert later.title not in page
    assert client.get(f"/bao-chi/cam-dang/{later.id}.zip").status_code == 302  # log in first
    partner = app.test_client()
    login(partner, "bao@haiphong.test")
    seen = partner.get("/bao-chi").get_data(as_text=True)
    assert later.title in seen and "cấm đăng trước" in seen
    with partner.get(f"/bao-chi/cam-dang/{later.id}.zip") as response:
        assert response.status_code == 200 and response.headers["Cache-Control"] == "private, no-store"
    with partner.get(f"/bao-chi/cam-dang/{out.id}.zip") as response:
        assert response.status_code == 404  # already public: use the public pack


def test_coverage_report_by_outlet_and_month(app, ctx, make_story, csrf, login):
    from datetime import date

    from showcase.models import CoverageItem, CoverageMedium
    from showcase.services import accounts

    story = make_story()
    accounts.create_user("so@haiphong.test", "Biên Tập Số", "editor", PASSWORD)
    db.session.commit()
    client = app.test_client()
    login(client, "so@haiphong.test")
    token = csrf(client, "/admin/coverage/new/")
    bad = client.post(
        "/admin/coverage/new/",
        data={
            "story": story.id,
            "outlet": "Báo Hải Phòng",
            "title": "Tin",
            "url": "javascript:alert(1)",
            "medium": "online",
            "published_on": "2025-05-01",
            "csrf_token": token,
        },
    )
    assert "phải bắt đầu bằng https://" in bad.get_data(as_text=True)
    for outlet, day in [
        ("Báo Hải Phòng", "2025-05-01"),
        ("Báo Hải Phòng", "2025-05-20"),
        ("Đài PT-TH", "2025-06-02"),
    ]:
        response = client.post(
            "/admin/coverage/new/",
            data={
                "story": story.id,
                "outlet": outlet,
                "title": "Tin bài",
                "url": "https://baohaiphong.vn/x",
                "medium": "online",
                "published_on": day,
                "csrf_token": token,
            },
        )
        assert response.status_code == 302
    assert db.session.scalar(db.select(db.func.count(CoverageItem.id))) == 3
    report = client.get("/admin/coverage/report/").get_data(as_text=True)
    assert "05/2025" in report and "06/2025" in report and "Tổng cộng 3 tin bài" in report
    row = re.search(r"Báo Hải Phòng</th>(.*?)</tr>", report, re.S).group(1)
    assert "<td>2</td>" in row
    saved = db.session.scalars(db.select(CoverageItem).order_by(CoverageItem.published_on)).all()
    assert [i.published_on for i in saved] == [date(2025, 5, 1), date(2025, 5, 20), date(2025, 6, 2)]
    assert {i.medium for i in saved} == {CoverageMedium.ONLINE}
