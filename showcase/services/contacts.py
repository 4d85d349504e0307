"""What the public forms share about the people who send them: a phone or an email (at least
one, each checked), the reference code shown once after sending, the board's internal notes on
what was sent, and the erasure of the contacts (and their copies in those notes) by the purge.

Used by citizens' nominations (services/nominations.py), requests to remove or correct
information (services/info_requests.py) and comments on a consultation
(services/consultations.py); each keeps its own fields and wording around these.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import update as sql_update

from showcase.extensions import db
from showcase.markup import nfc
from showcase.models import AuditLog, utcnow

# no 0/O, 1/I/L: a code read aloud over the phone or copied by hand comes out right
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12  # 31^12 ≈ 8·10^17 codes
ERASED = "[đã xóa]"
PHONE = re.compile(r"^\+?[0-9 .()-]{8,20}$")
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
BAD_PHONE = "Số điện thoại chưa đúng (ví dụ 0912 345 678)."
BAD_EMAIL = "Email chưa đúng (ví dụ ten@example.com)."


def new_code() -> str:
    """A fresh random code (12 characters of an alphabet people cannot misread)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def clean_code(raw: str) -> str:
    """A code as typed (any case, with spaces or hyphens) in its stored form, or "" when it
    cannot be one."""
    code = re.sub(r"[\s-]", "", (raw or "")[:40]).upper()
    if len(code) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in code):
        return ""
    return code


def show_code(code: str) -> str:
    """The code as people read it: ABCD-EFGH-JKMN."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def check_contact(
    clean: dict[str, str], errors: dict[str, str], missing: str, prefix: str = "contact_"
) -> None:
    """Check the phone and email fields (`contact_phone`, `contact_email`, or under another
    prefix) of a cleaned form: at least one (else `missing` beside the phone), each well formed.
    Problems are added to `errors` under the field's name."""
    phone_field, email_field = f"{prefix}phone", f"{prefix}email"
    phone, email = clean.get(phone_field, ""), clean.get(email_field, "")
    if not phone and not email:
        errors[phone_field] = missing
    if phone and phone_field not in errors:
        digits = sum(c.isdigit() for c in phone)
        if not PHONE.match(phone) or not 9 <= digits <= 12:
            errors[phone_field] = BAD_PHONE
    if email and email_field not in errors and not EMAIL.match(email):
        errors[email_field] = BAD_EMAIL


def scrub(text: str, known: list[str]) -> str:
    """The text with every copy of these contact details replaced by “[đã xóa]”."""
    for secret in known:
        if secret and len(secret) >= 3:
            text = re.sub(re.escape(secret), ERASED, text, flags=re.IGNORECASE)
    return text


def purge_window(now: datetime | None, days: int | None) -> tuple[datetime, int, datetime]:
    """Now, the days private data is kept (`PRIVATE_DATA_DAYS` unless given) and the cutoff:
    what closed before the cutoff has its contacts erased."""
    now = now or utcnow()
    days = current_app.config["PRIVATE_DATA_DAYS"] if days is None else days
    return now, days, now - timedelta(days=days)


def erase(
    due: Sequence[Any],
    known: Callable[[Any], list[str]],
    scrubbed: tuple[str, ...],
    blank: dict[str, str],
    now: datetime,
) -> None:
    """Erase the contacts of these records: every copy of `known(record)` out of the `scrubbed`
    fields, the `blank` fields set to their erased value, `purged_at` stamped, and the address
    their audit rows recorded when they were sent."""
    for record in due:
        secrets_ = known(record)
        for name in scrubbed:
            setattr(record, name, scrub(getattr(record, name) or "", secrets_))
        for name, value in blank.items():
            setattr(record, name, value)
        record.purged_at = now
    if due:
        db.session.execute(
            sql_update(AuditLog)
            .where(AuditLog.object_type == type(due[0]).__name__, AuditLog.object_id.in_([r.id for r in due]))
            .values(ip="")
        )


def appended_note(notes: str | None, text: str, author: str, when: str) -> str | None:
    """The board's internal notes with a dated line signed by its author added, or None when
    there is nothing to add."""
    text = nfc((text or "").replace("\r\n", "\n")).strip()
    if not text:
        return None
    line = f"[{when} · {author}] {text}"
    return f"{notes}\n{line}".strip() if notes else line


def replaced_notes(notes: str | None, text: str) -> str | None:
    """The notes as the admin's form gives them whole, or None when they are unchanged."""
    text = nfc((text or "").replace("\r\n", "\n")).strip()
    return None if text == (notes or "").strip() else text
