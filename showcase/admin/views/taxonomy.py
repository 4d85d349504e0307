"""Movements, fields and localities (editors and admins)."""

from __future__ import annotations

from showcase.admin.views.base import EnumEqual, SecureModelView, optional_slug
from showcase.models import Locality, LocalityKind
from showcase.services import taxonomy


class TaxonomyView(SecureModelView):
    column_searchable_list = ("name", "slug")
    column_default_sort = [("name", False), ("id", False)]
    form_extra_fields = {"slug": optional_slug()}
    column_labels = {"slug": "Đường dẫn (slug)", "name": "Tên", "description": "Mô tả"}

    saver = staticmethod(taxonomy.save)
    remover = staticmethod(taxonomy.delete)


class FieldView(TaxonomyView):
    column_list = ("name", "slug")


class MovementView(TaxonomyView):
    column_list = ("name", "launched_by", "start_year", "end_year")
    column_labels = TaxonomyView.column_labels | {
        "launched_by": "Cơ quan phát động",
        "start_year": "Năm bắt đầu",
        "end_year": "Năm kết thúc",
    }


class LocalityView(TaxonomyView):
    column_list = ("name", "kind", "parent", "replaced_by")
    column_labels = TaxonomyView.column_labels | {
        "kind": "Cấp",
        "parent": "Thuộc",
        "replaced_by": "Đã sắp xếp vào",
    }
    column_filters = (EnumEqual(Locality.kind, "Cấp", LocalityKind),)
    form_excluded_columns = ("children", "replaced", "version")
