"""The admin panel: accounts and login, Flask-Admin views, the editorial workflow."""

from __future__ import annotations

from flask import Flask, flash, g, redirect, render_template, request, url_for
from flask_admin import Admin
from flask_admin.theme import Bootstrap4Theme
from flask_login import current_user

from showcase.extensions import babel, csrf, db, limiter, login_manager
from showcase.models import User
from showcase.services import preview, workflow


def init_admin(app: Flask) -> None:
    """Bind login, CSRF, rate limits and translations, then build this app's Admin object."""
    from showcase.admin import auth
    from showcase.admin.login_limits import init_login_limits
    from showcase.admin.views import Dashboard, register_views
    from showcase.admin.views.records import init_templates

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Hãy đăng nhập để tiếp tục."
    login_manager.login_message_category = "error"
    login_manager.session_protection = "strong"
    csrf.init_app(app)
    limiter.init_app(app)  # for limits elsewhere; login has its own (login_limits.py says why)
    init_login_limits(app)
    babel.init_app(app, locale_selector=lambda: "vi")
    _use_our_catalogues()
    app.register_blueprint(auth.bp)

    admin = Admin(
        app,
        name="Gương sáng Hải Phòng",
        index_view=Dashboard(name="Tổng quan", url="/admin", endpoint="admin"),
        theme=Bootstrap4Theme(base_template="admin/showcase_base.html"),
        csp_nonce_generator=lambda: _nonce(),
    )
    register_views(admin)
    init_templates(app)
    app.extensions["showcase_admin"] = admin

    @app.context_processor
    def workflow_helpers() -> dict:
        return {
            "preview_token": preview.make_token,
            "workflow_transitions": workflow.TRANSITIONS,
            "workflow_allowed": lambda story: workflow.allowed(story, current_user._get_current_object()),
        }


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """The user a session cookie names, while that session has not been ended.

    Flask-Login's remember-me cookie is never issued (`login_user(..., remember=False)`); were
    one ever sent, it names the same "id:epoch" and comes through here too.
    """
    user_id, _, epoch = str(session_id).partition(":")
    user = db.session.get(User, int(user_id)) if user_id.isdigit() and epoch.isdigit() else None
    if user is None or not user.active or user.session_epoch != int(epoch):
        g.session_ended = True  # the login page says so instead of a bare form
        return None
    return user


@login_manager.unauthorized_handler
def unauthorized():
    """Not logged in (or the session was ended): a page to log in from, never an error page."""
    if request.method in ("GET", "HEAD"):
        if not g.get("session_ended"):
            flash(login_manager.login_message, login_manager.login_message_category)
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    message = "Phiên đăng nhập đã kết thúc hoặc bạn chưa đăng nhập; hãy đăng nhập lại rồi thử lại."
    page = render_template("auth/message.html", title="Cần đăng nhập lại", message=message, login_link=True)
    return page, 401


def _use_our_catalogues() -> None:
    """Read Flask-Admin's and WTForms' words from our catalogues (showcase/admin/translations).

    Flask-Admin's domain merges `Admin(translations_path=...)` *before* its own machine-made
    Vietnamese, so the later one wins ("Kỷ lục được tạo thành công"): the domain is pointed at
    our directory alone. (Form messages come from `translations.FormMessages`, the Meta of the
    panel's forms.) tests/test_admin_language.py fails if this stops working.
    """
    from flask_admin import babel as admin_babel

    from showcase.admin import translations

    domain = admin_babel.domain
    if domain._translation_directories != [str(translations.DIRECTORY)]:
        domain._translation_directories = [str(translations.DIRECTORY)]
        domain.cache.clear()  # keyed by locale only: drop anything loaded from the old place


def _nonce() -> str:
    from flask import g

    return g.csp_nonce
