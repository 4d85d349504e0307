"""Accounts: argon2 password hashes, the password rule, roles, activation, logins, sessions,
password changes and one-time reset links. The only code that changes a user."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from itsdangerous import BadData, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select, update

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


class FieldError(ServiceError):
    """Refused because of one form field (`field` names it), so a form can show it beside that field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class ResetLinkError(ServiceError):
    """A reset link that cannot be used: `status` is 400 (not ours) or 410 (expired or used)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The 30,000 most common passwords of zxcvbn 4.5 (from real leaks) and this site's own words."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS  # type: ignore[import-untyped]  # ~15 MB while loading: only when needed

    site_words = Path(__file__).with_name("site_words.txt").read_text("utf-8").splitlines()
    words = [w for w in site_words if w.strip() and not w.startswith("#")]
    return frozenset(w.strip().lower() for w in [*FREQUENCY_LISTS["passwords"], *words])


def _is_common(lowered: str) -> bool:
    """A common password as it is, with digits or symbols added after it ("password123456"), or
    with at most four characters added before or after it ("123456789012", "2024iloveyou")."""
    common = common_passwords()
    if lowered in common or re.sub(r"[\d\W_]+$", "", lowered) in common:
        return True
    return any(lowered[:-k] in common or lowered[k:] in common for k in range(1, 5))


def check_password(password: str, email: str = "", name: str = "") -> None:
    """Refuse a password that is short, common or made of the account's own name or email."""
    if len(password) < MIN_LENGTH:
        raise ServiceError(f"Mật khẩu phải có ít nhất {MIN_LENGTH} ký tự.")
    lowered = password.lower()
    if _is_common(lowered) or len(set(lowered)) < 4:
        raise ServiceError("Mật khẩu này quá phổ biến hoặc dễ đoán; hãy chọn mật khẩu khác.")
    if email and email.lower() in lowered:
        raise ServiceError("Mật khẩu không được chứa tên hoặc địa chỉ email của tài khoản.")
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
    """Change an account's role."""
    new = parse_role(role)
    if new != user.role:
        audit.record("role_change", user, by=by, old=user.role.value, new=new.value)
        user.role = new


def _bookkeeping(user: User, *conditions, **values) -> None:
    """Write columns nobody edits in a form (epoch, last login, rehash) in one UPDATE that leaves
    the row version alone: two logins at once are not a conflict, and an admin's open edit form
    is not refused because its user logged in meanwhile."""
    db.session.flush()
    db.session.execute(
        update(User)
        .where(User.id == user.id, *conditions)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(user, list(values))


def end_sessions(user: User) -> None:
    """End every session of this account: cookies name the epoch they were made in."""
    _bookkeeping(user, session_epoch=User.session_epoch + 1)  # adds 1 in the database: two at once both count


def deactivate(user: User, by: User | None = None) -> None:
    """Lock an account and end its sessions (a later reactivation revives none of them)."""
    if user.active:
        user.active = False
        end_sessions(user)
        audit.record("user_deactivate", user, by=by)


def activate(user: User, by: User | None = None) -> None:
    """Unlock an account."""
    if not user.active:
        user.active = True
        audit.record("user_activate", user, by=by)


def log_out(user: User) -> None:
    """End every session of this account (logging out on one device logs out everywhere)."""
    end_sessions(user)
    audit.record("logout", user, by=user)


def set_password(user: User, password: str, by: User | None = None, action: str = "password_set") -> None:
    """Give an account a new password (the password rule applies) and end all its sessions."""
    try:
        check_password(password, user.email, user.name)
    except ServiceError as exc:
        raise FieldError("new_password", str(exc)) from None
    user.password_hash = hasher().hash(password)
    end_sessions(user)
    audit.record(action, user, by=by)


def change_password(user: User, current: str, new: str) -> None:
    """Change one's own password: the current one first, then a new one that passes the rule."""
    if not _verify(user.password_hash, current):
        audit.record("password_change_failed", user, by=user)
        raise FieldError("current_password", "Mật khẩu hiện tại không đúng.")
    if new == current:
        raise FieldError("new_password", "Mật khẩu mới phải khác mật khẩu hiện tại.")
    set_password(user, new, by=user, action="password_change")


def _verify(password_hash: str, password: str) -> bool:
    try:
        return hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# --- one-time reset links -------------------------------------------------------------------------

RESET_SALT = "showcase.password-reset"
LINK_EXPIRED = "Liên kết đặt lại mật khẩu đã hết hạn. Hãy nhờ quản trị viên gửi liên kết mới."
LINK_INVALID = "Liên kết đặt lại mật khẩu không đúng. Hãy kiểm tra lại đường dẫn, hoặc xin liên kết mới."
LINK_USED = (
    "Liên kết này đã được dùng hoặc không còn hiệu lực (mật khẩu đã đổi, hoặc tài khoản đã bị khóa). "
    "Hãy nhờ quản trị viên gửi liên kết mới."
)


def _reset_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=RESET_SALT)


def _fingerprint(user: User) -> str:
    """A digest of the password hash: the token is readable, so it never carries the hash itself."""
    return hashlib.sha256(user.password_hash.encode("utf-8")).hexdigest()[:20]


def reset_token(user: User, by: User | None = None) -> str:
    """A signed token to set a new password: expires after PASSWORD_RESET_HOURS, works once, and
    dies when the password changes or the sessions are ended."""
    if not user.active:
        raise ServiceError(f"Tài khoản {user.email} đang bị khóa; hãy mở khóa trước khi đặt lại mật khẩu.")
    db.session.flush()
    audit.record("password_reset_link", user, by=by)
    return _reset_serializer().dumps({"u": user.id, "e": user.session_epoch, "p": _fingerprint(user)})


def reset_hours() -> float:
    return float(current_app.config.get("PASSWORD_RESET_HOURS", 24))


def user_for_reset(token: str) -> User:
    """The account a reset token is for, while the token can still be used."""
    try:
        data = _reset_serializer().loads(token, max_age=int(reset_hours() * 3600))
    except SignatureExpired:
        raise ResetLinkError(410, LINK_EXPIRED) from None
    except BadData:
        raise ResetLinkError(400, LINK_INVALID) from None
    user_id = data.get("u") if isinstance(data, dict) else None
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if (
        user is None
        or not user.active
        or data.get("e") != user.session_epoch
        or not hmac.compare_digest(str(data.get("p", "")), _fingerprint(user))
    ):
        raise ResetLinkError(410, LINK_USED)
    return user


def reset_password(token: str, password: str) -> User:
    """Set a new password through a reset link; the link, and every session, die with it."""
    user = user_for_reset(token)
    set_password(user, password, by=user, action="password_reset")
    return user


def authenticate(email: str, password: str) -> User | None:
    """Return the active user with this email and password (rehashing when parameters change)."""
    user = find(email) if email else None
    ok = _verify(user.password_hash if user else _hashing()[1], password) and user is not None and user.active
    if not ok or user is None:
        audit.record("login_failed", user, email=email.strip().lower()[:254])
        return None
    if hasher().check_needs_rehash(user.password_hash):
        # unless the password was changed meanwhile
        _bookkeeping(user, User.password_hash == user.password_hash, password_hash=hasher().hash(password))
    _bookkeeping(user, last_login_at=utcnow())
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
    changed = bool(records.save(user, values, by=by, created=False, seen=seen))
    if role != user.role:
        set_role(user, role.value, by=by)
        changed = True
    if not active and user.active:
        deactivate(user, by=by)
        changed = True
    elif active and not user.active:
        activate(user, by=by)
        changed = True
    return changed


# --- invitations ----------------------------------------------------------------------------------


def invite(
    email: str, name: str, role: str, organisation: str = "", by: User | None = None
) -> tuple[User, str]:
    """An admin invites someone: the account is made with a random password nobody knows, so it
    cannot log in until its owner sets a password through the one-time link returned with it (a
    reset token: it expires after PASSWORD_RESET_HOURS and dies once used)."""
    if by is None or not by.has_role(UserRole.ADMIN):
        raise ServiceError("Chỉ quản trị viên mời được tài khoản mới.")
    email = normalise_email(email)
    if find(email) is not None:
        raise ServiceError(f"Đã có tài khoản {email}; muốn gửi lại liên kết, hãy mở tài khoản đó.")
    name = nfc((name or "").strip())
    if not name:
        raise ServiceError("Cần có tên người dùng.")
    organisation = nfc((organisation or "").strip())
    if len(name) > 200 or len(organisation) > 200:
        raise ServiceError("Tên và đơn vị dài tối đa 200 ký tự.")
    if not role:
        raise ServiceError("Hãy chọn vai trò cho tài khoản mới.")
    user = User(
        email=email,
        name=name,
        organisation=organisation,
        role=parse_role(role),
        password_hash=hasher().hash(secrets.token_urlsafe(32)),  # unusable: never shown, never stored
        active=True,
    )
    db.session.add(user)
    audit.record("user_invite", user, by=by, role=user.role.value)
    return user, reset_token(user, by=by)
