"""Accept an image safely and make its renditions (Pillow). Nothing reaches disk until every
check has passed, and a refusal or a storage failure leaves no file behind.

Checks: JPEG, PNG or WebP recognised by content (not by name); a pixel limit read from the
header before decoding, with Pillow's decompression-bomb warning made an error; truncated or
corrupt files refused. A file is kept byte for byte only when its structure holds nothing but
the segments we allow (see `structure`); otherwise the EXIF orientation is applied and the
image is re-encoded, which drops every metadata block (GPS above all) and anything hidden.
Renditions are made now, never while a page renders, and fit every format's size limit.

Memory: one decoded copy of the image at a time (a rotation or mode change replaces it) and
one rendition; the full image is released once the largest rendition is made from it, and each
smaller one is made from the one before. A JPEG kept as it is gets decoded at a reduced scale
(`draft`), just large enough for the largest rendition.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from typing import Any, NamedTuple

from flask import current_app
from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import select

from showcase.extensions import db
from showcase.media import structure
from showcase.media.names import display_name
from showcase.media.storage import Batch, Storage
from showcase.models import MediaAsset

WIDTHS = (320, 640, 1024, 1200, 1600)  # 1200: the rendition a shared link shows (Open Graph)
FORMATS = {"JPEG": ("jpg", "image/jpeg"), "PNG": ("png", "image/png"), "WEBP": ("webp", "image/webp")}
EXTENSIONS = {content_type: extension for extension, content_type in FORMATS.values()}
SAVE: dict[str, dict[str, Any]] = {
    "JPEG": {"quality": 88, "optimize": True, "progressive": True},
    "PNG": {"optimize": True},
    "WEBP": {"quality": 88, "method": 4},
}
# A re-encoded JPEG master is written baseline and without Huffman optimisation: libjpeg then
# streams it row by row, where progressive or optimised coding would buffer every DCT
# coefficient of the full image (~100 MB more at 24 megapixels). Pages show renditions, which
# stay progressive; the master is for download and the press pack.
MASTER_SAVE: dict[str, dict[str, Any]] = SAVE | {"JPEG": {"quality": 88}}
MAX_SIDE = {"JPEG": 65_535, "PNG": 2**31 - 1, "WEBP": 16_383}  # what each format can hold
RENDITION_SIDE = min(MAX_SIDE["JPEG"], MAX_SIDE["WEBP"])  # renditions are written in both
STORAGE_FAILED = (
    "không lưu được ảnh: thư mục ảnh không ghi được hoặc đã đầy, "
    "không có tệp nào được giữ lại (hãy báo quản trị viên)"
)


class ImageRejected(ValueError):
    """The bytes are not an image this site accepts; the message is Vietnamese."""


class StorageError(ImageRejected):
    """The image was fine but could not be written (unwritable folder, full disk); every file
    written for it has been removed."""

    def __init__(self, message: str = STORAGE_FAILED) -> None:
        super().__init__(message)


class Decoded(NamedTuple):
    image: Image.Image  # upright, no metadata; smaller than width×height when drafted
    format: str  # JPEG, PNG or WEBP
    width: int  # the full, upright size
    height: int
    plain: bool  # the uploaded bytes may be kept as they are


def sniff(data: bytes) -> str | None:
    """The format the first bytes announce (JPEG, PNG, WebP), or None."""
    if data[:3] == b"\xff\xd8\xff":
        return "JPEG"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "PNG"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return None


def export_name(asset: MediaAsset) -> str:
    """A file name for an asset outside the site (content/ export): `<sha256[:16]>.<ext>`,
    generated from the stored content, never from a name a client sent."""
    return f"{asset.sha256[:16]}.{EXTENSIONS.get(asset.content_type, 'bin')}"


def fit(width: int, height: int, limit: int) -> tuple[int, int]:
    """Scale a size down, keeping its proportions, so neither side exceeds `limit`; never up."""
    longest = max(width, height)
    if longest <= limit:
        return width, height
    scale = limit / longest
    return max(1, min(limit, round(width * scale))), max(1, min(limit, round(height * scale)))


def rendition_sizes(width: int, height: int) -> list[tuple[int, int]]:
    """The renditions of an image: each of WIDTHS narrower than it (or its own width when it is
    narrower than all), scaled down further where a side would not fit in JPEG and WebP."""
    sizes: list[tuple[int, int]] = []
    for target in [w for w in WIDTHS if w < width] or [width]:
        size = fit(target, max(1, round(height * target / width)), RENDITION_SIDE)
        if all(size[0] > w for w, _h in sizes):  # a tall image can shrink two targets to one size
            sizes.append(size)
    return sizes


def _limits() -> tuple[int, int]:
    config = current_app.config
    return int(config.get("MAX_IMAGE_PIXELS", 60_000_000)), int(
        config.get("MAX_UPLOAD_BYTES", 25 * 1024 * 1024)
    )


def _open(data: bytes) -> tuple[Image.Image, str]:
    """Check size, format and pixel count from the header and verify the file; return it
    opened again, not yet decoded (call inside the decompression-bomb warning filter)."""
    max_pixels, max_bytes = _limits()
    if len(data) > max_bytes:
        raise ImageRejected(f"ảnh lớn quá {max_bytes // (1024 * 1024)} MB")
    announced = sniff(data)
    if announced is None:
        raise ImageRejected("chỉ nhận ảnh JPEG, PNG hoặc WebP (tệp này không phải)")
    with Image.open(io.BytesIO(data)) as probe:
        if probe.format != announced:
            raise ImageRejected("nội dung tệp không khớp với định dạng ảnh")
        width, height = probe.size
        if width * height > max_pixels:
            raise ImageRejected(
                f"ảnh có {width}×{height} điểm ảnh, vượt giới hạn {max_pixels // 1_000_000} triệu"
            )
        probe.verify()
    return Image.open(io.BytesIO(data)), announced


def decode(data: bytes, reduced: bool = False) -> Decoded:
    """Open, check and fully decode an image: upright, without metadata, with its full size.

    With `reduced`, a JPEG kept byte for byte is decoded at the smallest scale that still
    covers the largest rendition (the master needs no pixels from us then)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image, fmt = _open(data)
            width, height = image.size
            plain = structure.plain(data, fmt)
            if reduced and plain and fmt == "JPEG":
                image.draft(image.mode, rendition_sizes(width, height)[-1])
            image.load()
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
    before = image.size
    ImageOps.exif_transpose(image, in_place=True)  # replaces the pixels, never keeps two copies
    if image.size != before:
        width, height = height, width
    if image.mode not in ("RGB", "RGBA", "L"):
        image = image.convert("RGBA" if "A" in image.getbands() or "transparency" in image.info else "RGB")
    image.info = {}  # EXIF, XMP, ICC, comments, text chunks: nothing is written back
    return Decoded(image, fmt, width, height, plain)


def encode(image: Image.Image, fmt: str, options: dict[str, dict[str, Any]] = SAVE) -> bytes:
    """Encode an image without metadata; JPEG gets transparency flattened onto white."""
    if max(image.size) > MAX_SIDE[fmt]:
        image = image.resize(fit(*image.size, MAX_SIDE[fmt]), Image.Resampling.LANCZOS, reducing_gap=3.0)
    if fmt == "JPEG" and image.mode not in ("RGB", "L"):
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image, mask=image.getchannel("A") if "A" in image.getbands() else None)
        image = background
    buf = io.BytesIO()
    image.save(buf, fmt, **options[fmt])
    return buf.getvalue()


def _renditions(decoded: Decoded, batch: Batch) -> list[dict]:
    """Make and store the renditions, largest first, each from the one before it; the full
    image is closed (its memory released) once the largest exists, so at most the full image
    and one rendition, then two renditions, are held at a time."""
    out = []
    source = decoded.image
    for width, height in reversed(rendition_sizes(decoded.width, decoded.height)):
        small = source.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
        source.close()
        source = small
        jpeg = batch.save(encode(small, "JPEG"), "jpg")
        webp = batch.save(encode(small, "WEBP"), "webp")
        out.append({"width": width, "height": height, "jpeg": jpeg, "webp": webp})
    source.close()
    return out[::-1]


def _storage() -> Storage:
    return current_app.extensions["storage"]


def _storage_failed(exc: OSError) -> StorageError:
    current_app.logger.error("media storage failed: %s", exc, exc_info=exc)
    return StorageError()


def store_image(data: bytes, original_name: str = "") -> MediaAsset:
    """Store an image's files once (by the hash of what was uploaded, or of what would be stored)
    with its renditions; return the asset already stored, or a new one for a service to save.
    `original_name` is kept as display text only."""
    digest = hashlib.sha256(data).hexdigest()
    existing = db.session.scalar(select(MediaAsset).filter_by(sha256=digest))
    if existing is not None:
        return existing
    decoded = decode(data, reduced=True)
    extension, content_type = FORMATS[decoded.format]
    if decoded.plain:
        master, width, height = data, decoded.width, decoded.height  # no generation loss
    else:
        master = encode(decoded.image, decoded.format, MASTER_SAVE)
        width, height = fit(decoded.width, decoded.height, MAX_SIDE[decoded.format])
    storage = _storage()
    # the same picture uploaded with other metadata re-encodes to the same bytes: one asset
    same = db.session.scalar(select(MediaAsset).filter_by(file=storage.key_for(master, extension)))
    if same is not None:
        return same
    try:
        with storage.batch() as batch:
            key = batch.save(master, extension)
            del master
            renditions = _renditions(decoded, batch)
    except OSError as exc:
        raise _storage_failed(exc) from exc
    asset = MediaAsset(
        file=key,
        sha256=digest,
        original_name=display_name(original_name),
        content_type=content_type,
        width=width,
        height=height,
        renditions=renditions,
    )
    return asset


def remake_renditions(asset: MediaAsset) -> list[dict[str, Any]]:
    """Make an asset's renditions again from its stored master; return their descriptions."""
    storage = _storage()
    try:
        data = storage.read(asset.file)
    except OSError as exc:
        raise ImageRejected("không đọc được ảnh gốc đã lưu") from exc
    decoded = decode(data, reduced=True)
    try:
        with storage.batch() as batch:
            return _renditions(decoded, batch)
    except OSError as exc:
        raise _storage_failed(exc) from exc


def inspect(data: bytes) -> tuple[str, str, int, int]:
    """Check an image without storing it: (extension, content type, width, height)."""
    decoded = decode(data, reduced=True)
    extension, content_type = FORMATS[decoded.format]
    return extension, content_type, decoded.width, decoded.height
