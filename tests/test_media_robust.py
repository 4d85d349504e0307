"""Images that cannot hurt the site, part two: client names never reach a path, only allowed
segments are kept byte for byte, every size fits every format, storage failures leave nothing,
and press packs follow their photos."""

from __future__ import annotations

import errno
import io
import os
import struct
import unicodedata
import zipfile
import zlib

import pytest
from PIL import Image

from showcase.extensions import db
from showcase.media import images, structure
from showcase.media.images import RENDITION_SIDE, ImageRejected, StorageError, export_name
from showcase.media.names import archive_entry, display_name
from showcase.media.storage import Storage
from showcase.models import MediaAsset
from showcase.services.media import add_image
from tests.support import image_bytes


def files(app) -> set[str]:
    root = app.extensions["storage"].root
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def stored(app, asset: MediaAsset) -> bytes:
    return app.extensions["storage"].read(asset.file)


def upload(client, csrf, data: bytes, filename: str, **fields):
    token = csrf(client, "/admin/media/new/")
    return client.post(
        "/admin/media/new/",
        data={"upload": (io.BytesIO(data), filename), "alt_text": "Ảnh thử", "csrf_token": token, **fields},
        content_type="multipart/form-data",
    )


# --- 1. a client's file name is display text only ----------------------------------------------


@pytest.mark.parametrize(
    ("sent", "shown"),
    [
        ("../../../outside/x.jpg", "x.jpg"),
        ("C:\\Users\\Ảnh\\bien.jpg", "bien.jpg"),
        ("/etc/passwd", "passwd"),
        ("anh\x00bia.jpg", "anh bia.jpg"),  # a NUL was a 500 on PostgreSQL
        ("bi\u0300a\u202egpj.exe", "bìa gpj.exe"),  # NFC; no right-to-left override
        ("..", ""),
        ("  .ẩn.jpg  ", "ẩn.jpg"),
    ],
)
def test_display_name(sent, shown):
    assert display_name(sent) == shown
    assert unicodedata.is_normalized("NFC", display_name(sent))


def test_display_name_is_cut_at_200_keeping_the_extension():
    name = display_name("ả" * 300 + ".jpeg")
    assert len(name) == 200 and name.endswith("ả.jpeg")


@pytest.mark.parametrize(
    "parts",
    [
        ("bai", "../x.jpg"),
        ("/bai", "x.jpg"),
        ("bai", "a\\b.jpg"),
        ("bai", "a\x00.jpg"),
        ("bai", "a\nb.jpg"),
        ("bai", ""),
        ("c:", "x"),
    ],
)
def test_archive_entry_refuses_names_that_leave_the_folder(parts):
    with pytest.raises(ValueError):
        archive_entry(*parts)


def test_archive_entry_accepts_generated_names():
    assert archive_entry("bai-viet-1", "anh/01-anh-bia.jpg") == "bai-viet-1/anh/01-anh-bia.jpg"


def test_upload_name_from_the_admin_is_display_text(app, ctx, as_role, csrf):
    client = as_role("editor")
    response = upload(client, csrf, image_bytes(400, 300), "../../../outside/a\x00nh.jpg")
    assert response.status_code == 302
    asset = db.session.scalar(db.select(MediaAsset))
    assert asset.original_name == "a nh.jpg"
    assert export_name(asset) == f"{asset.sha256[:16]}.jpg"
    assert not any("outside" in name for name in files(app))


def test_press_pack_names_are_generated(app, client, ctx, make_story, make_exemplar):
    cover = add_image(image_bytes(800, 500), "../../../outside/x.jpg")
    portrait = add_image(image_bytes(300, 400, "PNG"), "..\\..\\chan dung.png")
    person = make_exemplar(slug="ong-lai-do", portrait=portrait)
    story = make_story(slug="ben-do", cover=cover, exemplars=[person])
    db.session.commit()
    with client.get(f"/bai-viet/{story.slug}/bao-chi.zip") as response:
        pack = zipfile.ZipFile(io.BytesIO(response.data))
    names = pack.namelist()
    assert all(n.startswith("ben-do/") and ".." not in n and "\\" not in n for n in names)
    assert {"ben-do/anh/01-anh-bia.jpg", "ben-do/anh/02-chan-dung-ong-lai-do.png"} <= set(names)
    assert pack.read("ben-do/anh/02-chan-dung-ong-lai-do.png") == stored(app, portrait)
    credits = pack.read("ben-do/nguon-anh.txt").decode()
    assert "anh/01-anh-bia.jpg" in credits and "outside" not in credits


# --- 2. kept byte for byte: only segments we allow ---------------------------------------------


def jpeg(width=320, height=240, **options) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (width, height), (30, 120, 200)).save(buf, "JPEG", **options)
    return buf.getvalue()


def after_app0(data: bytes, segment: bytes) -> bytes:
    """Insert a JPEG segment right after SOI + APP0 (JFIF, 18 bytes)."""
    assert data[2:4] == b"\xff\xe0"
    return data[:20] + segment + data[20:]


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_with(extra: bytes = b"", idat_tail: bytes = b"", after: bytes = b"") -> bytes:
    """A PNG rebuilt chunk by chunk: `extra` chunks before IEND, bytes after the zlib stream
    inside IDAT, bytes after IEND."""
    raw = image_bytes(200, 120, "PNG")
    pos, chunks = 8, []
    while pos < len(raw):
        (length,) = struct.unpack(">I", raw[pos : pos + 4])
        chunks.append((raw[pos + 4 : pos + 8], raw[pos + 8 : pos + 8 + length]))
        pos += 12 + length
    out = raw[:8]
    for kind, body in chunks:
        if kind == b"IEND":
            out += extra
        out += png_chunk(kind, body + idat_tail if kind == b"IDAT" else body)
    return out + after


SECRET = b"SECRET-payload-<script>alert(1)</script>"
NOT_KEPT = {
    "jpeg APP5": lambda: after_app0(jpeg(), b"\xff\xe5" + struct.pack(">H", len(SECRET) + 2) + SECRET),
    "jpeg COM": lambda: after_app0(jpeg(), b"\xff\xfe" + struct.pack(">H", len(SECRET) + 2) + SECRET),
    "jpeg after EOI": lambda: jpeg() + SECRET,
    "png private chunk": lambda: png_with(extra=png_chunk(b"prVt", SECRET)),
    "png tEXt chunk": lambda: png_with(extra=png_chunk(b"tEXt", b"Comment\x00" + SECRET)),
    "png after IEND": lambda: png_with(after=SECRET),
    "png after the zlib stream": lambda: png_with(idat_tail=SECRET),
}


@pytest.mark.parametrize("kind", list(NOT_KEPT))
def test_anything_but_allowed_segments_is_re_encoded(app, ctx, kind):
    data = NOT_KEPT[kind]()
    with Image.open(io.BytesIO(data)) as im:
        im.load()  # Pillow itself reads these files without complaint
    assert not structure.plain(data, "JPEG" if kind.startswith("jpeg") else "PNG")
    asset = add_image(data, "anh")
    db.session.commit()
    master = stored(app, asset)
    assert master != data and SECRET not in master and b"SECRET" not in master
    with Image.open(io.BytesIO(master)) as im:
        assert im.size == (asset.width, asset.height)
        assert structure.plain(master, im.format)  # what we write passes our own check


@pytest.mark.parametrize(
    "data",
    [
        jpeg(),
        jpeg(progressive=True, optimize=True),
        jpeg(restart_marker_blocks=4),
        image_bytes(120, 80, "PNG"),
        png_with(extra=png_chunk(b"pHYs", struct.pack(">IIB", 2835, 2835, 1))),
    ],
    ids=["jpeg", "progressive", "restart markers", "png", "png pHYs"],
)
def test_plain_files_are_kept_byte_for_byte(app, ctx, data):
    asset = add_image(data, "anh")
    db.session.commit()
    assert stored(app, asset) == data


def test_webp_is_always_re_encoded(app, ctx):
    data = image_bytes(300, 200, "WEBP") + SECRET  # RIFF size no longer covers the tail
    try:
        asset = add_image(data, "anh.webp")
    except ImageRejected:
        return  # refused outright is fine too
    db.session.commit()
    assert stored(app, asset) != data and SECRET not in stored(app, asset)


# --- 3. every size fits every format -----------------------------------------------------------


@pytest.mark.parametrize(
    ("width", "height", "fmt"),
    [(1200, 20000, "JPEG"), (20000, 600, "JPEG"), (1, 70000, "PNG")],
)
def test_extreme_sizes_fit_every_format(app, ctx, width, height, fmt):
    asset = add_image(image_bytes(width, height, fmt), f"{width}x{height}")
    db.session.commit()
    assert (asset.width, asset.height) == (width, height)
    assert asset.renditions
    storage = app.extensions["storage"]
    for r in asset.renditions:
        assert 1 <= r["width"] <= min(width, 1600) and 1 <= r["height"] <= RENDITION_SIDE
        for key in (r["jpeg"], r["webp"]):
            with Image.open(io.BytesIO(storage.read(key))) as im:
                assert im.size == (r["width"], r["height"])
    widths = [r["width"] for r in asset.renditions]
    assert widths == sorted(set(widths))


def test_rendition_sizes_fit_jpeg_and_webp():
    assert images.rendition_sizes(1200, 20000) == [(320, 5333), (640, 10667), (983, 16383)]
    assert images.rendition_sizes(20000, 600) == [(320, 10), (640, 19), (1024, 31), (1200, 36), (1600, 48)]
    assert images.rendition_sizes(300, 40000) == [(123, 16383)]  # narrower than 320: own width, fitted
    assert images.rendition_sizes(200, 100) == [(200, 100)]  # never upscaled


def test_tall_photo_with_metadata_is_re_encoded_and_fits(app, ctx):
    comment = b"\xff\xfe" + struct.pack(">H", len(SECRET) + 2) + SECRET
    asset = add_image(after_app0(jpeg(340, 20000, quality=50), comment), "cuon-thu.jpg")
    db.session.commit()
    assert (asset.width, asset.height) == (340, 20000) and SECRET not in stored(app, asset)
    assert len(asset.renditions) == 1 and asset.renditions[0]["height"] == RENDITION_SIDE


def test_tall_upload_in_the_admin_is_not_a_500(app, ctx, as_role, csrf):
    response = upload(as_role("editor"), csrf, image_bytes(340, 20000), "doc.jpg")
    assert response.status_code == 302
    assert db.session.scalar(db.select(MediaAsset)).height == 20000


# --- 4. storage failures: a Vietnamese message and no file left --------------------------------


def test_unwritable_media_folder_in_the_admin(app, ctx, as_role, csrf, tmp_path, monkeypatch):
    client = as_role("editor")
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a regular file where the media folder should be")
    broken = Storage(blocker / "media")
    monkeypatch.setitem(app.extensions, "storage", broken)
    before = set(tmp_path.rglob("*"))
    response = upload(client, csrf, image_bytes(900, 600), "bien.jpg")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Không lưu được ảnh: thư mục ảnh không ghi được hoặc đã đầy" in html
    assert set(tmp_path.rglob("*")) == before
    assert db.session.scalar(db.select(db.func.count(MediaAsset.id))) == 0


def test_full_disk_midway_removes_every_file_of_the_upload(app, ctx, monkeypatch):
    existing = add_image(image_bytes(700, 500, color=(1, 2, 3)), "cu.jpg")
    db.session.commit()
    before = files(app)
    real, calls = os.replace, []

    def replace(src, dst):
        calls.append(dst)
        if len(calls) > 3:  # master and two renditions written, then the disk is full
            raise OSError(errno.ENOSPC, "No space left on device")
        real(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(StorageError, match="không lưu được ảnh"):
        add_image(image_bytes(1800, 1200), "moi.jpg")
    monkeypatch.undo()
    assert len(calls) == 4
    db.session.rollback()
    assert files(app) == before  # no half-written file, no temporary file, old files intact
    assert db.session.scalar(db.select(db.func.count(MediaAsset.id))) == 1
    assert all(app.extensions["storage"].exists(r["jpeg"]) for r in existing.renditions)


def test_storage_error_is_an_image_rejection():
    assert issubclass(StorageError, ImageRejected)
    assert str(StorageError()).startswith("không lưu được ảnh")


# --- 5. memory: a kept JPEG is decoded at a reduced scale --------------------------------------


def test_kept_jpeg_is_decoded_no_larger_than_the_largest_rendition_needs(app, ctx):
    decoded = images.decode(jpeg(6400, 4800), reduced=True)
    assert decoded.plain and (decoded.width, decoded.height) == (6400, 4800)
    assert 1600 <= decoded.image.width <= 3200  # libjpeg scaled it down by 2 at least
    full = images.decode(jpeg(6400, 4800, comment=b"x"), reduced=True)
    assert not full.plain and full.image.size == (6400, 4800)  # to be re-encoded: every pixel


def test_same_picture_with_other_metadata_is_one_asset(app, ctx):
    plain = jpeg(500, 400)
    first = add_image(after_app0(plain, b"\xff\xfe\x00\x05abc"), "a.jpg")
    db.session.commit()
    second = add_image(after_app0(plain, b"\xff\xfe\x00\x05xyz"), "b.jpg")
    assert second.id == first.id


# --- 6. press pack follows its photos ----------------------------------------------------------


def test_press_pack_follows_photo_credits(app, client, ctx, make_story, make_exemplar):
    cover = add_image(image_bytes(900, 600), "bia.jpg")
    cover.credit = "Ảnh: Báo Hải Phòng"
    portrait = add_image(image_bytes(300, 400, color=(9, 9, 9)), "chan-dung.jpg")
    portrait.credit = "Ảnh: gia đình cung cấp"
    story = make_story(cover=cover, exemplars=[make_exemplar(portrait=portrait)])
    db.session.commit()

    def credits() -> str:
        with client.get(f"/bai-viet/{story.slug}/bao-chi.zip") as response:
            pack = zipfile.ZipFile(io.BytesIO(response.data))
        return pack.read(f"{story.slug}/nguon-anh.txt").decode()

    assert "Ảnh: Báo Hải Phòng" in credits() and "Ảnh: gia đình cung cấp" in credits()
    cover.credit = "Ảnh: Đài PT-TH Hải Phòng"
    db.session.commit()
    assert "Ảnh: Đài PT-TH Hải Phòng" in credits() and "Ảnh: Báo Hải Phòng" not in credits()
    portrait.credit = "Ảnh: Thanh Hà"
    db.session.commit()
    assert "Ảnh: Thanh Hà" in credits() and "gia đình" not in credits()
    packs = list((app.extensions["storage"].root / "packs").glob(f"{story.id}-*.zip"))
    assert len(packs) == 1  # the stale packs are gone
