"""Accept an image safely and make its renditions (Pillow). Nothing reaches disk until every
check has passed, and a refusal leaves no file behind.

Checks: JPEG, PNG or WebP recognised by content (not by name); a pixel limit read from the
header before decoding, with Pillow's decompression-bomb warning made an error; truncated or
corrupt files refused. Then the EXIF orientation is applied and every metadata block (GPS
above all) is dropped by re-encoding; renditions are made now, never while a page renders.
"""

from __future__ import annotations

import hashlib
import io
import warnings

from flask import current_app
from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import select

from showcase.extensions import db
from showcase.models import MediaAsset

WIDTHS = (320, 640, 1024, 1600)
FORMATS = {"JPEG": ("jpg", "image/jpeg"), "PNG": ("png", "image/png"), "WEBP": ("webp", "image/webp")}
SAVE = {
    "JPEG": {"quality": 88, "optimize": True, "progressive": True},
    "PNG": {"optimize": True},
    "WEBP": {"quality": 88, "method": 4},
}


class ImageRejected(ValueError):
    """The bytes are not an image this site accepts; the message is Vietnamese."""


def sniff(data: bytes) -> str | None:
    """The format the first bytes announce (JPEG, PNG, WebP), or None."""
    if data[:3] == b"\xff\xd8\xff":
        return "JPEG"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "PNG"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return None


def _limits() -> tuple[int, int]:
    config = current_app.config
    return int(config.get("MAX_IMAGE_PIXELS", 60_000_000)), int(
        config.get("MAX_UPLOAD_BYTES", 25 * 1024 * 1024)
    )


HARMLESS = {  # what Pillow reports of a file that carries no personal or hidden data
    "JPEG": {"jfif", "jfif_version", "jfif_unit", "jfif_density", "dpi", "progressive", "progression"},
    "PNG": {"dpi", "gamma", "srgb", "transparency"},
}
PNG_END = b"\x00\x00\x00\x00IEND\xaeB`\x82"


def is_clean(data: bytes, fmt: str, info: dict) -> bool:
    """Whether the uploaded bytes can be kept as they are: no metadata, nothing after the image."""
    if fmt not in HARMLESS or not set(info) <= HARMLESS[fmt]:
        return False
    return data.endswith(b"\xff\xd9") if fmt == "JPEG" else data.endswith(PNG_END)


def decode(data: bytes) -> tuple[Image.Image, str]:
    """Open, check and fully decode an image; return it upright, without metadata, and its format."""
    max_pixels, max_bytes = _limits()
    if len(data) > max_bytes:
        raise ImageRejected(f"ảnh lớn quá {max_bytes // (1024 * 1024)} MB")
    announced = sniff(data)
    if announced is None:
        raise ImageRejected("chỉ nhận ảnh JPEG, PNG hoặc WebP (tệp này không phải)")
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format != announced:
                    raise ImageRejected("nội dung tệp không khớp với định dạng ảnh")
                width, height = probe.size
                if width * height > max_pixels:
                    raise ImageRejected(
                        f"ảnh có {width}×{height} điểm ảnh, vượt giới hạn {max_pixels // 1_000_000} triệu"
                    )
                probe.verify()
            image = Image.open(io.BytesIO(data))
            image.load()
            clean_file = is_clean(data, announced, image.info)
        except ImageRejected:
            raise
        except (
            UnidentifiedImageError,
            OSError,
            SyntaxError,
            ValueError,
            Image.DecompressionBombWarning,
            Image.DecompressionBombError,
        ) as exc:
            raise ImageRejected("tệp ảnh bị hỏng hoặc không đọc được") from exc
    upright = ImageOps.exif_transpose(image)
    if upright.mode not in ("RGB", "RGBA", "L"):
        upright = upright.convert(
            "RGBA" if "A" in upright.getbands() or "transparency" in upright.info else "RGB"
        )
    clean = Image.new(upright.mode, upright.size)  # a fresh image carries no metadata at all
    clean.paste(upright)
    clean.info["clean_file"] = clean_file  # no EXIF, so nothing was rotated either
    return clean, announced


def encode(image: Image.Image, fmt: str) -> bytes:
    buf = io.BytesIO()
    if fmt == "JPEG" and image.mode != "RGB":
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image, mask=image.getchannel("A") if image.mode == "RGBA" else None)
        image = background
    image.save(buf, fmt, **SAVE[fmt])
    return buf.getvalue()


def make_renditions(image: Image.Image) -> list[tuple[int, int, bytes, bytes]]:
    """(width, height, jpeg, webp) at each width narrower than the image (never upscaled)."""
    out = []
    widths = [w for w in WIDTHS if w < image.width] or [image.width]
    for width in widths:
        height = max(1, round(image.height * width / image.width))
        small = image.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
        out.append((width, height, encode(small, "JPEG"), encode(small, "WEBP")))
    return out


def add_image(data: bytes, original_name: str = "") -> MediaAsset:
    """Store an image once (by the hash of what was uploaded) with its renditions."""
    digest = hashlib.sha256(data).hexdigest()
    existing = db.session.scalar(select(MediaAsset).filter_by(sha256=digest))
    if existing is not None:
        return existing
    image, fmt = decode(data)
    # a clean file is kept byte for byte (no generation loss; export and import give it back)
    master = data if image.info.get("clean_file") else encode(image, fmt)
    made = make_renditions(image)
    storage = current_app.extensions["storage"]
    extension, content_type = FORMATS[fmt]
    saved: list[str] = []
    try:
        key = storage.save(master, extension)
        saved.append(key)
        renditions = []
        for width, height, jpeg, webp in made:
            jpeg_key, webp_key = storage.save(jpeg, "jpg"), storage.save(webp, "webp")
            saved += [jpeg_key, webp_key]
            renditions.append({"width": width, "height": height, "jpeg": jpeg_key, "webp": webp_key})
    except BaseException:
        for stored in saved:
            storage.delete(stored)
        raise
    asset = MediaAsset(
        file=key,
        sha256=digest,
        original_name=original_name[:200],
        content_type=content_type,
        width=image.width,
        height=image.height,
        renditions=renditions,
    )
    db.session.add(asset)
    return asset


def rebuild_renditions(asset: MediaAsset) -> None:
    """Make an asset's renditions again from its stored master."""
    storage = current_app.extensions["storage"]
    image, _fmt = decode(storage.read(asset.file))
    asset.renditions = [
        {"width": w, "height": h, "jpeg": storage.save(j, "jpg"), "webp": storage.save(p, "webp")}
        for w, h, j, p in make_renditions(image)
    ]


def inspect(data: bytes) -> tuple[str, str, int, int]:
    """Check an image without storing it: (extension, content type, width, height)."""
    image, fmt = decode(data)
    extension, content_type = FORMATS[fmt]
    return extension, content_type, image.width, image.height
