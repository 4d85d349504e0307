"""Public consultations on award candidates (/lay-y-kien): open, edit, close, decide; the
people's comments; where the press ran the list; the council's CSV; the privacy purge.

Decree 98/2023/NĐ-CP, Art. 46: before proposing an Order, a State honorary title or "Chiến sĩ thi
đua toàn quốc", the proposing body publishes the candidates for the people's comments for at least
10 working days. The closing time is computed here (showcase/workdays.py counts the days) and a
comment after it is refused. The only code that writes consultations and their comments.

A commenter's name, phone, email and address hash are private to the board (editors and admins):
nothing here copies them into a public record or an audit row; the CSV for the council (editors
only) is the one place they leave the database, and `purge` blanks them PRIVATE_DATA_DAYS after
the consultation closed.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
from datetime import date, datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import or_, select

from showcase import workdays
from showcase.dates import format_date, format_datetime, from_local, to_local
from showcase.extensions import db
from showcase.markup import nfc
from showcase.models import (
    Commendation,
    CommentStatus,
    Consultation,
    ConsultationCandidate,
    ConsultationComment,
    ConsultationCoverage,
    ConsultationStatus,
    CoverageMedium,
    Exemplar,
    ExemplarKind,
    Locality,
    User,
    utcnow,
)
from showcase.numbers import format_number
from showcase.services import audit, checks, records
from showcase.services.contacts import ERASED, check_contact, erase, purge_window
from showcase.services.errors import ServiceError
from showcase.services.nominations import folded_name
from showcase.services.stories import make_slug
from showcase.spreadsheet import phone_cell, safe_cell

Status = ConsultationStatus
IMPORT = "import"  # the audit rows' source when the content importer wrote (no user)
LIMITS = {"name": 200, "phone": 30, "email": 254, "content": 3000}
FIELD_NAMES = {"name": "Họ tên", "phone": "Số điện thoại", "email": "Email", "content": "Nội dung ý kiến"}
MIN_CONTENT = 10
CLOSED_MESSAGE = (
    "Đã hết thời gian lấy ý kiến về danh sách này (hết ngày {day}). "
    "Ý kiến gửi sau thời hạn không được tiếp nhận."
)
DATES_FIXED = (
    "Danh sách đã công bố: ngày bắt đầu và số ngày làm việc không đổi được nữa (thông báo và báo, "
    "đài đã đăng, phát các ngày này). Nếu cần lấy ý kiến lại, hãy mở một đợt mới."
)
DECISION_EXAMPLE = "ví dụ 1234/QĐ-CTN"


class CommentInvalid(ServiceError):
    """A comment that cannot be accepted: `errors` names each field's problem in Vietnamese."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("Ý kiến chưa gửi được: hãy xem lại các ô báo lỗi.")
        self.errors = errors


def _editors_only(by: User | None) -> None:
    if by is None or not by.is_editor:
        raise ServiceError("Chỉ biên tập viên và quản trị viên quản lý được việc lấy ý kiến nhân dân.")


def _text(value: Any) -> str:
    return nfc(str(value or "").replace("\r\n", "\n")).strip()


# --- the state of a consultation ---------------------------------------------------------------


def phase(consultation: Consultation, now: datetime | None = None) -> ConsultationStatus:
    """What the public is told: an open consultation past its closing time is closed."""
    now = now or utcnow()
    if consultation.status == Status.OPEN and now >= consultation.closes_at:
        return Status.CLOSED
    return consultation.status


def accepts_comments(consultation: Consultation, now: datetime | None = None) -> bool:
    return phase(consultation, now) == Status.OPEN and (now or utcnow()) >= from_local(consultation.opens_on)


def last_day(consultation: Consultation) -> date:
    """The last day (Vietnam time) comments are taken."""
    return workdays.last_day(consultation.closes_at)


def days_left(consultation: Consultation, now: datetime | None = None) -> int:
    """Working days left after today (0 on the last day and once closed)."""
    if phase(consultation, now) != Status.OPEN:
        return 0
    return workdays.working_days_left(now or utcnow(), consultation.closes_at)


def countdown(consultation: Consultation, now: datetime | None = None) -> str:
    """What the public page, the list and the admin say about the time left ("" once closed).
    Today is never counted: on the opening day of a 10-day term, 10 working days are left; on
    the last day, the page says so."""
    now = now or utcnow()
    if phase(consultation, now) != Status.OPEN:
        return ""
    end = format_date(last_day(consultation))
    if now < from_local(consultation.opens_on):
        return f"Bắt đầu nhận ý kiến từ ngày {format_date(consultation.opens_on)}; hạn cuối: hết ngày {end}."
    if to_local(now).date() >= last_day(consultation):
        return f"Hôm nay là ngày cuối cùng để góp ý (hạn cuối: hết ngày {end})."
    left = days_left(consultation, now)
    return f"Còn {left} ngày làm việc nữa để góp ý, không kể hôm nay (hạn cuối: hết ngày {end})."


# --- editors: the consultation and its candidates ----------------------------------------------


def _check(consultation: Consultation, values: dict[str, Any]) -> dict[str, Any]:
    clean = dict(values)
    for name, label in (
        ("title", "Tiêu đề"),
        ("award", "Hình thức khen thưởng"),
        ("proposing_body", "Cơ quan đề nghị"),
    ):
        if name in values or consultation.id is None:
            text = _text(values.get(name))
            if not text:
                raise ServiceError(f"Hãy điền «{label}».")
            if len(text) > 300:
                raise ServiceError(f"«{label}» dài quá: tối đa 300 ký tự.")
            clean[name] = text
    if "intro" in values:
        clean["intro"] = _text(values.get("intro"))
    if _text(clean.pop("decision", None) or consultation.decision) != _text(consultation.decision):
        raise ServiceError("Quyết định khen thưởng được ghi (và sửa) bằng nút “Ghi quyết định”.")
    opens_on = values.get("opens_on", consultation.opens_on)
    count = values.get("working_days", consultation.working_days)
    if opens_on is None:
        raise ServiceError("Hãy chọn ngày bắt đầu lấy ý kiến.")
    if not isinstance(opens_on, date) or isinstance(opens_on, datetime):
        raise ServiceError("Ngày bắt đầu lấy ý kiến không hợp lệ.")
    if opens_on < date(2000, 1, 1) or opens_on > checks.today() + timedelta(days=366):
        raise ServiceError("Ngày bắt đầu lấy ý kiến phải trong khoảng từ năm 2000 đến một năm tới.")
    if count is None:
        count = 10
    if not isinstance(count, int) or not 10 <= count <= workdays.MAX_DAYS:
        raise ServiceError(
            f"Số ngày làm việc lấy ý kiến phải từ 10 (mức tối thiểu theo Nghị định 98/2023/NĐ-CP) "
            f"đến {workdays.MAX_DAYS}."
        )
    moved = opens_on != consultation.opens_on or count != consultation.working_days
    if moved and consultation.id is not None and consultation.status != Status.DRAFT:
        # like the candidate list: what was announced is what runs (and a closed one stays closed)
        raise ServiceError(DATES_FIXED)
    clean["opens_on"], clean["working_days"] = opens_on, count
    clean["closes_at"] = workdays.closing_time(opens_on, count)
    return clean


def save(
    consultation: Consultation, values: dict[str, Any], by: User, created: bool, seen: int | None = None
) -> bool:
    """Create or edit a consultation (editors); the closing time is computed, never typed."""
    _editors_only(by)
    return _save(consultation, values, by, created, seen)


def _save(
    consultation: Consultation,
    values: dict[str, Any],
    by: User | None,
    created: bool,
    seen: int | None = None,
) -> bool:
    for forbidden in ("status", "closes_at"):
        values.pop(forbidden, None)
    values = _check(consultation, values)
    values["slug"] = make_slug(
        values.get("slug") or ("" if created else consultation.slug),
        values.get("title", consultation.title),
        Consultation,
        consultation.id,
    )
    if created:
        consultation.status = Status.DRAFT
    detail = {} if by is not None else {"source": IMPORT}
    return bool(records.save(consultation, values, by=by, created=created, seen=seen, **detail))


def create(values: dict[str, Any], by: User) -> Consultation:
    """A new draft consultation."""
    consultation = Consultation()
    save(consultation, values, by=by, created=True)
    return consultation


def open_(consultation: Consultation, by: User) -> None:
    """Publish the list for the people's comments (a draft with at least one candidate)."""
    _editors_only(by)
    if consultation.status != Status.DRAFT:
        raise ServiceError("Chỉ mở lấy ý kiến được cho một bản nháp.")
    if not consultation.candidates:
        raise ServiceError("Hãy thêm ít nhất một người hoặc tập thể được đề nghị trước khi mở lấy ý kiến.")
    consultation.closes_at = workdays.closing_time(consultation.opens_on, consultation.working_days)
    if consultation.closes_at <= utcnow():
        raise ServiceError("Thời hạn tính từ ngày bắt đầu đã qua: hãy chọn lại ngày bắt đầu lấy ý kiến.")
    consultation.status = Status.OPEN
    consultation.updated_at = utcnow()
    audit.record("consultation_open", consultation, by=by, closes=format_datetime(consultation.closes_at))


def close(consultation: Consultation, by: User, now: datetime | None = None) -> None:
    """End the consultation once its time is up (never earlier: the law asks for the full term)."""
    _editors_only(by)
    now = now or utcnow()
    if consultation.status != Status.OPEN:
        raise ServiceError("Chỉ kết thúc được một đợt đang lấy ý kiến.")
    if now < consultation.closes_at:
        raise ServiceError(
            f"Chưa hết thời gian lấy ý kiến (đến hết ngày {format_date(last_day(consultation))}): "
            "không được kết thúc sớm."
        )
    consultation.status = Status.CLOSED
    consultation.updated_at = utcnow()
    audit.record("consultation_close", consultation, by=by)


def decision_parts(consultation: Consultation) -> tuple[str, date | None]:
    """The recorded decision as (number, date): what the correction form starts from."""
    number, _, day = (consultation.decision or "").partition(" ngày ")
    try:
        return number.strip(), datetime.strptime(day.strip(), "%d/%m/%Y").date()
    except ValueError:
        return (consultation.decision or "").strip(), None


def _check_decision(
    consultation: Consultation, number: str, decided_on: date | None, now: datetime | None = None
) -> str:
    number = checks.decision_number(_text(number), "Số quyết định khen thưởng", DECISION_EXAMPLE)
    if decided_on is None:
        raise ServiceError("Hãy chọn ngày ký quyết định khen thưởng.")
    if not isinstance(decided_on, date) or isinstance(decided_on, datetime):
        raise ServiceError("Ngày quyết định khen thưởng không hợp lệ.")
    closed = last_day(consultation)
    if decided_on <= closed:
        raise ServiceError(
            f"Ngày quyết định ({format_date(decided_on)}) phải sau khi hết thời gian lấy ý kiến "
            f"(hết ngày {format_date(closed)})."
        )
    if decided_on > (to_local(now).date() if now is not None else checks.today()):
        raise ServiceError(f"Ngày quyết định ({format_date(decided_on)}) không được sau hôm nay.")
    return f"{number} ngày {format_date(decided_on)}"


def decide(
    consultation: Consultation,
    number: str,
    decided_on: date | None,
    by: User,
    now: datetime | None = None,
) -> None:
    """Record the award decision, its number and date (after the consultation closed), or
    correct it while decided; candidates then link to their commendation in the register once
    one is chosen for them."""
    _editors_only(by)
    if consultation.status == Status.OPEN:
        close(consultation, by=by, now=now)
    if consultation.status not in (Status.CLOSED, Status.DECIDED):
        raise ServiceError("Chỉ ghi quyết định được sau khi đợt lấy ý kiến đã kết thúc.")
    text = _check_decision(consultation, number, decided_on, now)
    before = consultation.decision
    if consultation.status == Status.DECIDED:
        if text == before:
            return
        consultation.decision = text
        consultation.updated_at = utcnow()
        audit.record("consultation_decision_fix", consultation, by=by, decision_before=before, decision=text)
        return
    consultation.decision = text
    consultation.status = Status.DECIDED
    consultation.updated_at = utcnow()
    audit.record("consultation_decide", consultation, by=by, decision=text)


def save_candidate(
    candidate: ConsultationCandidate, values: dict[str, Any], by: User, created: bool, seen: int | None = None
) -> bool:
    """Add or edit a candidate (editors); the list is fixed once the consultation is over, except
    for the link to the commendation given."""
    _editors_only(by)
    return _save_candidate(candidate, values, by, created, seen)


def _save_candidate(
    candidate: ConsultationCandidate,
    values: dict[str, Any],
    by: User | None,
    created: bool,
    seen: int | None = None,
) -> bool:
    consultation = values.get("consultation") or candidate.consultation
    if consultation is None:
        raise ServiceError("Hãy chọn đợt lấy ý kiến.")
    moved = not created and consultation is not candidate.consultation
    if (created or moved) and consultation.status != Status.DRAFT:
        raise ServiceError(
            "Đợt lấy ý kiến đã công bố: không thêm người, tập thể được nữa (người mới sẽ không đủ thời "
            "gian lấy ý kiến); hãy mở một đợt mới."
        )
    clean = dict(values)
    if "name" in values or created:
        name = _text(values.get("name"))
        if not name or len(name) > 200:
            raise ServiceError("Hãy ghi tên người hoặc tập thể được đề nghị (tối đa 200 ký tự).")
        clean["name"] = name
    for name in ("role", "summary"):
        if name in values:
            clean[name] = _text(values.get(name))
    if created and not clean.get("summary"):
        raise ServiceError("Hãy tóm tắt thành tích của người hoặc tập thể được đề nghị.")
    if (created or "locality" in values) and not isinstance(values.get("locality"), Locality):
        raise ServiceError("Hãy chọn địa phương.")
    if "kind" in values and values["kind"] is not None:
        clean["kind"] = ExemplarKind(values["kind"])
    if created and clean.get("kind") is None:
        clean["kind"] = ExemplarKind.INDIVIDUAL
    if clean.get("position") is None:
        clean.pop("position", None)
    commendation = values.get("commendation")
    if commendation is not None:
        if not isinstance(commendation, Commendation):
            raise ServiceError("Khen thưởng không hợp lệ.")
        if consultation.status != Status.DECIDED:
            raise ServiceError("Chỉ gắn khen thưởng đã trao sau khi ghi quyết định của đợt lấy ý kiến.")
    if values.get("exemplar") is not None and not isinstance(values["exemplar"], Exemplar):
        raise ServiceError("Điển hình không hợp lệ.")
    listed = ("kind", "name", "locality", "role", "summary", "position", "consultation")
    if consultation.status in (Status.CLOSED, Status.DECIDED) and any(
        name in clean and clean[name] != getattr(candidate, name, None) for name in listed
    ):
        raise ServiceError("Đợt lấy ý kiến đã kết thúc: danh sách được đề nghị không sửa được nữa.")
    detail = {} if by is not None else {"source": IMPORT}
    return bool(records.save(candidate, clean, by=by, created=created, seen=seen, **detail))


def delete_candidate(candidate: ConsultationCandidate, by: User) -> None:
    _editors_only(by)
    if candidate.consultation.status != Status.DRAFT:
        raise ServiceError("Chỉ xóa được người, tập thể khỏi danh sách khi đợt lấy ý kiến còn là bản nháp.")
    audit.record("delete", candidate, by=by, label=candidate.name[:200])
    db.session.delete(candidate)


def delete(consultation: Consultation, by: User) -> None:
    _editors_only(by)
    if consultation.status != Status.DRAFT:
        raise ServiceError("Chỉ xóa được một bản nháp; đợt đã công bố được giữ làm hồ sơ.")
    audit.record("delete", consultation, by=by, label=consultation.title[:200])
    db.session.delete(consultation)


# --- the public: comments ------------------------------------------------------------------------


def address_hash(address: str) -> str:
    """The sender's address, keyed with the site's secret: tells repeat senders apart, names none."""
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, (address or "").encode(), hashlib.sha256).hexdigest() if address else ""


def content_key(text: str) -> str:
    return hashlib.sha256(folded_name(text).encode()).hexdigest() if text else ""


def check_comment(
    consultation: Consultation, values: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, str]]:
    """Clean a submitted comment; return the values to store and the problems, field by field."""
    clean: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name, limit in LIMITS.items():
        text = _text(values.get(name))
        clean[name] = text
        if len(text) > limit:
            errors[name] = (
                f"{FIELD_NAMES[name]} dài quá: tối đa {format_number(limit)} ký tự "
                f"(bạn đã nhập {format_number(len(text))})."
            )
    raw = str(values.get("candidate_id") or "")
    candidate = None
    if raw.isdigit() and len(raw) < 10:
        candidate = db.session.get(ConsultationCandidate, int(raw))
    if candidate is None or candidate.consultation_id != consultation.id:
        errors["candidate_id"] = "Hãy chọn người hoặc tập thể bạn góp ý."
    else:
        clean["candidate"] = candidate
    if "content" not in errors and len(clean["content"]) < MIN_CONTENT:
        errors["content"] = f"Hãy ghi ý kiến của bạn (ít nhất {MIN_CONTENT} ký tự)."
    if not clean["name"] and "name" not in errors:
        errors["name"] = "Hãy cho biết họ tên của bạn."
    check_contact(
        clean, errors, "Hãy để lại số điện thoại hoặc email (ít nhất một) để ý kiến được tính.", prefix=""
    )
    if not values.get("consent"):
        errors["consent"] = "Hãy đánh dấu đồng ý để Ban được xử lý thông tin bạn gửi."
    return clean, errors


def refuse_if_closed(consultation: Consultation, now: datetime | None = None) -> None:
    """Raise ServiceError (Vietnamese) when the consultation takes no comment now."""
    if consultation.status == Status.DRAFT:
        raise ServiceError("Đợt lấy ý kiến này chưa được công bố.")
    now = now or utcnow()
    if now < from_local(consultation.opens_on):
        raise ServiceError(f"Đợt lấy ý kiến bắt đầu từ ngày {format_date(consultation.opens_on)}.")
    if not accepts_comments(consultation, now):
        raise ServiceError(CLOSED_MESSAGE.format(day=format_date(last_day(consultation))))


def duplicate_of(comment: ConsultationComment) -> ConsultationComment | None:
    """An earlier comment on the same candidate by the same person (folded name and the same phone
    or email) or with the same words (folded): the later one is likely a duplicate."""
    same_person = ConsultationComment.name_key == comment.name_key
    contact = []
    if comment.phone:
        contact.append(ConsultationComment.phone == comment.phone)
    if comment.email:
        contact.append(ConsultationComment.email == comment.email)
    alike: list[Any] = [same_person & or_(*contact)] if contact and comment.name_key else []
    if comment.content_key:
        alike.append(ConsultationComment.content_key == comment.content_key)
    if not alike:
        return None
    query = select(ConsultationComment).where(
        ConsultationComment.candidate_id == comment.candidate_id,
        ConsultationComment.purged_at.is_(None),
        or_(*alike),
    )
    if comment.id is not None:
        query = query.where(ConsultationComment.id < comment.id)
    return db.session.scalar(query.order_by(ConsultationComment.id).limit(1))


def _contact_key(phone: str, email: str) -> tuple[str, str]:
    digits = "".join(c for c in phone if c.isdigit())
    if digits.startswith("84") and len(digits) > 9:
        digits = "0" + digits[2:]
    return digits, email.lower()


DUPLICATE_NOTE = "Có thể trùng với ý kiến mã {id}"  # the "Mã ý kiến" column of the CSV


def _about(comment: ConsultationComment) -> dict[str, Any]:
    """What an audit row says about a comment: its Mã and the candidate (public names only,
    never the commenter's)."""
    if comment.id is None:
        db.session.flush()
    candidate = comment.candidate or db.session.get(ConsultationCandidate, comment.candidate_id)
    return {"comment_id": comment.id, "candidate": candidate.name if candidate is not None else None}


def add_comment(
    consultation: Consultation, values: dict[str, Any], address: str = "", now: datetime | None = None
) -> ConsultationComment:
    """File a citizen's comment on a candidate. Refused (ServiceError) after the closing time;
    CommentInvalid names each problem. A likely duplicate is kept, marked as one."""
    refuse_if_closed(consultation, now)
    clean, errors = check_comment(consultation, values)
    if errors:
        raise CommentInvalid(errors)
    phone, email = _contact_key(clean["phone"], clean["email"])
    comment = ConsultationComment(
        candidate_id=clean["candidate"].id,
        created_at=now or utcnow(),
        name=clean["name"],
        phone=phone,
        email=email,
        content=clean["content"],
        consent=True,
        status=CommentStatus.COUNTED,
        name_key=folded_name(clean["name"]),
        content_key=content_key(clean["content"]),
        ip_hash=address_hash(address),
    )
    earlier = duplicate_of(comment)
    if earlier is not None:
        comment.status = CommentStatus.DUPLICATE
        comment.note = f"{DUPLICATE_NOTE.format(id=earlier.id)} (đánh dấu tự động)."
    db.session.add(comment)
    audit.record(
        "consultation_comment",
        comment,
        **_about(comment),
        duplicate=earlier.id if earlier is not None else None,
    )
    return comment


# --- the board: comments -----------------------------------------------------------------------------


def set_comment_status(comment: ConsultationComment, status: CommentStatus | str, by: User) -> bool:
    """Mark a comment counted, duplicate or spam (editors)."""
    _editors_only(by)
    try:
        status = CommentStatus(status)
    except ValueError:
        raise ServiceError("Trạng thái không hợp lệ.") from None
    if status == comment.status:
        return False
    before = comment.status
    comment.status = status
    audit.record(
        "consultation_comment_status",
        comment,
        by=by,
        **_about(comment),
        **{"from": before.value, "to": status.value},
    )
    return True


def set_comment_note(comment: ConsultationComment, text: str, by: User) -> bool:
    _editors_only(by)
    text = _text(text)
    if text == (comment.note or "").strip():
        return False
    comment.note = text
    audit.record("consultation_comment_note", comment, by=by, **_about(comment))
    return True


def update_comment(comment: ConsultationComment, values: dict[str, Any], by: User) -> bool:
    """Save the admin form: status and internal note."""
    changed = False
    if values.get("status") is not None:
        changed |= set_comment_status(comment, values["status"], by)
    if "note" in values:
        changed |= set_comment_note(comment, values["note"] or "", by)
    return changed


def comments_of(consultation: Consultation) -> list[ConsultationComment]:
    return list(
        db.session.scalars(
            select(ConsultationComment)
            .join(ConsultationCandidate)
            .where(ConsultationCandidate.consultation_id == consultation.id)
            .order_by(ConsultationCandidate.position, ConsultationCandidate.id, ConsultationComment.id)
        )
    )


def counts(consultation: Consultation) -> dict[int, dict[CommentStatus, int]]:
    """Per candidate id, how many comments in each status (the board's summary)."""
    found: dict[int, dict[CommentStatus, int]] = {
        c.id: dict.fromkeys(CommentStatus, 0) for c in consultation.candidates
    }
    for comment in comments_of(consultation):
        found.setdefault(comment.candidate_id, dict.fromkeys(CommentStatus, 0))[comment.status] += 1
    return found


CSV_HEADER = (
    "STT",
    "Người, tập thể được đề nghị",
    "Địa phương",
    "Mã ý kiến",
    "Gửi lúc",
    "Họ tên người góp ý",
    "Điện thoại",
    "Email",
    "Nội dung ý kiến",
    "Tình trạng",
    "Ghi chú của Ban",
)


def export_name(consultation: Consultation) -> str:
    """The CSV's file name: which consultation it is (our own slug, never a client's text)."""
    return f"y-kien-{consultation.slug or consultation.id}.csv"


def export_csv(consultation: Consultation, by: User) -> str:
    """Every comment of a consultation, with the commenters' contacts, for the council's file
    (editors only; the one place contacts leave the admin). UTF-8 with a BOM for Excel; the
    header is the first row (the consultation is named by the file, `export_name`); phones are
    written in groups ("0912 345 678") so Excel keeps them as text, leading 0 included."""
    _editors_only(by)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)  # the first row: filters and imports read it as the header
    for number, comment in enumerate(comments_of(consultation), start=1):
        candidate = comment.candidate
        writer.writerow(
            [
                safe_cell(v)
                for v in (
                    number,
                    candidate.name,
                    candidate.locality.full_name,
                    comment.id,
                    format_datetime(comment.created_at),
                    comment.name,
                    phone_cell(comment.phone),
                    comment.email,
                    comment.content,
                    comment.status.label,
                    comment.note,
                )
            ]
        )
    audit.record("consultation_export", consultation, by=by)
    return "\ufeff" + out.getvalue()


# --- coverage: where the press ran the list ---------------------------------------------------------


def save_coverage(
    item: ConsultationCoverage, values: dict[str, Any], by: User, created: bool, seen: int | None = None
) -> bool:
    """Record where a newspaper, radio or TV ran the list (editors)."""
    _editors_only(by)
    return _save_coverage(item, values, by, created, seen)


def _save_coverage(
    item: ConsultationCoverage,
    values: dict[str, Any],
    by: User | None,
    created: bool,
    seen: int | None = None,
) -> bool:
    clean = dict(values)
    if "outlet" in values or created:
        outlet = _text(values.get("outlet"))
        if not outlet or len(outlet) > 200:
            raise ServiceError("Hãy ghi tên cơ quan báo chí (tối đa 200 ký tự).")
        clean["outlet"] = outlet
    if "url" in values:
        url = _text(values.get("url"))
        if url and not url.lower().startswith(("https://", "http://")):
            raise ServiceError("Đường dẫn tin bài phải bắt đầu bằng https:// hoặc http://.")
        clean["url"] = url
    if created or "medium" in values:
        try:
            clean["medium"] = CoverageMedium(str(values.get("medium") or ""))
        except ValueError:
            raise ServiceError(
                "Hãy chọn loại hình: báo in, báo điện tử, truyền hình hoặc phát thanh."
            ) from None
    if created and values.get("published_on") is None:
        raise ServiceError("Hãy chọn ngày đăng, phát.")
    checks.check_date(values.get("published_on"), "Ngày đăng, phát", earliest=date(2000, 1, 1))
    if created and not isinstance(values.get("consultation"), Consultation):
        raise ServiceError("Hãy chọn đợt lấy ý kiến.")
    if created and by is not None:
        item.created_by_id = by.id
    detail = {} if by is not None else {"source": IMPORT}
    return bool(records.save(item, clean, by=by, created=created, seen=seen, **detail))


def delete_coverage(item: ConsultationCoverage, by: User) -> None:
    _editors_only(by)
    audit.record("delete", item, by=by, label=item.outlet[:200])
    db.session.delete(item)


# --- the content importer (content/consultations.yaml) ----------------------------------------------


def _coverage_key(outlet: Any, medium: Any, published_on: Any, url: Any) -> tuple[str, str, Any, str]:
    return (_text(outlet), str(getattr(medium, "value", medium)), published_on, _text(url))


def _import_state(
    consultation: Consultation, status: Status, decision: str, decided_on: date | None, now: datetime
) -> None:
    """Bring a new imported consultation from draft to the status its file records. Opening is
    allowed whatever the date (an open consultation past its time reads as closed, as a real
    one nobody closed does); closed and decided only once its last working day is over; a
    decision only dated after that day and not in the future."""
    if status == Status.DRAFT:
        return
    if not consultation.candidates:
        raise ServiceError("Một đợt đã công bố phải có ít nhất một người hoặc tập thể được đề nghị.")
    consultation.closes_at = workdays.closing_time(consultation.opens_on, consultation.working_days)
    consultation.status = Status.OPEN
    audit.record(
        "consultation_open", consultation, closes=format_datetime(consultation.closes_at), source=IMPORT
    )
    if status == Status.OPEN:
        return
    if now < consultation.closes_at:
        raise ServiceError(
            f"Chưa hết thời gian lấy ý kiến (đến hết ngày {format_date(last_day(consultation))}): "
            f"không ghi được trạng thái «{status.label}», không được kết thúc sớm."
        )
    consultation.status = Status.CLOSED
    audit.record("consultation_close", consultation, source=IMPORT)
    if status == Status.CLOSED:
        return
    text = _text(decision)
    if decided_on is not None:  # a number and a date: checked as an editor's decision is
        text = _check_decision(consultation, text, decided_on, now)
    elif not text:  # as an export writes a stored decision: “1234/QĐ-CTN ngày dd/mm/yyyy”
        raise ServiceError("Đợt đã có quyết định khen thưởng phải ghi số và ngày quyết định.")
    consultation.decision = text[:300]
    consultation.status = Status.DECIDED
    audit.record("consultation_decide", consultation, source=IMPORT)


def import_consultation(
    values: dict[str, Any],
    candidates: list[dict[str, Any]],
    coverage: list[dict[str, Any]],
    status: Status,
    decision: str = "",
    decided_on: date | None = None,
    now: datetime | None = None,
) -> tuple[Consultation, bool, list[str], list[str]]:
    """Create or update a consultation from the content files (no user: the import did it; the
    commenters' comments are never part of a file). A new one is built as an editor builds it —
    a draft, its candidates, then its status (see _import_state) and, once decided, the links to
    the commendations given. An existing one (same slug) gets the editors' rules: its status is
    left alone (reported), its list is fixed once published. Return the consultation, whether it
    was created, the names of what changed and the status differences left alone."""
    now = now or utcnow()
    slug = str(values.get("slug") or "")
    consultation = db.session.scalar(select(Consultation).filter_by(slug=slug)) if slug else None
    created = consultation is None
    consultation = consultation or Consultation()
    changed: list[str] = []
    if _save(consultation, dict(values), by=None, created=created):
        changed.append("consultation")
    if slug and consultation.slug != slug:
        raise ServiceError(f"slug '{slug}' không dùng được (đã có hoặc không hợp lệ).")
    candidates = [dict(c) for c in candidates]  # the caller's values stay as they were
    links = [c.pop("commendation", None) for c in candidates]
    stored = list(consultation.candidates)
    for position, wanted in enumerate(candidates, start=1):
        data = wanted | {"consultation": consultation, "position": position}
        if position <= len(stored):
            record, is_new = stored[position - 1], False
            if consultation.status == Status.DECIDED:
                data["commendation"] = links[position - 1]
        else:
            record, is_new = ConsultationCandidate(), True
        if _save_candidate(record, data, by=None, created=is_new):
            changed.append(f"candidate {position}")
    for extra in stored[len(candidates) :]:
        if consultation.status != Status.DRAFT:
            raise ServiceError("Đợt lấy ý kiến đã công bố: không bớt người, tập thể khỏi danh sách được.")
        audit.record("delete", extra, label=extra.name[:200], source=IMPORT)
        consultation.candidates.remove(extra)
        db.session.delete(extra)
        changed.append(f"candidate {extra.position}")
    left_alone: list[str] = []
    if created:
        _import_state(consultation, status, decision, decided_on, now)
        if consultation.status == Status.DECIDED:
            for record, link in zip(consultation.candidates, links, strict=True):
                if link is not None:
                    _save_candidate(record, {"commendation": link}, by=None, created=False)
    else:
        if consultation.status != status:
            left_alone.append(f"trạng thái «{consultation.status.label}» (tệp ghi «{status.label}»)")
        file_decision = f"{_text(decision)} ngày {format_date(decided_on)}" if decided_on else _text(decision)
        if (
            status == Status.DECIDED
            and consultation.status == status
            and file_decision != consultation.decision
        ):
            left_alone.append(f"quyết định «{consultation.decision}» (tệp ghi «{file_decision}»)")
    have = {_coverage_key(c.outlet, c.medium, c.published_on, c.url) for c in consultation.coverage}
    for item in coverage:
        key = _coverage_key(
            item.get("outlet"), item.get("medium"), item.get("published_on"), item.get("url") or ""
        )
        if key in have:
            continue
        have.add(key)
        piece = ConsultationCoverage()
        _save_coverage(piece, item | {"consultation": consultation}, by=None, created=True)
        changed.append("coverage")
    return consultation, created, sorted(set(changed)), left_alone


# --- privacy -----------------------------------------------------------------------------------------


def purge(now: datetime | None = None, days: int | None = None) -> int:
    """Erase the commenters' name, phone, email and address hash PRIVATE_DATA_DAYS after their
    consultation closed; return how many comments. The comment's words and status stay (the
    council's file); running it again erases nothing more."""
    now, days, cutoff = purge_window(now, days)
    due = list(
        db.session.scalars(
            select(ConsultationComment)
            .join(ConsultationCandidate)
            .join(Consultation)
            .where(
                Consultation.status != Status.DRAFT,
                Consultation.closes_at < cutoff,
                ConsultationComment.purged_at.is_(None),
            )
        )
    )
    erase(
        due,
        lambda c: [c.phone, c.email, c.name],
        scrubbed=("note",),
        blank={"name": ERASED, "phone": "", "email": "", "ip_hash": "", "name_key": ""},
        now=now,
    )
    if due:
        audit.record("privacy_purge", None, comments=len(due), days=days)
    return len(due)
