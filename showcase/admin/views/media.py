"""Photos: staff upload them (checked, stripped of metadata, renditions made at once) and find them
in a thumbnail grid with their texts, who uploaded them and where they are used."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import current_app, flash, redirect, request, url_for
from flask_admin import expose
from sqlalchemy import select
from wtforms import FileField

from showcase.admin.views.base import STAFF, SecureModelView, me
from showcase.extensions import db
from showcase.models import Exemplar, MediaAsset, Story, User
from showcase.services import media, nominations
from showcase.services.errors import ServiceError
from showcase.visibility import story_is_public

FORMATS = ("jpeg", "webp")
IMPORTED = "nhập từ kho nội dung"  # no uploader: the photo came in with `flask content import`


@dataclass
class Use:
    """One place a photo is used: what it is there, the record's name and (when this user may
    open it) a link."""

    role: str
    label: str
    url: str | None = None


@dataclass
class Card:
    """What the grid shows of one photo."""

    asset: MediaAsset
    thumb: dict[str, Any] | None
    uploader: str
    uses: list[Use] = field(default_factory=list)
    hidden_uses: int = 0  # drafts of other partners: counted, not named
    can_edit: bool = False


def smallest(asset: MediaAsset) -> dict[str, Any] | None:
    """The smallest rendition of a photo (what the grid shows), or None when it has none."""
    return min(asset.renditions or [], key=lambda r: r.get("width", 0), default=None)


def file_size(key: str | None) -> int | None:
    """The size in bytes of a stored file, or None when it is missing."""
    if not key:
        return None
    try:
        return current_app.extensions["storage"].path(key).stat().st_size
    except (OSError, ValueError):
        return None


def kilobytes(size: int | None) -> str:
    """A file size as people read it: "84 KB", "1,2 MB" (Vietnamese decimal comma)."""
    if size is None:
        return "—"
    if size < 1_000_000:
        return f"{max(1, round(size / 1000))} KB"
    return f"{size / 1_000_000:.1f} MB".replace(".", ",")


class MediaView(SecureModelView):
    roles = STAFF
    can_delete = False  # an image may be in use on published pages; replace it instead
    column_list = ("original_name", "caption", "credit", "alt_text", "created_at")
    column_searchable_list = ("caption", "credit", "alt_text", "original_name")
    column_default_sort = [("created_at", True), ("id", True)]
    column_labels = {
        "original_name": "Tệp",
        "width": "Rộng",
        "height": "Cao",
        "alt_text": "Mô tả ảnh (alt)",
        "credit": "Nguồn ảnh",
        "created_at": "Ngày tải lên",
        "caption": "Chú thích",
        "licence": "Giấy phép",
        "upload": "Tệp ảnh (JPEG, PNG, WebP)",
    }
    column_details_list = ("original_name", "caption", "alt_text", "credit", "licence", "created_at")
    form_columns = ("upload", "alt_text", "caption", "credit", "licence")
    form_extra_fields = {"upload": FileField("Tệp ảnh (JPEG, PNG, WebP)")}
    # admin-upload.js turns this input into a drop zone; without script it stays a plain file input
    form_widget_args = {"upload": {"accept": "image/jpeg,image/png,image/webp", "data-drop-zone": "1"}}
    column_formatters = {"original_name": lambda v, c, m, n: m.original_name or f"Ảnh {m.id}"}
    page_size = 24  # a grid of 2, 3 or 4 across
    list_template = "admin/media_list.html"
    details_template = "admin/media_details.html"
    create_template = "admin/media_create.html"

    # photos citizens sent with a nomination stay out of the library until an editor uses one
    def _own_rows(self, query):
        return super()._own_rows(query).filter(~nominations.citizen_photo())

    def can_see(self, record) -> bool:
        if not me().is_editor and db.session.scalar(
            select(MediaAsset.id).where(MediaAsset.id == record.id, nominations.citizen_photo())
        ):
            return False
        return super().can_see(record)

    # --- the grid ----------------------------------------------------------------------

    def cards(self, assets: list[MediaAsset]) -> list[Card]:
        """The grid's cards for one page of photos: a few queries for the whole page."""
        user, can_edit = me(), media.can_edit
        ids = [a.id for a in assets]
        uploader_ids = {a.uploaded_by_id for a in assets if a.uploaded_by_id}
        names = dict(db.session.execute(select(User.id, User.name).where(User.id.in_(uploader_ids))).all())
        cards = {
            a.id: Card(a, smallest(a), names.get(a.uploaded_by_id or 0, IMPORTED), can_edit=can_edit(a, user))
            for a in assets
        }
        for story in db.session.scalars(select(Story).where(Story.cover_id.in_(ids)).order_by(Story.title)):
            card, use = cards[story.cover_id or 0], self._story_use(story, user)
            if use is None:
                card.hidden_uses += 1
            else:
                card.uses.append(use)
        portraits = select(Exemplar).where(Exemplar.portrait_id.in_(ids)).order_by(Exemplar.name)
        for exemplar in db.session.scalars(portraits):
            url = url_for("exemplars.details_view", id=exemplar.id) if user.is_editor else None
            cards[exemplar.portrait_id or 0].uses.append(Use("Chân dung", exemplar.name, url))
        return [cards[i] for i in ids]

    def _story_use(self, story: Story, user: User) -> Use | None:
        """A story using the photo as its cover, as this user may see it: editors and the author
        open it in the panel, anyone else sees a published story on the public site; another
        partner's draft is only counted."""
        if user.is_editor or story.author_id == user.id:
            return Use("Ảnh bìa", story.title, url_for("stories.details_view", id=story.id))
        if story_is_public(story):
            return Use("Ảnh bìa", story.title, url_for("site.story", slug=story.slug))
        return None

    def renditions(self, asset: MediaAsset) -> list[dict[str, Any]]:
        """Every rendition of a photo, smallest first, with the size of each file."""
        rows = []
        for r in sorted(asset.renditions or [], key=lambda r: r.get("width", 0)):
            files = [(kind, r[kind], kilobytes(file_size(r[kind]))) for kind in FORMATS if r.get(kind)]
            rows.append(
                {
                    "width": r.get("width"),
                    "height": r.get("height"),
                    "files": files,
                }
            )
        return rows

    def original_size(self, asset: MediaAsset) -> str:
        return kilobytes(file_size(asset.file))

    # --- saves ---------------------------------------------------------------------------

    def edit_form(self, obj=None):
        form = super().edit_form(obj)
        del form.upload  # a photo is replaced by uploading a new one, not edited in place
        return form

    def create(self, values):
        upload = values.pop("upload", None)
        if not upload or not getattr(upload, "filename", ""):
            raise ServiceError("Hãy chọn một tệp ảnh.")
        return media.upload(upload.read(), upload.filename, values, by=me())

    def update(self, record, values, seen):
        media.update(record, values, by=me(), seen=seen)

    @expose("/edit/", methods=("GET", "POST"))
    def edit_view(self):
        asset = self.get_one(request.args.get("id", ""))
        if not media.can_edit(asset, me()):
            flash(
                "Ảnh này do người khác tải lên hoặc đã dùng trên trang đã đăng: chỉ biên tập viên sửa được.",
                "error",
            )
            return redirect(url_for(".details_view", id=asset.id))
        return super().edit_view()
