"""Citizens' nominations of good deeds: submit, moderate, convert into an exemplar and a draft
story, and erase the nominators' contact data once a nomination has been closed long enough.

The only code that writes nominations. Contact data (name, phone, email of the person who
nominated) is private to the board: nothing here copies it into a revision, a public record
or an audit row, and `purge` blanks it PRIVATE_DATA_DAYS after the nomination closed.

Photos sent with the form are held on disk under a random token while the form is being
corrected (`hold_*`), then stored through the media pipeline (checked, stripped of metadata,
renditions made) as assets linked to the nomination only: the admin photo library leaves
them out until an editor uses one (admin/views/media.py).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
import shutil
import smtplib
import time
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from flask import current_app
from sqlalchemy import exists, select

from showcase.dates import format_datetime
from showcase.extensions import db
from showcase.markup import nfc
from showcase.media import images
from showcase.media.names import display_name
from showcase.models import (
    Exemplar,
    ExemplarKind,
    Field,
    Locality,
    MediaAsset,
    Nomination,
    NominationStatus,
    Story,
    User,
    nomination_photos,
    utcnow,
)
from showcase.search.analysis import folded_terms, normalise
from showcase.services import audit, exemplars, records, stories
from showcase.services.contacts import ERASED as ERASED
from showcase.services.contacts import appended_note, check_contact, erase, purge_window, replaced_notes
from showcase.services.contacts import clean_code as clean_code
from showcase.services.contacts import new_code as new_code
from showcase.services.contacts import show_code as show_code
from showcase.services.errors import ServiceError

log = logging.getLogger(__name__)

MAX_PHOTOS = 5
MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_LINKS = 10
CLOSED = frozenset({NominationStatus.ACCEPTED, NominationStatus.REJECTED, NominationStatus.SPAM})
HOLD_TOKEN = re.compile(r"^[A-Za-z0-9_-]{24}$")
HOLD_HOURS = 24
LIMITS = {
    "nominee_name": 200,
    "deed_when": 200,
    "deed": 5000,
    "why": 3000,
    "evidence": 5000,
    "links": 3000,
    "contact_name": 200,
    "contact_phone": 30,
    "contact_email": 254,
}
TEXT_FIELDS = tuple(LIMITS)


class NominationInvalid(ServiceError):
    """A form that cannot be accepted: `errors` names each field's problem in Vietnamese."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("Đề xuất chưa gửi được: hãy xem lại các ô báo lỗi.")
        self.errors = errors


# --- tracking codes ----------------------------------------------------------------------


def hash_code(code: str) -> str:
    return hashlib.sha256(code.encode("ascii")).hexdigest()


def find_by_code(raw: str) -> Nomination | None:
    """The nomination a tracking code names (compared in constant time), or None."""
    code = clean_code(raw)
    if not code:
        return None
    wanted = hash_code(code)
    found = db.session.scalar(select(Nomination).where(Nomination.code_hash == wanted))
    if found is None or not hmac.compare_digest(found.code_hash, wanted):
        return None
    return found


# --- the public form ---------------------------------------------------------------------


def public_localities() -> list[Locality]:
    """The localities a nominator may choose: the current ones (a merged-away unit is not offered)."""
    return list(
        db.session.scalars(select(Locality).where(Locality.replaced_by_id.is_(None)).order_by(Locality.name))
    )


def folded_name(name: str) -> str:
    """A name folded as the site's search folds it (tones, marks, đ→d, sĩ = sỹ): duplicates share it."""
    return " ".join(folded_terms(normalise(name)))[:200]


def _links(raw: str) -> tuple[list[str], str | None]:
    lines = [line.strip() for line in raw.splitlines() if line.strip()]
    if len(lines) > MAX_LINKS:
        return lines, f"Tối đa {MAX_LINKS} đường dẫn."
    for line in lines:
        parts = urlsplit(line)
        if parts.scheme not in ("http", "https") or not parts.netloc or " " in line:
            return lines, f"“{line[:60]}” không phải một đường dẫn web (bắt đầu bằng http:// hoặc https://)."
    return lines, None


def check(values: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Clean a submitted form; return the values to store and the problems, field by field."""
    clean: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name in TEXT_FIELDS:
        text = nfc(str(values.get(name) or "").replace("\r\n", "\n")).strip()
        clean[name] = text
        if len(text) > LIMITS[name]:
            errors[name] = f"Dài quá: tối đa {LIMITS[name]} ký tự (đang có {len(text)})."
    if not clean["nominee_name"]:
        errors["nominee_name"] = "Hãy cho biết tên người hoặc tập thể bạn đề xuất."
    kind = str(values.get("nominee_kind") or "")
    if kind not in {k.value for k in ExemplarKind}:
        errors["nominee_kind"] = "Hãy chọn cá nhân hoặc tập thể."
    else:
        clean["nominee_kind"] = ExemplarKind(kind)
    raw_locality = str(values.get("locality_id") or "")
    locality = None
    if raw_locality.isdigit() and len(raw_locality) < 10:
        locality = db.session.get(Locality, int(raw_locality))
    if locality is None or locality.replaced_by_id is not None:
        errors["locality_id"] = "Hãy chọn địa phương nơi có việc tốt."
    else:
        clean["locality_id"] = locality.id
    if "deed" not in errors and len(clean["deed"]) < 20:
        errors["deed"] = "Hãy kể việc tốt cụ thể hơn (ít nhất 20 ký tự): ai, làm gì, ở đâu."
    if "links" not in errors:
        lines, problem = _links(clean["links"])
        if problem:
            errors["links"] = problem
        clean["links"] = "\n".join(lines)
    if not clean["contact_name"] and "contact_name" not in errors:
        errors["contact_name"] = "Hãy cho biết họ tên của bạn."
    check_contact(clean, errors, "Hãy để lại số điện thoại hoặc email (ít nhất một) để Ban liên hệ khi cần.")
    if not values.get("consent"):
        errors["consent"] = "Hãy đánh dấu đồng ý để Ban được xử lý thông tin bạn gửi."
    return clean, errors


def submit(values: dict[str, Any], photos: list[tuple[bytes, str]] = ()) -> tuple[Nomination, str]:  # type: ignore[assignment]
    """File a citizen's nomination; return it and its tracking code (shown once, never stored).

    Raise NominationInvalid with every problem when the form cannot be accepted."""
    clean, errors = check(values)
    if len(photos) > MAX_PHOTOS:
        errors["photos"] = f"Tối đa {MAX_PHOTOS} ảnh."
    if errors:
        raise NominationInvalid(errors)
    code = new_code()
    while db.session.scalar(select(Nomination.id).where(Nomination.code_hash == hash_code(code))):
        code = new_code()  # practically never: one in 10^17
    now = utcnow()
    nomination = Nomination(
        **clean,
        nominee_key=folded_name(clean["nominee_name"]),
        consent=True,
        consented_at=now,
        created_at=now,
        status=NominationStatus.NEW,
        code_hash=hash_code(code),
    )
    for data, name in photos:
        try:
            asset = images.store_image(data, name)
        except images.ImageRejected as exc:
            raise NominationInvalid({"photos": f"Không nhận ảnh “{name[:60]}”: {exc}."}) from None
        if asset.id is None:
            records.save(asset, {}, by=None, created=True, source="nomination")
        if asset not in nomination.photos:
            nomination.photos.append(asset)
    db.session.add(nomination)
    audit.record("nomination_submit", nomination, photos=len(nomination.photos) or None)
    return nomination, code


def citizen_photo():
    """The SQL condition for a photo that came only with a nomination and no editor has used yet
    (as a cover or a portrait): kept out of the photo library and every public page."""
    used = exists(select(Story.id).where(Story.cover_id == MediaAsset.id)) | exists(
        select(Exemplar.id).where(Exemplar.portrait_id == MediaAsset.id)
    )
    sent = exists(select(nomination_photos.c.asset_id).where(nomination_photos.c.asset_id == MediaAsset.id))
    return sent & ~used & MediaAsset.uploaded_by_id.is_(None)


# --- photos held while a form is corrected ------------------------------------------------


@dataclass
class Held:
    """A photo kept for the retry of a form: its number in the hold, name shown, size."""

    number: int
    name: str
    size: int


def _hold_root() -> Path:
    return Path(current_app.config["NOMINATION_HOLD_DIR"])


def new_hold_token() -> str:
    return secrets.token_urlsafe(18)


def _hold_dir(token: str) -> Path:
    if not HOLD_TOKEN.match(token or ""):
        raise ValueError("mã giữ ảnh không hợp lệ")
    return _hold_root() / token


def _sweep_holds() -> None:
    """Drop holds older than a day: a form abandoned half-way leaves nothing for long."""
    root = _hold_root()
    if not root.is_dir():
        return
    limit = time.time() - HOLD_HOURS * 3600
    for folder in root.iterdir():
        try:
            if folder.stat().st_mtime < limit:
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            continue


def held(token: str) -> list[Held]:
    """The photos held under a token (none for an unknown or malformed one)."""
    try:
        folder = _hold_dir(token)
    except ValueError:
        return []
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.glob("*.data"), key=lambda p: int(p.stem) if p.stem.isdigit() else 0):
        if not path.stem.isdigit():
            continue
        name_file = path.with_suffix(".name")
        name = name_file.read_text(encoding="utf-8") if name_file.exists() else ""
        found.append(Held(int(path.stem), name, path.stat().st_size))
    return found


def hold(token: str, data: bytes, name: str) -> Held:
    """Check a photo (the media pipeline's checks) and keep it, with a small thumbnail, under the
    token until the form is sent; raise ServiceError (Vietnamese) for a photo we do not take."""
    if len(data) > MAX_PHOTO_BYTES:
        limit = MAX_PHOTO_BYTES // (1024 * 1024)
        raise ServiceError(f"Ảnh “{name[:60]}” lớn quá: tối đa {limit} MB mỗi ảnh.")
    try:
        decoded = images.decode(data, reduced=True)
    except images.ImageRejected as exc:
        raise ServiceError(f"Không nhận tệp “{name[:60]}”: {exc}.") from None
    thumb = decoded.image
    thumb.thumbnail((240, 240))
    small = images.encode(thumb, "JPEG")  # re-encoded: nothing of the sent file is served back
    _sweep_holds()
    folder = _hold_dir(token)
    folder.mkdir(parents=True, exist_ok=True)
    number = max((h.number for h in held(token)), default=0) + 1
    (folder / f"{number}.data").write_bytes(data)
    (folder / f"{number}.thumb.jpg").write_bytes(small)
    (folder / f"{number}.name").write_text(display_name(name)[:120], encoding="utf-8")
    return Held(number, name, len(data))


def held_thumbnail(token: str, number: int) -> Path | None:
    try:
        path = _hold_dir(token) / f"{number}.thumb.jpg"
    except ValueError:
        return None
    return path if path.is_file() else None


def held_photos(token: str) -> list[tuple[bytes, str]]:
    """The held photos' bytes and names, in the order they were sent."""
    folder = _hold_dir(token)
    return [((folder / f"{h.number}.data").read_bytes(), h.name) for h in held(token)]


def drop_held(token: str, numbers: set[int] | None = None) -> None:
    """Let go of some held photos (or all of them, and the hold itself)."""
    try:
        folder = _hold_dir(token)
    except ValueError:
        return
    if numbers is None:
        shutil.rmtree(folder, ignore_errors=True)
        return
    for number in numbers:
        for suffix in (".data", ".thumb.jpg", ".name"):
            (folder / f"{number}{suffix}").unlink(missing_ok=True)


# --- confirmation email ----------------------------------------------------------------------


def confirmation(nomination: Nomination, code: str, status_url: str) -> EmailMessage | None:
    """The email that gives a nominator their tracking code (None when they left no email)."""
    if not nomination.contact_email:
        return None
    message = EmailMessage()
    message["Subject"] = f"Đã nhận đề xuất của bạn — mã theo dõi {show_code(code)}"
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = nomination.contact_email
    message.set_content(
        f"Chào {nomination.contact_name},\n\n"
        f"Ban Thi đua – Khen thưởng thành phố Hải Phòng đã nhận đề xuất của bạn về "
        f"“{nomination.nominee_name}”.\n\n"
        f"Mã theo dõi: {show_code(code)}\n"
        f"Xem tình trạng: {status_url}\n\n"
        "Ban sẽ xác minh thông tin và có thể liên hệ với bạn. Thông tin liên lạc của bạn chỉ Ban "
        "xem và được xóa sau khi đề xuất được xử lý xong.\n"
    )
    return message


def send_confirmation(nomination: Nomination, code: str, status_url: str) -> bool:
    """Send (MAIL_URL set) or log the confirmation; a mail failure never loses the nomination."""
    message = confirmation(nomination, code, status_url)
    if message is None:
        return False
    url = current_app.config.get("MAIL_URL") or ""
    if not url:
        log.info("email to send (no MAIL_URL):\n%s", message.as_string())
        return True
    parts = urlsplit(url)
    try:
        smtp_class = smtplib.SMTP_SSL if parts.scheme == "smtps" else smtplib.SMTP
        with smtp_class(parts.hostname or "localhost", parts.port or 0, timeout=10) as smtp:
            if parts.scheme == "smtp+starttls":
                smtp.starttls()
            if parts.username:
                smtp.login(unquote(parts.username), unquote(parts.password or ""))
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException):
        log.exception("could not send the nomination confirmation")
        return False
    return True


# --- moderation (editors and admins) -----------------------------------------------------------


def _editors_only(by: User) -> None:
    if by is None or not by.is_editor:
        raise ServiceError("Chỉ biên tập viên và quản trị viên xử lý được đề xuất.")


def set_status(nomination: Nomination, status: NominationStatus | str, by: User) -> bool:
    """Move a nomination to a status; accepted, rejected and spam close it (the purge clock starts)."""
    _editors_only(by)
    try:
        status = NominationStatus(status)
    except ValueError:
        raise ServiceError("Trạng thái không hợp lệ.") from None
    if status == nomination.status:
        return False
    before = nomination.status
    nomination.status = status
    nomination.moderator_id = by.id
    if status in CLOSED:
        nomination.closed_at = nomination.closed_at or utcnow()
    else:
        nomination.closed_at = None
    audit.record("nomination_status", nomination, by=by, **{"from": before.value, "to": status.value})
    return True


def reply(nomination: Nomination, text: str, by: User) -> bool:
    """Set the board's public reply (shown on the tracking page)."""
    _editors_only(by)
    text = nfc((text or "").replace("\r\n", "\n")).strip()
    if len(text) > 3000:
        raise ServiceError("Trả lời công khai dài quá: tối đa 3000 ký tự.")
    if text == (nomination.public_reply or ""):
        return False
    nomination.public_reply = text
    audit.record("nomination_reply", nomination, by=by)
    return True


def add_note(nomination: Nomination, text: str, by: User) -> bool:
    """Add a dated internal note signed by its author (the board's eyes only)."""
    _editors_only(by)
    note = appended_note(nomination.note, text, by.name, format_datetime(utcnow()))
    if note is None:
        return False
    nomination.note = note
    audit.record("nomination_note", nomination, by=by)
    return True


def set_notes(nomination: Nomination, text: str, by: User) -> bool:
    """Replace the internal notes as a whole (the admin's edit form)."""
    _editors_only(by)
    note = replaced_notes(nomination.note, text)
    if note is None:
        return False
    nomination.note = note
    audit.record("nomination_note", nomination, by=by)
    return True


def update(nomination: Nomination, values: dict[str, Any], by: User) -> bool:
    """Save the admin form: status, public reply, internal notes (only what changed is written)."""
    changed = False
    if "status" in values and values["status"] is not None:
        changed |= set_status(nomination, values["status"], by)
    if "public_reply" in values:
        changed |= reply(nomination, values["public_reply"] or "", by)
    if "note" in values:
        changed |= set_notes(nomination, values["note"] or "", by)
    if values.get("new_note"):
        changed |= add_note(nomination, values["new_note"], by)
    return changed


def likely_duplicates(nomination: Nomination) -> list[Nomination]:
    """Other nominations of the same nominee (name folded) in the same locality."""
    key = nomination.nominee_key or folded_name(nomination.nominee_name)
    if not key:
        return []
    query = select(Nomination).where(Nomination.nominee_key == key, Nomination.id != nomination.id)
    if nomination.locality_id is None:
        query = query.where(Nomination.locality_id.is_(None))
    else:
        query = query.where(Nomination.locality_id == nomination.locality_id)
    return list(db.session.scalars(query.order_by(Nomination.created_at.desc()).limit(20)))


def draft_body(nomination: Nomination) -> str:
    """The draft story's Markdown, prefilled from what the nominator wrote (never their contact)."""
    parts = [f"## Việc làm\n\n{nomination.deed}"]
    if nomination.deed_when:
        parts.append(f"## Thời gian\n\n{nomination.deed_when}")
    if nomination.why:
        parts.append(f"## Ý nghĩa\n\n{nomination.why}")
    if nomination.evidence or nomination.links:
        links = "\n".join(f"- <{link}>" for link in nomination.links.splitlines() if link)
        parts.append("## Nguồn, bằng chứng\n\n" + "\n\n".join(p for p in (nomination.evidence, links) if p))
    return "\n\n".join(parts)


def convert(nomination: Nomination, by: User, field: Field | None = None) -> tuple[Exemplar, Any]:
    """Make an exemplar and a draft story prefilled from the nomination, link them to it and
    accept it. `field` is the story's field (the first by name when not given)."""
    _editors_only(by)
    if nomination.exemplar_id is not None or nomination.story_id is not None:
        raise ServiceError("Đề xuất này đã được tạo điển hình và bài nháp.")
    if nomination.locality is None:
        raise ServiceError("Hãy chọn địa phương cho đề xuất trước khi tạo điển hình.")
    field = field or db.session.scalar(select(Field).order_by(Field.name).limit(1))
    if field is None:
        raise ServiceError("Chưa có lĩnh vực nào: hãy tạo một lĩnh vực trước.")
    exemplar = Exemplar()
    exemplars.save_exemplar(
        exemplar,
        {
            "name": nomination.nominee_name,
            "kind": nomination.nominee_kind,
            "locality": nomination.locality,
            "bio_md": nomination.deed,
        },
        by=by,
        created=True,
    )
    summary = " ".join(nomination.deed.split())
    headline = summary[:120].rstrip() + ("…" if len(summary) > 120 else "")
    story = stories.create(
        {
            "title": f"{nomination.nominee_name}: {headline}"[:300],
            "summary": summary[:500],
            "body_md": draft_body(nomination),
            "field": field,
            "locality": nomination.locality,
            "exemplars": [exemplar],
        },
        by=by,
    )
    nomination.exemplar = exemplar
    nomination.story = story
    set_status(nomination, NominationStatus.ACCEPTED, by)
    audit.record("nomination_convert", nomination, by=by, exemplar=exemplar.id, story=story.id)
    return exemplar, story


# --- privacy ---------------------------------------------------------------------------------------


def purge(now: datetime | None = None, days: int | None = None) -> int:
    """Erase the contact data (name, phone, email, and the address they sent it from) of
    nominations closed more than PRIVATE_DATA_DAYS ago; return how many. Running it again
    erases nothing more. One audit row says how many, without any of the data."""
    now, days, cutoff = purge_window(now, days)
    due = list(
        db.session.scalars(
            select(Nomination).where(
                Nomination.closed_at.is_not(None),
                Nomination.closed_at < cutoff,
                Nomination.purged_at.is_(None),
            )
        )
    )
    erase(
        due,
        lambda n: [n.contact_phone, n.contact_email, n.contact_name],
        scrubbed=("note", "public_reply"),
        blank={"contact_name": "", "contact_phone": "", "contact_email": ""},
        now=now,
    )
    if due:
        audit.record("privacy_purge", None, count=len(due), days=days)
    return len(due)
