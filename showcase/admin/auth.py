"""Login and logout (Flask-Login), rate limited per address and per account."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField
from wtforms.validators import DataRequired, Length

from showcase.extensions import db, limiter
from showcase.services import accounts, audit

bp = Blueprint("auth", __name__, template_folder="templates")


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired("Hãy nhập email."), Length(max=254)])
    password = PasswordField("Mật khẩu", validators=[DataRequired("Hãy nhập mật khẩu."), Length(max=1000)])
    next = HiddenField()


class LogoutForm(FlaskForm):
    pass


def safe_next(target: str | None) -> str | None:
    """A path on this site to return to, or None (no scheme, no host, no `//`, no backslash)."""
    if not target or len(target) > 2000 or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(c) < 32 for c in target):
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


def _account_key() -> str:
    return "account:" + request.form.get("email", "").strip().lower()[:254]


def _login_limits() -> str:
    return current_app.config["LOGIN_LIMITS"]


@bp.route("/dang-nhap", methods=["GET", "POST"])
@limiter.limit(_login_limits, methods=["POST"])
@limiter.limit(_login_limits, methods=["POST"], key_func=_account_key)
def login():
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    status = 200
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        db.session.commit()  # the audit row of a success or a failure
        if user is not None:
            session.clear()  # a new session at login: nothing from before survives
            login_user(user)
            flash(f"Xin chào {user.name}.", "success")
            return redirect(safe_next(form.next.data) or url_for("admin.index"))
        flash("Email hoặc mật khẩu không đúng, hoặc tài khoản đã bị khóa.", "error")
        status = 401
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form), status


@bp.post("/dang-xuat")
@login_required
def logout():
    form = LogoutForm()
    if form.validate_on_submit():
        audit.record("logout", current_user._get_current_object(), by=current_user._get_current_object())
        db.session.commit()
        logout_user()
        session.clear()
        flash("Bạn đã đăng xuất.", "success")
    return redirect(url_for("site.home"))
