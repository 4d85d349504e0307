"""Photos: staff upload them (checked, stripped of metadata, renditions made at once)."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_admin import expose
from wtforms import FileField

from showcase.admin.views.base import STAFF, SecureModelView, me
from showcase.services import media
from showcase.services.errors import ServiceError


class MediaView(SecureModelView):
    roles = STAFF
    can_delete = False  # an image may be in use on published pages; replace it instead
    column_list = ("original_name", "width", "height", "alt_text", "credit", "created_at")
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
    form_columns = ("upload", "alt_text", "caption", "credit", "licence")
    form_extra_fields = {"upload": FileField("Tệp ảnh (JPEG, PNG, WebP)")}
    column_formatters = {"original_name": lambda v, c, m, n: m.original_name or f"Ảnh {m.id}"}

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
