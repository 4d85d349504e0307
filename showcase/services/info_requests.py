"""Requests to remove or correct what the site says about a person ("Yêu cầu gỡ bỏ / chỉnh sửa
thông tin"): file one from the public form, handle it in the board's inbox, hide the story it
is about at once, and erase the requester's contact data once the request has been closed long
enough.

The only code that writes info requests. The requester's name, phone and email are private to
the board exactly like a nominator's (services/nominations.py): nothing here copies them into a
public record, a revision or an audit row, backups leave them out unless made with
`--with-private`, and `purge` blanks them PRIVATE_DATA_DAYS after the request closed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from showcase.dates import format_datetime
from showcase.extensions import db
from showcase.markup import nfc
from showcase.models import (
    Exemplar,
    InfoRequest,
    InfoRequestKind,
    InfoRequestRelation,
    InfoRequestStatus,
    Story,
    StoryStatus,
    User,
    utcnow,
)
from showcase.services import audit, workflow
from showcase.services.contacts import (
    appended_note,
    check_contact,
    erase,
    new_code,
    purge_window,
    replaced_notes,
)
from showcase.services.errors import ServiceError
from showcase.visibility import has_published_story, is_published, story_is_public

CLOSED = frozenset({InfoRequestStatus.DONE, InfoRequestStatus.REJECTED})
LIMITS = {"details": 3000, "requester_name": 200, "contact_phone": 30, "contact_email": 254}
TEXT_FIELDS = tuple(LIMITS)
FIELDS = ("kind", "relation", *TEXT_FIELDS)


class InfoRequestInvalid(ServiceError):
    """A form that cannot be accepted: `errors` names each field's problem in Vietnamese."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("Yêu cầu chưa gửi được: hãy xem lại các ô báo lỗi.")
        self.errors = errors


# --- the public form ---------------------------------------------------------------------


def subject(story_slug: str = "", exemplar_slug: str = "") -> tuple[Story | None, Exemplar | None]:
    """The public story and the public exemplar a request names by slug (None for anything the
    public cannot see: a request never reveals that a draft exists)."""
    story = exemplar = None
    if story_slug and len(story_slug) <= 120:
        found = db.session.scalar(select(Story).where(Story.slug == story_slug))
        story = found if found is not None and story_is_public(found) else None
    if exemplar_slug and len(exemplar_slug) <= 120:
        exemplar = db.session.scalar(
            select(Exemplar).where(Exemplar.slug == exemplar_slug, has_published_story())
        )
    return story, exemplar


def check(values: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Clean a submitted form; return the values to store and the problems, field by field."""
    clean: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name in TEXT_FIELDS:
        text = nfc(str(values.get(name) or "").replace("\r\n", "\n")).strip()
        clean[name] = text
        if len(text) > LIMITS[name]:
            errors[name] = f"Dài quá: tối đa {LIMITS[name]} ký tự (đang có {len(text)})."
    try:
        clean["kind"] = InfoRequestKind(str(values.get("kind") or ""))
    except ValueError:
        errors["kind"] = "Hãy chọn bạn muốn gỡ bỏ hay chỉnh sửa thông tin."
    try:
        clean["relation"] = InfoRequestRelation(str(values.get("relation") or ""))
    except ValueError:
        errors["relation"] = "Hãy cho biết bạn là ai đối với người được nói đến."
    if "details" not in errors and len(clean["details"]) < 10:
        errors["details"] = (
            "Hãy cho biết thông tin nào chưa đúng hoặc vì sao cần gỡ (ít nhất 10 ký tự), "
            "để Ban xử lý đúng yêu cầu."
        )
    if not clean["requester_name"] and "requester_name" not in errors:
        errors["requester_name"] = "Hãy cho biết họ tên của bạn."
    check_contact(clean, errors, "Hãy để lại số điện thoại hoặc email (ít nhất một) để Ban trả lời bạn.")
    if not values.get("consent"):
        errors["consent"] = "Hãy đánh dấu đồng ý để Ban được xử lý thông tin bạn gửi."
    return clean, errors


def submit(
    values: dict[str, Any], story: Story | None = None, exemplar: Exemplar | None = None
) -> tuple[InfoRequest, str]:
    """File a request about a story and/or an exemplar; return it and its reference code.

    Raise InfoRequestInvalid with every problem when the form cannot be accepted."""
    clean, errors = check(values)
    if errors:
        raise InfoRequestInvalid(errors)
    code = new_code()
    while db.session.scalar(select(InfoRequest.id).where(InfoRequest.code == code)):
        code = new_code()  # practically never: one in 10^17
    now = utcnow()
    request = InfoRequest(
        **clean,
        code=code,
        story=story,
        exemplar=exemplar,
        consented_at=now,
        created_at=now,
        status=InfoRequestStatus.NEW,
    )
    db.session.add(request)
    audit.record("info_request_submit", request, kind=clean["kind"].value)
    return request, code


# --- the board's inbox -------------------------------------------------------------------


def _editors_only(by: User | None) -> None:
    if by is None or not by.is_editor:
        raise ServiceError("Chỉ biên tập viên và quản trị viên xử lý được yêu cầu gỡ bỏ, chỉnh sửa.")


def new_count() -> int:
    """How many requests nobody has handled yet (the dashboard's figure)."""
    return (
        db.session.scalar(
            select(func.count(InfoRequest.id)).where(InfoRequest.status == InfoRequestStatus.NEW)
        )
        or 0
    )


def _handled(request: InfoRequest, by: User) -> None:
    request.handled_by_id = by.id
    request.handled_at = utcnow()


def set_status(request: InfoRequest, status: InfoRequestStatus | str, by: User) -> bool:
    """Move a request to a status; done and rejected close it (the purge clock starts)."""
    _editors_only(by)
    try:
        status = InfoRequestStatus(status)
    except ValueError:
        raise ServiceError("Trạng thái không hợp lệ.") from None
    if status == request.status:
        return False
    before = request.status
    request.status = status
    _handled(request, by)
    request.closed_at = (request.closed_at or utcnow()) if status in CLOSED else None
    audit.record("info_request_status", request, by=by, **{"from": before.value, "to": status.value})
    return True


def add_note(request: InfoRequest, text: str, by: User) -> bool:
    """Add a dated internal note signed by its author (the board's eyes only)."""
    _editors_only(by)
    note = appended_note(request.note, text, by.name, format_datetime(utcnow()))
    if note is None:
        return False
    request.note = note
    audit.record("info_request_note", request, by=by)
    return True


def set_notes(request: InfoRequest, text: str, by: User) -> bool:
    """Replace the internal notes as a whole (the admin's edit form)."""
    _editors_only(by)
    note = replaced_notes(request.note, text)
    if note is None:
        return False
    request.note = note
    audit.record("info_request_note", request, by=by)
    return True


def update(request: InfoRequest, values: dict[str, Any], by: User) -> bool:
    """Save the admin form: status and internal notes (only what changed is written)."""
    _editors_only(by)
    changed = False
    if values.get("status") is not None:
        changed |= set_status(request, values["status"], by)
    if "note" in values:
        changed |= set_notes(request, values["note"] or "", by)
    return changed


def hide_story(request: InfoRequest, by: User) -> Story:
    """Hide the story a request is about at once ("Gỡ bài ngay"), recording the request in the
    story's audit row. A request to remove is then done; one to correct stays in progress (the
    text is corrected in the draft, then published again)."""
    _editors_only(by)
    story = request.story
    if story is None:
        raise ServiceError("Yêu cầu này không gắn với bài viết nào: hãy gỡ bài từ trang sửa bài viết.")
    if story.status == StoryStatus.HIDDEN:
        raise ServiceError("Bài viết này đã được gỡ theo yêu cầu từ trước.")
    workflow.transition(story, "hide", by=by, info_request=request.id)
    wanted = (
        InfoRequestStatus.DONE if request.kind == InfoRequestKind.REMOVE else InfoRequestStatus.IN_PROGRESS
    )
    if not set_status(request, wanted, by):
        _handled(request, by)
    add_note(request, f"Đã gỡ bài “{story.title}” khỏi trang công khai.", by)
    return story


def people(request: InfoRequest) -> list[Exemplar]:
    """The people a request concerns: the exemplar it names, then those of the story it names."""
    found = [request.exemplar] if request.exemplar is not None else []
    if request.story is not None:
        found += [e for e in request.story.exemplars if e not in found]
    return found


def exposure(request: InfoRequest) -> list[tuple[Exemplar, list[Story]]]:
    """Each person the request concerns with the published stories that keep them public — their
    page /dien-hinh/<slug>, name and portrait there and in the API (visibility.has_published_story):
    an empty list means the person is no longer public anywhere."""
    found = []
    for exemplar in people(request):
        stories = db.session.scalars(
            select(Story)
            .where(Story.exemplars.any(Exemplar.id == exemplar.id), is_published())
            .order_by(Story.published_at.desc(), Story.id)
        ).all()
        found.append((exemplar, list(stories)))
    return found


def exposure_warnings(request: InfoRequest) -> list[str]:
    """What the editor is told after hiding the story: who is still public through another story,
    and what to do about it; who no longer is."""
    lines = []
    for exemplar, stories in exposure(request):
        if not stories:
            lines.append(
                f"“{exemplar.name}” không còn bài nào đang đăng, nên trang điển hình, tên và ảnh chân dung "
                "của người này cũng không còn công khai."
            )
            continue
        titles = ", ".join(f"“{s.title}”" for s in stories[:5]) + (" …" if len(stories) > 5 else "")
        lines.append(
            f"“{exemplar.name}” vẫn công khai (trang /dien-hinh/{exemplar.slug}, tên, ảnh chân dung và API) "
            f"qua {len(stories)} bài khác đang đăng: {titles}. Nếu người này muốn gỡ cả thông tin về mình, "
            "hãy mở từng bài đó và bấm «Gỡ ngay theo yêu cầu»; muốn bỏ ảnh hoặc ghi việc rút lại sự đồng "
            "ý, hãy mở điển hình và sửa ở đó."
        )
    return lines


# --- privacy ---------------------------------------------------------------------------------------


def purge(now: datetime | None = None, days: int | None = None) -> int:
    """Erase the contact data (name, phone, email, and the address they sent it from) of
    requests closed more than PRIVATE_DATA_DAYS ago; return how many. Running it again erases
    nothing more. One audit row says how many, without any of the data."""
    now, days, cutoff = purge_window(now, days)
    due = list(
        db.session.scalars(
            select(InfoRequest).where(
                InfoRequest.closed_at.is_not(None),
                InfoRequest.closed_at < cutoff,
                InfoRequest.purged_at.is_(None),
            )
        )
    )
    erase(
        due,
        lambda r: [r.contact_phone, r.contact_email, r.requester_name],
        scrubbed=("note", "details"),
        blank={"requester_name": "", "contact_phone": "", "contact_email": ""},
        now=now,
    )
    if due:
        audit.record("info_request_purge", None, count=len(due), days=days)
    return len(due)
