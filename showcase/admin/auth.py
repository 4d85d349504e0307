"""Login and logout, changing one's password, one-time reset links (Flask-Login sessions that the
server can end: see `accounts.end_sessions`; login limits: see `login_limits`)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from sqlalchemy.orm.exc import StaleDataError
from wtforms import EmailField, Field, HiddenField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from showcase import services
from showcase.admin.login_limits import LoginLimits
from showcase.extensions import db
from showcase.models import User, UserRole
from showcase.services import accounts
from showcase.services.errors import ServiceError

bp = Blueprint("auth", __name__, template_folder="templates")

TOO_MANY = "Bạn đã thử quá nhiều lần; hãy đợi một lúc rồi thử lại."
SESSION_ENDED = (
    "Phiên đăng nhập trước của bạn đã kết thúc (đã đăng xuất, đổi mật khẩu hoặc tài khoản bị khóa). "
    "Hãy đăng nhập lại."
)


def _password(label: str, required: str) -> PasswordField:
    return PasswordField(
        label,
        validators=[DataRequired(required), Length(max=1000, message="Mật khẩu dài quá: tối đa 1000 ký tự.")],
    )


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired("Hãy nhập email."), Length(max=254)])
    password = _password("Mật khẩu", "Hãy nhập mật khẩu.")
    next = HiddenField()


class LogoutForm(FlaskForm):
    pass


class NewPasswordForm(FlaskForm):
    new_password = _password("Mật khẩu mới", "Hãy nhập mật khẩu mới.")
    confirm = PasswordField(
        "Nhập lại mật khẩu mới",
        validators=[
            DataRequired("Hãy nhập lại mật khẩu mới."),
            EqualTo("new_password", "Hai lần nhập mật khẩu mới không khớp nhau."),
        ],
    )


class ChangePasswordForm(NewPasswordForm):
    current_password = _password("Mật khẩu hiện tại", "Hãy nhập mật khẩu hiện tại.")


def add_error(field: Field, message: str) -> None:
    """Name a problem beside its field (after validation, e.g. a service's refusal)."""
    field.errors = [*field.errors, message]


def safe_next(target: str | None) -> str | None:
    """A path on this site to return to, or None (no scheme, no host, no `//`, no backslash)."""
    if not target or len(target) > 2000 or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(c) < 32 for c in target):
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


def reset_url(token: str) -> str:
    """The full address of a reset link, on SITE_URL (works without a request: the CLI)."""
    path = current_app.url_map.bind("localhost").build("auth.reset_password", {"token": token})
    return current_app.config["SITE_URL"] + path


def _limits() -> LoginLimits:
    return current_app.extensions["login_limits"]


def _address() -> str:
    return request.remote_addr or "unknown"


def _too_many(seconds: int):
    page = render_template("site/error.html", code=429, message=TOO_MANY)
    return page, 429, {"Retry-After": str(seconds)}


@bp.after_request
def private(response):
    """Pages about passwords are never stored, and their address (a reset token) never leaks."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.route("/dang-nhap", methods=["GET", "POST"])
def login():
    form = LoginForm()
    # a cookie whose session was ended elsewhere: say so once, and drop it
    ended = current_user.is_anonymous and g.get("session_ended", False)
    if ended:
        for key in ("_user_id", "_fresh", "_id"):
            session.pop(key, None)
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    status = 200
    if form.validate_on_submit():
        limits = _limits()
        account, address = limits.account_key(form.email.data or ""), _address()
        wait = limits.refused(account, address)
        if wait:
            return _too_many(wait)
        limits.wait(account)  # only when this account is being guessed at (see login_limits)
        user = accounts.authenticate(form.email.data or "", form.password.data or "")
        services.commit()  # the audit row of a success or a failure
        if user is not None:
            limits.succeeded(account, address)
            session.clear()  # a new session at login: nothing from before survives
            login_user(user, remember=False)  # never a remember-me cookie
            flash(f"Xin chào {user.name}.", "success")
            return redirect(safe_next(form.next.data) or url_for("admin.index"))
        limits.failed(account, address)
        flash("Email hoặc mật khẩu không đúng, hoặc tài khoản đã bị khóa.", "error")
        status = 401
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form, ended=ended and status == 200), status


@bp.post("/dang-xuat")
def logout():
    """End every session of this account (the CSRF token is checked before this runs)."""
    if current_user.is_authenticated:
        accounts.log_out(current_user._get_current_object())
        services.commit()
    logout_user()
    session.clear()
    flash("Bạn đã đăng xuất.", "success")
    return redirect(url_for("site.home"))


@bp.route("/tai-khoan/doi-mat-khau", methods=["GET", "POST"])
@login_required
def change_password():
    """Change one's own password; the other sessions end, this one goes on."""
    form = ChangePasswordForm()
    user = current_user._get_current_object()
    status = 200
    if form.validate_on_submit():
        limits = _limits()
        account, address = limits.account_key(user.email), _address()
        wait = limits.refused(account, address)
        if wait:
            return _too_many(wait)
        limits.wait(account)
        try:
            accounts.change_password(user, form.current_password.data or "", form.new_password.data or "")
            services.commit()
        except StaleDataError:  # the account changed meanwhile (another tab, an admin): say so
            services.rollback()
            add_error(form.current_password, "Tài khoản vừa được thay đổi ở nơi khác; hãy thử lại.")
            status = 409
        except accounts.FieldError as exc:
            if exc.field == "current_password":
                services.commit()  # the audit row of a wrong guess
                limits.failed(account, address)
            else:
                services.rollback()
            add_error(getattr(form, exc.field), str(exc))
            status = 400
        else:
            login_user(user, remember=False)  # this session, under the new epoch
            flash("Đã đổi mật khẩu. Các phiên đăng nhập khác của tài khoản này đã kết thúc.", "success")
            return redirect(url_for("admin.index"))
    elif request.method == "POST":
        status = 400
    return render_template("auth/change_password.html", form=form), status


def _dead_link(error: accounts.ResetLinkError):
    page = render_template("auth/message.html", title="Liên kết không dùng được", message=str(error))
    return page, error.status


@bp.route("/dat-lai-mat-khau/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """Set a new password through a one-time link an admin gave."""
    if len(token) > 500:
        return _dead_link(accounts.ResetLinkError(400, accounts.LINK_INVALID))
    try:
        user = accounts.user_for_reset(token)
    except accounts.ResetLinkError as exc:
        return _dead_link(exc)
    form = NewPasswordForm()
    status = 200
    if form.validate_on_submit():
        try:
            accounts.reset_password(token, form.new_password.data or "")
            services.commit()
        except accounts.ResetLinkError as exc:
            services.rollback()
            return _dead_link(exc)
        except StaleDataError:  # the same link used twice at once: the first one won
            services.rollback()
            return _dead_link(accounts.ResetLinkError(410, accounts.LINK_USED))
        except accounts.FieldError as exc:
            services.rollback()
            add_error(form.new_password, str(exc))
            status = 400
        else:
            if current_user.is_authenticated and current_user.id == user.id:
                logout_user()
            flash("Đã đặt mật khẩu mới. Hãy đăng nhập bằng mật khẩu đó.", "success")
            return redirect(url_for("auth.login"))
    elif request.method == "POST":
        status = 400
    return render_template("auth/reset_password.html", form=form, user=user), status


@bp.post("/tai-khoan/<int:user_id>/lien-ket-dat-lai")
@login_required
def reset_link(user_id: int):
    """Admins: make a one-time reset link for an account and show it, once."""
    me = current_user._get_current_object()
    if not me.has_role(UserRole.ADMIN):
        abort(403)
    user = db.session.get(User, user_id) if user_id < 2**31 else None
    if user is None:
        abort(404)
    try:
        token = accounts.reset_token(user, by=me)
    except ServiceError as exc:
        services.rollback()
        page = render_template("auth/message.html", title="Không tạo được liên kết", message=str(exc))
        return page, 409
    services.commit()
    hours = accounts.reset_hours()
    return render_template("auth/reset_link.html", user=user, url=reset_url(token), hours=hours)
