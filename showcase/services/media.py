"""Photos in the library: upload (checked and stripped by `showcase.media.images`) and the
texts that go with them. Partners edit only their own uploads, and only while no published
page shows them; every edit keeps a revision."""

from __future__ import annotations

from typing import Any

from sqlalchemy import exists, or_, select

from showcase.extensions import db
from showcase.media import images
from showcase.models import Exemplar, MediaAsset, Story, User, story_exemplars
from showcase.services import records
from showcase.services.errors import ServiceError
from showcase.visibility import is_published

TEXT_FIELDS = ("alt_text", "caption", "credit", "licence")


def add_image(data: bytes, original_name: str = "", by: User | None = None, **detail: Any) -> MediaAsset:
    """Store an image (checked, stripped, with renditions) and add it to the library, or return
    the one already there; raise images.ImageRejected for a file we do not accept."""
    asset = images.store_image(data, original_name)
    if asset.id is None:
        asset.uploaded_by_id = by.id if by is not None else None
        records.save(asset, {}, by=by, created=True, **detail)
    return asset


def upload(data: bytes, filename: str, values: dict[str, Any], by: User | None, **detail: Any) -> MediaAsset:
    """Check and store an image with its texts; refuse one already in the library."""
    try:
        asset = images.store_image(data, filename)
    except images.StorageError as exc:
        message = str(exc)
        raise ServiceError(f"{message[:1].upper()}{message[1:]}.") from None
    except images.ImageRejected as exc:
        raise ServiceError(f"Không nhận ảnh này: {exc}.") from None
    if asset.id is not None:
        raise ServiceError(f"Ảnh này đã có trong thư viện (ảnh số {asset.id}).")
    asset.uploaded_by_id = by.id if by is not None else None
    records.save(asset, {k: v for k, v in values.items() if k in TEXT_FIELDS}, by=by, created=True, **detail)
    return asset


def on_published_page(asset: MediaAsset) -> bool:
    """Whether a public page shows this photo: a published story's cover, or the portrait of an
    exemplar that a published story presents."""
    cover = select(Story.id).where(Story.cover_id == asset.id, is_published())
    portrait = (
        select(Exemplar.id)
        .join(story_exemplars, story_exemplars.c.exemplar_id == Exemplar.id)
        .join(Story, Story.id == story_exemplars.c.story_id)
        .where(Exemplar.portrait_id == asset.id, is_published())
    )
    return bool(db.session.scalar(select(or_(exists(cover), exists(portrait)))))


def can_edit(asset: MediaAsset, user: User) -> bool:
    """Editors edit every photo; a partner their own uploads that no published page shows."""
    if user.is_editor:
        return True
    return asset.uploaded_by_id == user.id and not on_published_page(asset)


def update(asset: MediaAsset, values: dict[str, Any], by: User, seen: int | None = None) -> bool:
    """Change a photo's alt text, caption, credit or licence (a revision is kept)."""
    if not can_edit(asset, by):
        raise ServiceError(
            "Bạn chỉ sửa được ảnh do chính mình tải lên và chưa dùng trên trang đã đăng; "
            "hãy nhờ biên tập viên sửa."
        )
    unknown = sorted(set(values) - set(TEXT_FIELDS))
    if unknown:
        raise ServiceError(f"Không sửa được «{', '.join(unknown)}» của ảnh; hãy tải ảnh mới.")
    return bool(records.save(asset, values, by=by, created=False, seen=seen))


def rebuild_renditions() -> list[tuple[MediaAsset, str]]:
    """Make every photo's renditions again from its stored original; return those skipped and why."""
    skipped = []
    for asset in db.session.scalars(select(MediaAsset).order_by(MediaAsset.id)):
        try:
            asset.renditions = images.remake_renditions(asset)
        except images.ImageRejected as exc:
            skipped.append((asset, str(exc)))
    return skipped
