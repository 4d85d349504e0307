"""What every admin view shares: who may open it, per-row rules, and saves through the services.

Rules are enforced on the server: in the list query and in `get_one` (a row a user may not see
is a 404 on every view: edit, details, delete, actions). Views parse the form and call a
service; the service decides and writes. Status and the other workflow fields are never read
from a form.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_admin.contrib.sqla import ModelView
from flask_admin.contrib.sqla.fields import QuerySelectField
from flask_admin.contrib.sqla.filters import FilterEqual
from flask_admin.model import typefmt
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import bindparam, select
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from wtforms import DateField, DateTimeField, HiddenField, SelectField, StringField
from wtforms.fields.core import UnboundField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError
from wtforms.widgets import DateInput, DateTimeLocalInput

from showcase.admin import diffing
from showcase.admin.auth import safe_next
from showcase.admin.translations import FormMessages
from showcase.dates import format_date, format_datetime
from showcase.extensions import db
from showcase.models import Revision, Story, User, UserRole
from showcase.search.analysis import folded_terms, normalise
from showcase.services import revisions, transaction
from showcase.services.errors import ServiceError, StaleError

ADMIN, EDITOR, PARTNER = UserRole.ADMIN, UserRole.EDITOR, UserRole.PARTNER
STAFF = (ADMIN, EDITOR, PARTNER)
COMMON_LABELS = {
    "created_at": "Tạo lúc",
    "updated_at": "Cập nhật",
    "review_comment": "Nhận xét của biên tập viên",
    "retraction_reason": "Lý do thu hồi",
}
CHOOSE = "— chọn —"
UNKNOWN = "— chưa rõ —"  # the empty choice of an optional enum (counted as "Chưa rõ")
NONE = "— không có —"
STALE = StaleError(None)  # the message when the database refuses a save made from an old version
LARGEST_ID = 2**31 - 1  # beyond an INTEGER column: no such row


@lru_cache(maxsize=32_768)
def folded(text: str) -> str:
    """Text as the site's search folds it (NFC, lower case, no tones or marks, đ→d, sĩ = sỹ), its
    words joined by single spaces: what the panel's lists compare when searching.

    Folding costs ~0.1 ms per story (title and summary); rows change rarely, so each process keeps
    the folded text of the rows it searched (a few MB for 10,000 stories)."""
    return " ".join(folded_terms(normalise(text)))


def me() -> User:
    return current_user._get_current_object()


def attempt(work: Callable[[], Any], done: str = "") -> bool:
    """Run one change and commit it; when a service refuses, roll back and say why."""
    try:
        with transaction():
            work()
    except (ServiceError, ValidationError) as exc:
        flash(str(exc), "error")
        return False
    except (OverflowError, DataError):  # a number or date the database cannot hold
        flash("Có số hoặc ngày nằm ngoài khoảng cho phép; hãy kiểm tra lại.", "error")
        return False
    except StaleDataError:  # two saves from the same version at once: the second matched no row
        flash(str(STALE), "error")
        return False
    except IntegrityError:
        flash(
            "Không thực hiện được: bản ghi đang được dùng ở nơi khác, "
            "hoặc trùng với một bản ghi đã có (ví dụ cùng đường dẫn hoặc cùng số quyết định).",
            "error",
        )
        return False
    if done:
        flash(done, "success")
    return True


def enum_label(value: enum.Enum) -> str:
    """A LabelledEnum's Vietnamese label (an enum without one: its value, never its Python name)."""
    return getattr(value, "label", "") or str(value.value)


def yes_no(value: bool) -> str:
    return "Có" if value else "Không"


# native browser inputs instead of Flask-Admin's English date-range picker (which also covered the
# Save button); they post the formats the fields parse, and the first one is how a value is shown
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"]


def _native_date_inputs(form_class: Any) -> None:
    for name in dir(form_class):
        unbound = getattr(form_class, name)
        if not isinstance(unbound, UnboundField):
            continue
        if issubclass(unbound.field_class, DateField):  # a DateField is also a DateTimeField
            unbound.kwargs["widget"] = DateInput()
        elif issubclass(unbound.field_class, DateTimeField):
            unbound.kwargs["widget"] = DateTimeLocalInput()
            unbound.kwargs["format"] = DATETIME_FORMATS
            unbound.kwargs.setdefault("render_kw", {}).setdefault("step", 1)  # keep the seconds


def record_id(raw: Any) -> int:
    """A row id from the query string; anything else (or a number beyond any id) is a 404."""
    text = str(raw or "")
    if not text.isdigit() or int(text) > LARGEST_ID:
        abort(404)
    return int(text)


class AdminForm(FlaskForm):
    """The panel's form base: CSRF from Flask-WTF, messages in our own Vietnamese."""

    class Meta(FormMessages):
        pass


def valid_csrf() -> None:
    if not FlaskForm().validate_on_submit():
        abort(400, description="Phiên làm việc đã hết hạn; hãy tải lại trang và thử lại.")


class EnumSelectField(SelectField):
    """A select for a LabelledEnum: Vietnamese labels, the stored value selected, and an empty
    "— chọn —" first when nothing is chosen yet (never silently the first row)."""

    def __init__(self, label: str, enum_cls: type[enum.Enum], required: bool = True, **kwargs: Any) -> None:
        self.enum_cls = enum_cls
        blank = CHOOSE if required else UNKNOWN
        choices = [("", blank)] + [(m.value, getattr(m, "label", m.value)) for m in enum_cls]
        validators = [InputRequired(f"Hãy chọn {label.lower()}.")] if required else [Optional()]
        super().__init__(label, choices=choices, validators=validators, coerce=self._coerce, **kwargs)

    def _coerce(self, value: Any) -> Any:
        if value is None or value == "" or isinstance(value, self.enum_cls):
            return value or None
        try:
            return self.enum_cls(value)
        except ValueError:
            return value  # pre_validate then says it is not a valid choice

    def pre_validate(self, form: Any) -> None:
        if self.data is not None and not isinstance(self.data, self.enum_cls):
            raise ValidationError("Lựa chọn không hợp lệ.")

    def _value(self) -> str:
        return self.data.value if isinstance(self.data, enum.Enum) else ""


def _every_row(model: Any) -> Callable[[], Any]:
    """A query factory offering every row of a model."""
    return lambda: db.session.scalars(select(model)).all()


def _replace(form_class: Any, name: str, field: Any) -> None:
    """Put a field in place of a generated one, keeping its place in the form."""
    old = getattr(form_class, name, None)
    if isinstance(old, UnboundField):
        field.creation_counter = old.creation_counter
    setattr(form_class, name, field)


class EnumEqual(FilterEqual):
    """A list filter on an enum column: Vietnamese labels, values in the URL (?flt0_0=published);
    an unknown value is ignored, not an error."""

    def __init__(self, column: Any, name: str, enum_cls: type[enum.Enum]) -> None:
        self.enum_cls = enum_cls
        super().__init__(column, name, options=[(m.value, getattr(m, "label", m.value)) for m in enum_cls])

    def clean(self, value: Any) -> Any:
        return self.enum_cls(value)  # ValueError: Flask-Admin drops the filter

    def operation(self) -> str:
        return "là"


class Guarded:
    """Login required; the roles in `roles` may open the view; everyone else gets 403."""

    roles: tuple[UserRole, ...] = (ADMIN, EDITOR)

    def is_accessible(self) -> bool:
        return current_user.is_authenticated and current_user.has_role(*self.roles)

    def inaccessible_callback(self, name, **kwargs):
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        abort(403)

    def _handle_view(self, name, **kwargs):
        # Flask-Admin accepts "http:evil.example" as a return address (same host, it thinks);
        # only a path on this site is a valid `url=`.
        target = request.args.get("url")  # the query string (a form may have a field named url)
        if target and safe_next(target) is None:
            abort(400, description="Địa chỉ quay lại không hợp lệ: chỉ được là một trang của trang này.")
        page = request.args.get("page")
        if page is not None and (not page.isdigit() or int(page) > 100_000):
            abort(404)
        return super()._handle_view(name, **kwargs)  # type: ignore[misc]  # a mixin: BaseView has it


class SecureModelView(Guarded, ModelView):
    """Every model view: CSRF through FlaskForm; saves and deletes go to the view's service.

    A view says how through `create`, `update` and `remove`; each calls one service function."""

    form_base_class = AdminForm
    list_template = "admin/list.html"
    # the details page shows what people wrote and chose, not the machinery: the version counter,
    # the HTML rendered from Markdown, the counters that end previews and sessions, the hash
    column_details_exclude_list = (
        "version",
        "body_html",
        "bio_html",
        "preview_epoch",
        "session_epoch",
        "password_hash",
        "sha256",
    )
    # lists and details show times in Vietnam time, dates as dd/mm/yyyy (columns store UTC)
    column_type_formatters = {
        **typefmt.BASE_FORMATTERS,
        # enums by their label ("Biên tập viên", not EDITOR), booleans in words, not an icon
        enum.Enum: lambda view, value, name: enum_label(value),
        bool: lambda view, value, name: yes_no(value),
        datetime: lambda view, value, name: format_datetime(value),
        date: lambda view, value, name: format_date(value),
    }
    column_type_formatters_detail = column_type_formatters
    can_export = False
    can_view_details = True
    can_set_page_size = False
    page_size = 25
    column_display_pk = False
    form_excluded_columns = ("created_at", "updated_at", "version")
    # relations that must be chosen: the select starts on "— chọn —" and is refused when left
    # there (name -> a function giving the rows to offer, or None for every row)
    required_choices: dict[str, Callable[[], Any] | None] = {}
    # a view that names no sort lists the most recently changed rows first (see default_sort)
    column_default_sort: Any = None
    column_labels: dict[str, str] | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # the columns many models share, named once (Flask-Admin would print "Created At")
        self.column_labels = COMMON_LABELS | (self.column_labels or {})
        super().__init__(*args, **kwargs)
        if self.column_default_sort is None:
            self.column_default_sort = self.default_sort()

    def default_sort(self) -> list[tuple[str, bool]]:
        """The order of a list nobody sorted: last changed first when the model says when, else newest
        first; the id breaks ties, so a page never repeats or skips a row."""
        if "updated_at" in self.model.__table__.columns:
            return [("updated_at", True), ("id", True)]
        return [("id", True)]

    # --- the service path ------------------------------------------------------------

    # the service functions most views need: save(record, values, by, created, seen) and
    # delete(record, by); a view whose service reads differently overrides the three methods
    saver: Callable[..., Any] | None = None
    remover: Callable[..., Any] | None = None

    def create(self, values: dict[str, Any]) -> Any:
        if self.saver is None:
            raise ServiceError("Không tạo được mục này ở đây.")
        record = self.build_new_instance()
        self.saver(record, values, by=me(), created=True)
        return record

    def update(self, record: Any, values: dict[str, Any], seen: int | None) -> None:
        if self.saver is None:
            raise ServiceError("Không sửa được mục này ở đây.")
        self.saver(record, values, by=me(), created=False, seen=seen)

    def remove(self, record: Any) -> None:
        if self.remover is None:
            raise ServiceError("Không xóa được mục này.")
        self.remover(record, by=me())

    def form_values(self, form) -> dict[str, Any]:
        return {name: f.data for name, f in form._fields.items() if name not in ("csrf_token", "seen")}

    def create_model(self, form):
        saved: list[Any] = []
        return saved[0] if attempt(lambda: saved.append(self.create(self.form_values(form)))) else False

    def update_model(self, form, model) -> bool:
        seen_field = getattr(form, "seen", None)
        raw = seen_field.data if seen_field is not None else ""
        seen = int(raw) if raw and str(raw).isdigit() else None

        def work() -> None:
            try:
                self.update(model, self.form_values(form), seen)
            except StaleError:
                if seen_field is not None:
                    seen_field.data = str(model.version)  # saving again, on purpose, overwrites
                raise

        return attempt(work)

    def delete_model(self, model) -> bool:
        return attempt(lambda: self.remove(model))

    # --- forms: enum selects that keep their value; a version the save is checked against ---

    def scaffold_form(self):
        form_class = super().scaffold_form()
        for column in self.model.__table__.columns:
            enum_cls = getattr(column.type, "enum_class", None)
            if enum_cls is not None and hasattr(form_class, column.name):
                label = (self.column_labels or {}).get(column.name, column.name)
                described = (self.form_args or {}).get(column.name, {}).get("description", "")
                field = EnumSelectField(label, enum_cls, required=not column.nullable, description=described)
                _replace(form_class, column.name, field)
        for name, query in self.required_choices.items():
            label = (self.column_labels or {}).get(name, name)
            target = getattr(self.model, name).property.mapper.class_
            field = QuerySelectField(
                label,
                query_factory=query or _every_row(target),
                allow_blank=True,
                blank_text=CHOOSE,
                validators=[DataRequired(f"Hãy chọn {label.lower()}.")],
            )
            _replace(form_class, name, field)
        for name in dir(form_class):  # optional relations: say "none", not Flask-Admin's "__None"
            unbound = getattr(form_class, name)
            if isinstance(unbound, UnboundField) and issubclass(unbound.field_class, QuerySelectField):
                unbound.kwargs.setdefault("blank_text", NONE)
        if hasattr(self.model, "version"):
            form_class.seen = HiddenField()
        _native_date_inputs(form_class)
        return form_class

    def on_form_prefill(self, form, id) -> None:
        if hasattr(form, "seen"):
            form.seen.data = str(self.get_one(id).version)

    # --- per-row rules: the same in the list query and in get_one ----------------------

    owner: str | None = None  # the column naming a row's owner: partners see only their rows

    def _own_rows(self, query):
        if self.owner is None or me().is_editor:
            return query
        return query.filter(getattr(self.model, self.owner) == me().id)

    def get_query(self):
        return self._own_rows(super().get_query())

    def get_count_query(self):
        return self._own_rows(super().get_count_query())

    def get_one(self, id):
        record = db.session.get(self.model, record_id(id))
        if record is None or not self.can_see(record):
            abort(404)
        return record

    def row_action_allowed(self, action: Any, record: Any) -> bool:
        """Whether a list row shows this button (view, edit, delete) to this person."""
        return True

    def can_see(self, record) -> bool:
        return self.owner is None or me().is_editor or getattr(record, self.owner) == me().id

    # --- search without diacritics: "thuy san" finds "thủy sản", "do thi" finds "Đỗ Thị" -------

    def search_rows(self) -> list[tuple[int, str]]:
        """Every row this user may list, as (id, the text of its searchable columns).

        A view may override this hook to search other text (a relation's name, say)."""
        texts: dict[int, list[str]] = {}
        for column, path in self._search_fields or []:
            query = select(self.model.id, column).select_from(self.model)
            for relation in path:
                query = query.outerjoin(relation)
            for row_id, value in db.session.execute(self._own_rows(query)):
                texts.setdefault(row_id, []).append("" if value is None else str(value))
        return [(row_id, "\n".join(values)) for row_id, values in texts.items()]

    def matching_ids(self, search: str) -> list[int]:
        """The ids of the rows whose searchable text holds the words of `search` at the start of
        words, both sides folded with the site's own Vietnamese folding (tones, marks, đ→d; sĩ = sỹ).

        Rows holding the words as typed, in a row ("do thi" in "Đỗ Thị Lan Anh"), are the answer
        when there are any; otherwise every row holding each word somewhere ("lan anh do")."""
        words = folded(search).split()
        rows = self.search_rows()
        if not words:
            return [row_id for row_id, _ in rows]
        phrase = " " + " ".join(words)
        starts = [" " + w for w in words]
        in_a_row, anywhere = [], []
        for row_id, text in rows:
            text = " " + folded(text)
            if phrase in text:
                in_a_row.append(row_id)
            elif len(words) > 1 and all(w in text for w in starts):
                anywhere.append(row_id)
        return in_a_row or anywhere

    def search_placeholder(self) -> str | None:
        names = super().search_placeholder()
        return f"Tìm theo {names.lower()} (gõ không dấu cũng được)" if names else None

    def _apply_search(self, query, count_query, joins, count_joins, search):
        # SQL's ILIKE cannot fold Vietnamese tones on both SQLite and PostgreSQL: fold in Python and
        # keep the ids that match (hundreds to thousands of rows per list; bench in the README)
        ids: Any = bindparam("search_ids", self.matching_ids(search), expanding=True, literal_execute=True)
        query = query.filter(self.model.id.in_(ids))
        if count_query is not None:
            count_query = count_query.filter(self.model.id.in_(ids))
        return query, count_query, joins, count_joins

    def handle_view_exception(self, exc: Exception) -> bool:
        if isinstance(exc, ServiceError):
            flash(str(exc), "error")
            return True
        return super().handle_view_exception(exc)


def required_choice(label: str) -> dict[str, Any]:
    """form_args for a relation that must be chosen: starts on "— chọn —", refused when left so."""
    return {
        "allow_blank": True,
        "blank_text": CHOOSE,
        "validators": [DataRequired(f"Hãy chọn {label.lower()}.")],
    }


def optional_slug() -> StringField:
    """The slug may be left empty: it is then made from the title or name (đ → d)."""
    return StringField(
        "Đường dẫn (slug)",
        validators=[Optional(), Length(max=120)],
        description="Để trống để tạo tự động từ tiêu đề.",
    )


class HistoryMixin:
    """History, comparison and restore of a record's revisions (editors and admins)."""

    edit_template = "admin/record_edit.html"
    get_one: Callable[[Any], Any]  # both from the ModelView this is mixed into
    render: Callable[..., Any]

    def _editor_record(self, record_id: int):
        if not me().is_editor:
            abort(403)
        return self.get_one(record_id)

    @expose("/history/<int:record_id>")
    def history_view(self, record_id: int):
        record = self._editor_record(record_id)
        items = revisions.history(record)
        names = dict(db.session.execute(select(User.id, User.name)).all())
        approved = diffing.against_now(record) if isinstance(record, Story) else None
        return self.render(
            "admin/history.html", record=record, revisions=items, names=names, approved=approved
        )

    @expose("/history/<int:record_id>/diff")
    def diff_view(self, record_id: int):
        record = self._editor_record(record_id)
        found = {r.id: r for r in revisions.history(record)}
        try:
            a, b = found[int(request.args.get("a", ""))], found[int(request.args.get("b", ""))]
        except (KeyError, ValueError):
            abort(400, description="Hãy chọn hai phiên bản của chính bản ghi này để so sánh.")
        if a.id > b.id:
            a, b = b, a
        names = dict(db.session.execute(select(User.id, User.name)).all())
        comparison = diffing.compare(type(record), a.data, b.data)
        return self.render("admin/diff.html", record=record, a=a, b=b, comparison=comparison, names=names)

    @expose("/history/<int:record_id>/restore/<int:revision_id>", methods=("POST",))
    def restore_view(self, record_id: int, revision_id: int):
        record = self._editor_record(record_id)
        valid_csrf()
        revision = db.session.get(Revision, revision_id) if revision_id <= LARGEST_ID else None

        def work():
            if revision is None or revision.object_type != type(record).__name__:
                raise ServiceError("Không có phiên bản này.")
            revisions.restore(record, revision, by=me())

        saved_at = format_datetime(revision.created_at) if revision is not None else ""
        attempt(work, f"Đã khôi phục phiên bản lưu lúc {saved_at}.")
        return redirect(url_for(".history_view", record_id=record_id))
