"""Accounts: argon2 password hashes, the password rule, roles, activation, logins."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from sqlalchemy import func, select

from showcase.extensions import db
from showcase.markup import nfc
from showcase.models import User, UserRole, utcnow
from showcase.services import audit, records
from showcase.services.errors import ServiceError

MIN_LENGTH = 12
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _hashing() -> tuple[PasswordHasher, str]:
    found = current_app.extensions.get("password_hasher")
    if found is None:
        h = PasswordHasher(**current_app.config.get("ARGON2", {}))
        # verified against when the account does not exist, so both cases take as long
        found = current_app.extensions["password_hasher"] = (h, h.hash("không có tài khoản này"))
    return found


def hasher() -> PasswordHasher:
    """The app's argon2 hasher (argon2-cffi defaults unless ARGON2 settings say otherwise)."""
    return _hashing()[0]


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    path = Path(__file__).with_name("common_passwords.txt")
    return frozenset(line.strip().lower() for line in path.read_text("utf-8").splitlines() if line.strip())


def check_password(password: str, email: str = "", name: str = "") -> None:
    """Refuse a password that is short, common or made of the account's own name or email."""
    if len(password) < MIN_LENGTH:
        raise ServiceError(f"Mật khẩu phải có ít nhất {MIN_LENGTH} ký tự.")
    lowered = password.lower()
    core = re.sub(r"[\d\W_]+$", "", lowered)  # "password123456" is still "password"
    if lowered in common_passwords() or core in common_passwords() or len(set(lowered)) < 4:
        raise ServiceError("Mật khẩu này quá phổ biến hoặc dễ đoán; hãy chọn mật khẩu khác.")
    local = email.split("@")[0].lower()
    compact = name.lower().replace(" ", "")
    if (len(local) >= 4 and local in lowered) or (len(compact) >= 4 and compact in lowered):
        raise ServiceError("Mật khẩu không được chứa tên hoặc địa chỉ email của tài khoản.")


def normalise_email(email: str) -> str:
    email = nfc(email.strip()).lower()
    if not EMAIL.match(email) or len(email) > 254:
        raise ServiceError(f"Địa chỉ email không hợp lệ: «{email[:60]}».")
    return email


def find(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def parse_role(role: str) -> UserRole:
    try:
        return UserRole(role)
    except ValueError:
        raise ServiceError(f"Vai trò «{role}» không có; chọn admin, editor hoặc partner.") from None


def create_user(
    email: str, name: str, role: str, password: str, organisation: str = "", by: User | None = None
) -> User:
    """Create an account (the only way in: no default account exists)."""
    email = normalise_email(email)
    if find(email) is not None:
        raise ServiceError(f"Đã có tài khoản {email}.")
    name = nfc(name.strip())
    if not name:
        raise ServiceError("Cần có tên người dùng.")
    check_password(password, email, name)
    user = User(
        email=email,
        name=name,
        organisation=nfc(organisation.strip()),
        role=parse_role(role),
        password_hash=hasher().hash(password),
        active=True,
    )
    db.session.add(user)
    audit.record("user_create", user, by=by, role=user.role.value)
    return user


def set_role(user: User, role: str, by: User | None = None) -> None:
    new = parse_role(role)
    if new != user.role:
        audit.record("role_change", user, by=by, old=user.role.value, new=new.value)
        user.role = new


def deactivate(user: User, by: User | None = None) -> None:
    if user.active:
        user.active = False
        audit.record("user_deactivate", user, by=by)


def authenticate(email: str, password: str) -> User | None:
    """Return the active user with this email and password (rehashing when parameters change)."""
    user = find(email) if email else None
    try:
        hasher().verify(user.password_hash if user else _hashing()[1], password)
        ok = user is not None and user.active
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok:
        audit.record("login_failed", user, email=email.strip().lower()[:254])
        return None
    if hasher().check_needs_rehash(user.password_hash):
        user.password_hash = hasher().hash(password)
    user.last_login_at = utcnow()
    audit.record("login", user, by=user)
    return user


def update_user(user: User, values: dict, by: User, seen: int | None = None) -> bool:
    """An admin edits an account (name, organisation, role, active); nobody changes their own role
    or locks themselves out. Deactivation ends every session of the account."""
    if not by.has_role(UserRole.ADMIN):
        raise ServiceError("Chỉ quản trị viên sửa được tài khoản.")
    values = dict(values)
    role = values.pop("role", user.role)
    active = values.pop("active", user.active)
    role = parse_role(role.value if isinstance(role, UserRole) else str(role or ""))
    if user.id == by.id and (role != user.role or not active):
        raise ServiceError("Không thể tự đổi vai trò hoặc tự khóa tài khoản của mình.")
    if "name" in values:
        values["name"] = nfc((values["name"] or "").strip())
        if not values["name"]:
            raise ServiceError("Cần có tên người dùng.")
    changed = records.save(user, values, by=by, created=False, seen=seen)
    if role != user.role:
        set_role(user, role.value, by=by)
        changed = True
    if not active and user.active:
        deactivate(user, by=by)
        changed = True
    elif active and not user.active:
        user.active = True
        audit.record("user_activate", user, by=by)
        changed = True
    return changed
