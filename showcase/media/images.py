"""Accept an image into the media library (format check, size, dedup by content)."""

from __future__ import annotations

import hashlib
import io

from flask import current_app
from PIL import Image, UnidentifiedImageError
from sqlalchemy import select

from showcase.extensions import db
from showcase.models import MediaAsset

FORMATS = {"JPEG": ("jpg", "image/jpeg"), "PNG": ("png", "image/png"), "WEBP": ("webp", "image/webp")}


class ImageRejected(ValueError):
    """The bytes are not an image this site accepts; the message is Vietnamese."""


def inspect(data: bytes) -> tuple[str, str, int, int]:
    """Return (extension, content type, width, height) of an acceptable image."""
    try:
        with Image.open(io.BytesIO(data)) as im:
            fmt = im.format
            im.verify()
        with Image.open(io.BytesIO(data)) as im:
            im.load()
            width, height = im.size
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
        raise ImageRejected("tệp không phải ảnh hợp lệ hoặc đã bị hỏng") from exc
    if fmt not in FORMATS:
        raise ImageRejected(f"chỉ nhận ảnh JPEG, PNG hoặc WebP (tệp này là {fmt})")
    extension, content_type = FORMATS[fmt]
    return extension, content_type, width, height


def add_image(data: bytes, original_name: str = "") -> MediaAsset:
    """Store an image once (by content hash) and return its asset, new or existing."""
    digest = hashlib.sha256(data).hexdigest()
    existing = db.session.scalar(select(MediaAsset).filter_by(sha256=digest))
    if existing is not None:
        return existing
    extension, content_type, width, height = inspect(data)
    key = current_app.extensions["storage"].save(data, extension)
    asset = MediaAsset(
        file=key,
        sha256=digest,
        original_name=original_name,
        content_type=content_type,
        width=width,
        height=height,
    )
    db.session.add(asset)
    return asset
