"""What the story editor shows besides the form: the status in words, what happens next for
this person, the photos to choose a cover from, and the library photos a body may show."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import islice
from typing import Any

from flask import url_for
from sqlalchemy import select

from showcase.admin.views.base import folded
from showcase.dates import to_local
from showcase.extensions import db
from showcase.models import MediaAsset, Story, StoryStatus, User
from showcase.services import media

S = StoryStatus
PREVIEW_LIMIT = 200_000  # characters of Markdown the live preview renders (a long story is ~30,000)
PICKER_LIMIT = 60  # photos the image picker lists at once
COVER_PAGE = 24  # photos the cover grid shows at once (more by search or «Xem thêm ảnh»)


@dataclass(frozen=True)
class StoryState:
    """A story's status as the workflow panel shows it."""

    badge: str  # the status in words
    tone: str  # Bootstrap colour of the badge
    next_step: str  # one sentence: what happens next, for this person


def when(value: Any) -> str:
    """A stored time as people say it here: «08:00 ngày 20/05/2026» (Vietnam time)."""
    local = to_local(value)
    return f"{local:%H:%M} ngày {local:%d/%m/%Y}"


def describe(story: Story, user: User) -> StoryState:
    """The status badge and the next step this user should take with this story."""
    scheduled = story.status == S.IN_REVIEW and story.publish_at is not None
    if scheduled:
        badge, tone = f"Đã hẹn giờ: đăng lúc {when(story.publish_at)}", "info"
    else:
        tone = {
            S.DRAFT: "secondary",
            S.IN_REVIEW: "warning",
            S.PUBLISHED: "success",
            S.ARCHIVED: "dark",
            S.RETRACTED: "danger",
            S.HIDDEN: "danger",
        }[story.status]
        badge = story.status.label
    return StoryState(badge, tone, _next_step(story, user, scheduled))


def _next_step(story: Story, user: User, scheduled: bool) -> str:
    own = story.author_id == user.id
    if not user.is_editor:
        if story.status == S.DRAFT and story.review_comment:
            return (
                "Biên tập viên nhắn cần sửa (xem nhận xét dưới đây). Sửa xong, bấm «Lưu» rồi «Gửi duyệt» lại."
            )
        if story.status == S.DRAFT:
            return "Khi viết xong, bấm «Gửi duyệt»: biên tập viên Ban TĐ-KT sẽ đọc và đăng hoặc nhắn lại."
        if scheduled:
            return (
                f"Biên tập viên đã duyệt và hẹn đăng lúc {when(story.publish_at)}. Nếu bạn sửa bài, lịch hẹn "
                "bị hủy và bài quay lại hàng chờ duyệt."
            )
        if story.status == S.IN_REVIEW:
            return (
                "Bài đang chờ biên tập viên Ban TĐ-KT duyệt. Bạn vẫn sửa được; biên tập viên sẽ đọc "
                "bản mới nhất."
            )
        if story.status == S.PUBLISHED:
            return "Bài đã đăng. Muốn sửa gì, hãy nhắn biên tập viên Ban TĐ-KT."
        return "Bài không còn trên trang công khai. Cần gì, hãy nhắn biên tập viên Ban TĐ-KT."
    if story.status == S.DRAFT:
        if story.review_comment:
            return "Đang chờ tác giả sửa theo nhận xét dưới đây; tác giả gửi lại thì bài vào hàng chờ duyệt."
        if own:
            return "Viết xong, bấm «Gửi duyệt» để bài vào hàng chờ, rồi duyệt và đăng."
        return "Bài còn là bản nháp của tác giả; khi tác giả bấm «Gửi duyệt», bài vào hàng chờ của bạn."
    if scheduled:
        return (
            f"Bài sẽ tự đăng lúc {when(story.publish_at)}. Muốn đăng ngay, bấm «Duyệt và đăng»; đổi giờ "
            "thì hẹn lại; cần tác giả sửa thì «Yêu cầu sửa» kèm nhận xét."
        )
    if story.status == S.IN_REVIEW:
        return "Đọc lại rồi «Duyệt và đăng», «Hẹn giờ đăng» hoặc «Yêu cầu sửa» kèm nhận xét."
    if story.status == S.PUBLISHED:
        return (
            "Bài đang hiện trên trang công khai: mỗi lần lưu, trang đổi ngay. «Gỡ xuống» cất bài vào "
            "lưu trữ; «Thu hồi» khi bài có sai sót (lý do được công bố)."
        )
    if story.status == S.ARCHIVED:
        return "Bài đã gỡ khỏi trang công khai. Bấm «Duyệt và đăng» để đăng lại."
    if story.status == S.HIDDEN:
        return (
            "Bài đã gỡ theo yêu cầu của người được nói đến: trang công khai báo bài đã gỡ, không nêu "
            "tên bài hay tên người. «Bỏ gỡ» trả bài về bản nháp để sửa rồi duyệt đăng lại."
        )
    return "Bài đã thu hồi và lý do được công bố; không còn thao tác nào."


# --- photos --------------------------------------------------------------------------------


def media_url(key: str) -> str:
    return url_for("site.media", key=key)


def smallest(asset: MediaAsset, fmt: str = "webp") -> tuple[str, int, int]:
    """The key, width and height of a photo's smallest rendition (the original if it has none)."""
    if not asset.renditions:
        return asset.file, asset.width, asset.height
    r = min(asset.renditions, key=lambda r: r["width"])
    return r.get(fmt) or r["jpeg"], r["width"], r["height"]


def body_size(asset: MediaAsset) -> str:
    """The key of the rendition a story's body shows: the widest JPEG up to 1024 px."""
    if not asset.renditions:
        return asset.file
    fitting = [r for r in asset.renditions if r["width"] <= 1024]
    if not fitting:
        return min(asset.renditions, key=lambda r: r["width"])["jpeg"]
    return max(fitting, key=lambda r: r["width"])["jpeg"]


@dataclass(frozen=True)
class Photo:
    id: int
    thumb: str
    width: int
    height: int
    alt: str
    caption: str
    name: str
    version: int
    editable: bool  # may this person change its alt text (services.media's rule)


def photo(asset: MediaAsset, user: User) -> Photo:
    key, width, height = smallest(asset)
    return Photo(
        id=asset.id,
        thumb=media_url(key),
        width=width,
        height=height,
        alt=asset.alt_text,
        caption=asset.caption,
        name=asset.original_name,
        version=asset.version,
        editable=media.can_edit(asset, user),
    )


def library_page(query: str = "", offset: int = 0, limit: int = COVER_PAGE) -> tuple[list[MediaAsset], bool]:
    """A page of library photos, newest first, only those whose alt text, caption, credit or file
    name holds words starting with each word of the query (with or without diacritics); and
    whether more follow.

    Only the texts are read to search (folded once per process, see `folded`); only the page's
    photos are loaded whole: a library of thousands stays quick to page through."""
    words = [" " + w for w in folded(query).split()]  # at the start of a word, as the lists search
    newest = select(MediaAsset.id).order_by(MediaAsset.id.desc())
    if not words:
        ids = list(db.session.scalars(newest.offset(offset).limit(limit + 1)))
    else:
        texts = select(
            MediaAsset.id,
            MediaAsset.alt_text,
            MediaAsset.caption,
            MediaAsset.credit,
            MediaAsset.original_name,
        ).order_by(MediaAsset.id.desc())
        matching = (
            row[0]
            for row in db.session.execute(texts)
            if all(w in " " + folded(" ".join(row[1:])) for w in words)
        )
        ids = list(islice(matching, offset, offset + limit + 1))
    page = ids[:limit]
    loaded = {a.id: a for a in db.session.scalars(select(MediaAsset).where(MediaAsset.id.in_(page)))}
    return [loaded[i] for i in page if i in loaded], len(ids) > limit


def cover_choices(user: User, chosen: MediaAsset | None) -> tuple[list[Photo], int | None]:
    """The first page of the cover grid: the chosen cover first, then the newest photos; and where
    the next page starts, None when the library holds no more (the page asks for them by search
    or «Xem thêm ảnh»)."""
    assets, more = library_page()
    offset = len(assets) if more else None
    if chosen is not None:
        assets = [chosen] + [a for a in assets if a.id != chosen.id]
    return [photo(a, user) for a in assets], offset


def photo_item(asset: MediaAsset, user: User) -> dict[str, Any]:
    """A photo as the editor's scripts draw it (the picker and the cover grid)."""
    p = photo(asset, user)
    return {
        "id": p.id,
        "thumb": p.thumb,
        "width": p.width,
        "height": p.height,
        "alt": p.alt,
        "caption": p.caption,
        "name": p.name,
        "version": p.version,
        "editable": p.editable,
        "src": media_url(body_size(asset)),
    }


def find_photos(query: str, user: User) -> list[dict[str, Any]]:
    """Library photos matching the query, newest first, for the image picker."""
    assets, _ = library_page(query, limit=PICKER_LIMIT)
    return [photo_item(a, user) for a in assets]
