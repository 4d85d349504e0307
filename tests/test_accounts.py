"""Accounts: login, sessions the server can end, passwords (rule, change, CLI, reset links) and
login limits (in memory, in a real Redis, and with Redis unreachable)."""

from __future__ import annotations

import logging
import re
import time
import uuid

import pytest
from flask_login.utils import encode_cookie
from itsdangerous import TimestampSigner

from showcase.admin.login_limits import LoginLimits
from showcase.extensions import db
from showcase.models import AuditLog, User
from showcase.services import accounts
from showcase.services.errors import ServiceError
from tests.conftest import PASSWORD

NEW_PASSWORD = "cau-rao-ben-binh-2027"


def actions() -> list[str]:
    db.session.expire_all()
    return [a.action for a in db.session.scalars(db.select(AuditLog).order_by(AuditLog.id))]


def fresh(user: User) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


@pytest.fixture
def copy_of(app):
    """A second client carrying the same session cookie as `client` (a stolen or copied cookie)."""

    def copy(client):
        other = app.test_client()
        other.set_cookie("session", client.get_cookie("session").value, domain="localhost")
        return other

    return copy


@pytest.fixture
def use_limits(app):
    """Give the app login limits of the test's own (LoginLimits arguments); restore them after."""
    saved = app.extensions["login_limits"]
    made = []

    def use(**options) -> LoginLimits:
        options.setdefault("account_limits", "1000 per minute")
        options.setdefault("address_limits", "1000 per minute")
        options.setdefault("slowdown", "1000 per minute")
        limits = LoginLimits(**options)
        made.append(limits)
        app.extensions["login_limits"] = limits
        return limits

    yield use
    app.extensions["login_limits"] = saved
    for limits in made:
        limits.reset()


def from_address(client, address: str):
    client.environ_base["REMOTE_ADDR"] = address
    return client


# --- login ---------------------------------------------------------------------------------


def test_login_success_failure_and_audit(app, people, login):
    client = app.test_client()
    bad = login(client, "a@haiphong.test", "sai-mat-khau-roi-nhe")
    assert bad.status_code == 401 and "Email hoặc mật khẩu không đúng" in bad.get_data(as_text=True)
    before = client.get_cookie("session")
    good = login(client, "a@haiphong.test")
    assert good.status_code == 302 and good.headers["Location"].endswith("/admin/")
    after = client.get_cookie("session")
    assert before is None or before.value != after.value  # a new session at login
    cookie = good.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    assert actions()[-2:] == ["login_failed", "login"]
    assert client.get("/admin/").status_code == 200


def test_login_sets_no_remember_cookie(app, people, login):
    response = login(app.test_client(), "a@haiphong.test")
    cookies = response.headers.getlist("Set-Cookie")
    assert len(cookies) == 1 and cookies[0].startswith("session=")


def test_deactivated_account_cannot_log_in(app, people, login):
    accounts.deactivate(people["b"])
    db.session.commit()
    assert login(app.test_client(), "b@haiphong.test").status_code == 401


def test_rehash_on_login_when_parameters_change(app, people, login):
    old_hash = people["a"].password_hash
    app.extensions.pop("password_hasher")
    app.config["ARGON2"] = {"time_cost": 2, "memory_cost": 1024, "parallelism": 1}
    try:
        assert login(app.test_client(), "a@haiphong.test").status_code == 302
        assert fresh(people["a"]).password_hash != old_hash
        assert "t=2" in fresh(people["a"]).password_hash
    finally:
        app.extensions.pop("password_hasher")
        app.config["ARGON2"] = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/",
        "http://evil.example/",
        "https:evil.example",
        "/\\evil.example",
        "javascript:alert(1)",
    ],
)
def test_login_next_never_leaves_the_site(app, people, target, login):
    response = login(app.test_client(), "a@haiphong.test", next=target)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/admin/")


def test_login_next_keeps_a_local_path(app, people, login):
    response = login(app.test_client(), "a@haiphong.test", next="/admin/stories/")
    assert response.headers["Location"].endswith("/admin/stories/")


# --- sessions the server can end --------------------------------------------------------------


def test_logout_needs_post_with_token(as_role, csrf):
    client = as_role("a")
    assert client.get("/dang-xuat").status_code == 405
    assert client.post("/dang-xuat").status_code == 400  # no CSRF token
    assert client.get("/admin/").status_code == 200
    client.post("/dang-xuat", data={"csrf_token": csrf(client, "/admin/")})
    assert client.get("/admin/").status_code == 302


def test_logout_ends_a_copied_cookie(as_role, people, csrf, copy_of):
    client = as_role("editor")
    stolen = copy_of(client)
    assert stolen.get("/admin/").status_code == 200
    client.post("/dang-xuat", data={"csrf_token": csrf(client, "/admin/")})
    refused = stolen.get("/admin/")
    assert refused.status_code == 302 and "/dang-nhap" in refused.headers["Location"]
    page = stolen.get(refused.headers["Location"])
    assert page.status_code == 200
    assert "Phiên đăng nhập trước của bạn đã kết thúc" in page.get_data(as_text=True)
    # said once: the stale login is dropped from that cookie's session
    assert "đã kết thúc" not in stolen.get("/dang-nhap").get_data(as_text=True)
    assert stolen.get("/admin/stories/").status_code == 302
    assert fresh(people["editor"]).session_epoch == 1
    assert actions()[-1] == "logout"


def test_logout_ends_the_sessions_on_other_devices(as_role, csrf):
    phone, desk = as_role("a"), as_role("a")
    phone.post("/dang-xuat", data={"csrf_token": csrf(phone, "/admin/")})
    assert desk.get("/admin/").status_code == 302


def test_a_stale_cookie_never_gets_an_error(as_role, csrf, copy_of, login):
    client = as_role("a")
    stolen = copy_of(client)
    token = csrf(stolen, "/tai-khoan/doi-mat-khau")
    client.post("/dang-xuat", data={"csrf_token": csrf(client, "/admin/")})
    post = stolen.post(
        "/tai-khoan/doi-mat-khau",
        data={
            "csrf_token": token,
            "current_password": PASSWORD,
            "new_password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
        },
    )
    assert post.status_code == 401 and "hãy đăng nhập lại" in post.get_data(as_text=True)
    assert stolen.get("/tai-khoan/doi-mat-khau").status_code == 302
    assert stolen.post("/dang-xuat", data={"csrf_token": token}).status_code == 302
    assert login(stolen, "a@haiphong.test").status_code == 302  # logging in again just works
    assert stolen.get("/admin/").status_code == 200


def test_deactivation_ends_sessions_for_good(as_role, people, copy_of):
    client = as_role("b")
    accounts.deactivate(fresh(people["b"]), by=people["admin"])
    db.session.commit()
    assert client.get("/admin/").status_code == 302
    accounts.activate(fresh(people["b"]), by=people["admin"])
    db.session.commit()
    assert client.get("/admin/").status_code == 302  # a reactivated account revives no old session
    assert actions()[-2:] == ["user_deactivate", "user_activate"]


def test_a_remember_cookie_cannot_outlive_the_session(app, people):
    client = app.test_client()
    with app.test_request_context():
        value = encode_cookie(people["a"].get_id())
    accounts.end_sessions(people["a"])
    db.session.commit()
    client.set_cookie("remember_token", value, domain="localhost")
    assert client.get("/admin/").status_code == 302


def test_end_sessions_adds_one_each_time_and_keeps_the_row_version(people):
    user = people["a"]
    version = user.version
    accounts.end_sessions(user)
    accounts.end_sessions(user)
    db.session.commit()
    assert fresh(user).session_epoch == 2 and fresh(user).version == version
    assert fresh(user).get_id() == f"{user.id}:2"


# --- the password rule --------------------------------------------------------------------------


def test_password_rule():
    for weak in ("ngan-qua", "password123456", "aaaaaaaaaaaaaaa", "matkhau123456"):
        with pytest.raises(ServiceError):
            accounts.check_password(weak)
    with pytest.raises(ServiceError):
        accounts.check_password("nguyenvana-2026-hp", email="nguyenvana@haiphong.test")
    with pytest.raises(ServiceError):
        accounts.check_password("tranthihoa-1990-hp", name="Tran Thi Hoa")
    accounts.check_password(PASSWORD)
    accounts.check_password(NEW_PASSWORD)


def test_common_passwords_come_from_a_real_list():
    common = accounts.common_passwords()
    assert len(common) >= 30_000
    # in zxcvbn's list of leaked passwords (or that plus digits), and 12 characters or more
    for weak in (
        "qwertyuiop123",
        "leavemealone",
        "finalfantasy",
        "whosyourdaddy",
        "counterstrike",
        "1qaz2wsx3edc",
        "iloveyou12345",
        "superman2024!!",
        "Sunshine123456",
        "haiphong2026!!",  # a word of this site
        "123456789012",  # a common one and two more characters
        "2024iloveyou",
    ):
        with pytest.raises(ServiceError, match="phổ biến"):
            accounts.check_password(weak)


# --- setting a password on the command line ------------------------------------------------------


def test_users_commands(runner, ctx):
    ok = runner.invoke(
        args=["users", "create", "bientap@haiphong.test", "--role", "editor", "--name", "Biên Tập"],
        input=PASSWORD + "\n",
    )
    assert ok.exit_code == 0 and "Đã tạo tài khoản bientap@haiphong.test" in ok.output
    weak = runner.invoke(
        args=["users", "create", "x@haiphong.test", "--role", "editor", "--name", "X"], input="123456789012\n"
    )
    assert (
        weak.exit_code == 1
        and weak.output.strip().startswith("Lỗi:")
        and len(weak.output.strip().splitlines()) == 1
    )
    again = runner.invoke(
        args=["users", "create", "bientap@haiphong.test", "--role", "editor", "--name", "B"],
        input=PASSWORD + "\n",
    )
    assert again.exit_code == 1 and "Đã có tài khoản" in again.output
    assert runner.invoke(args=["users", "set-role", "bientap@haiphong.test", "admin"]).exit_code == 0
    assert runner.invoke(args=["users", "deactivate", "bientap@haiphong.test"]).exit_code == 0
    listing = runner.invoke(args=["users", "list"]).output
    assert "bientap@haiphong.test\tadmin\tđã khóa" in listing
    assert runner.invoke(args=["users", "deactivate", "khong@co.ai"]).exit_code == 1
    assert actions() == ["user_create", "role_change", "user_deactivate"]


def test_no_account_exists_by_default(ctx):
    assert db.session.scalar(db.select(db.func.count(User.id))) == 0


def test_set_password_command(app, as_role, people, runner, login):
    client = as_role("a")
    db.session.expire_all()  # the login changed the row; a real command starts afresh
    result = runner.invoke(args=["users", "set-password", "A@haiphong.test"], input=NEW_PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert "Đã đặt mật khẩu mới cho a@haiphong.test" in result.output
    assert client.get("/admin/").status_code == 302  # every session ended
    assert login(app.test_client(), "a@haiphong.test").status_code == 401
    assert login(app.test_client(), "a@haiphong.test", NEW_PASSWORD).status_code == 302
    assert "password_set" in actions()


@pytest.mark.parametrize(
    ("email", "typed", "says"),
    [
        ("a@haiphong.test", "qwertyuiop123\n", "phổ biến"),
        ("a@haiphong.test", "ngan\n", "ít nhất 12 ký tự"),
        ("khong@co.ai", NEW_PASSWORD + "\n", "không có tài khoản"),
    ],
)
def test_set_password_command_refuses(people, runner, email, typed, says):
    before = people["a"].password_hash
    result = runner.invoke(args=["users", "set-password", email], input=typed)
    assert result.exit_code == 1 and says in result.output
    assert len(result.output.strip().splitlines()) == 1 and result.output.startswith("Lỗi:")
    assert fresh(people["a"]).password_hash == before and fresh(people["a"]).session_epoch == 0


# --- changing one's own password --------------------------------------------------------------------

CHANGE = "/tai-khoan/doi-mat-khau"


def change(client, csrf, current=PASSWORD, new=NEW_PASSWORD, confirm=None):
    data = {
        "csrf_token": csrf(client, CHANGE),
        "current_password": current,
        "new_password": new,
        "confirm": new if confirm is None else confirm,
    }
    return client.post(CHANGE, data=data)


def test_change_password_keeps_this_session_and_ends_the_others(app, as_role, people, csrf, copy_of, login):
    client = as_role("editor")
    elsewhere = as_role("editor")
    stolen = copy_of(client)
    menu = client.get("/admin/").get_data(as_text=True)
    assert 'href="/tai-khoan/doi-mat-khau"' in menu and "Đổi mật khẩu" in menu
    page = client.get(CHANGE)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    done = change(client, csrf)
    assert done.status_code == 302 and done.headers["Location"].endswith("/admin/")
    after = client.get("/admin/")
    assert after.status_code == 200 and "Đã đổi mật khẩu" in after.get_data(as_text=True)  # still logged in
    assert elsewhere.get("/admin/").status_code == 302
    assert stolen.get("/admin/").status_code == 302  # the cookie from before the change is dead
    assert login(app.test_client(), "editor@haiphong.test").status_code == 401
    assert login(app.test_client(), "editor@haiphong.test", NEW_PASSWORD).status_code == 302
    assert "password_change" in actions()


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"current": "khong-phai-mat-khau"}, "current_password", "Mật khẩu hiện tại không đúng."),
        ({"current": ""}, "current_password", "Hãy nhập mật khẩu hiện tại."),
        ({"confirm": "cau-rao-ben-binh-2028"}, "confirm", "Hai lần nhập mật khẩu mới không khớp nhau."),
        ({"new": "qwertyuiop123"}, "new_password", "quá phổ biến"),
        ({"new": "ngan-qua"}, "new_password", "ít nhất 12 ký tự"),
        ({"new": "editor-haiphong-2027"}, "new_password", "tên hoặc địa chỉ email"),
        ({"new": PASSWORD}, "new_password", "khác mật khẩu hiện tại"),
    ],
)
def test_change_password_errors_are_named_beside_their_field(as_role, people, csrf, fields, field, message):
    client = as_role("editor")
    response = change(client, csrf, **fields)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    error = re.search(rf'<p class="field-error" id="{field}-error">([^<]*)</p>', html)
    assert error and message in error.group(1), html[html.find("<form") :][:1500]
    assert f'aria-describedby="{field}-error"' in html
    assert fresh(people["editor"]).password_hash == people["editor"].password_hash
    assert client.get("/admin/").status_code == 200


def test_change_password_needs_login_and_token(app, as_role, people):
    anonymous = app.test_client().get(CHANGE)
    assert anonymous.status_code == 302 and "/dang-nhap" in anonymous.headers["Location"]
    client = as_role("a")
    data = {"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    assert client.post(CHANGE, data=data).status_code == 400
    assert fresh(people["a"]).password_hash == people["a"].password_hash


def test_guessing_the_current_password_is_limited(as_role, csrf, use_limits):
    use_limits(account_limits="2 per minute")
    client = as_role("a")
    codes = [change(client, csrf, current="doan-mo-mat-khau-cu").status_code for _ in range(3)]
    assert codes == [400, 400, 429]
    assert actions().count("password_change_failed") == 2


# --- one-time reset links ------------------------------------------------------------------------


def reset(client, path, csrf, new=NEW_PASSWORD, confirm=None):
    data = {
        "csrf_token": csrf(client, path),
        "new_password": new,
        "confirm": new if confirm is None else confirm,
    }
    return client.post(path, data=data)


def test_reset_link_works_once(app, as_role, people, csrf, login):
    logged_in = as_role("a")
    token = accounts.reset_token(people["a"], by=people["admin"])
    db.session.commit()
    path = f"/dat-lai-mat-khau/{token}"
    client = app.test_client()
    page = client.get(path)
    assert page.status_code == 200 and "a@haiphong.test" in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store" and page.headers["Referrer-Policy"] == "no-referrer"
    mismatch = reset(client, path, csrf, confirm="khac-hoan-toan-2027")
    assert mismatch.status_code == 400 and "không khớp" in mismatch.get_data(as_text=True)
    weak = reset(client, path, csrf, new="iloveyou12345")
    assert weak.status_code == 400 and 'id="new_password-error"' in weak.get_data(as_text=True)
    done = reset(client, path, csrf)
    assert done.status_code == 302 and done.headers["Location"].endswith("/dang-nhap")
    assert "Đã đặt mật khẩu mới" in client.get("/dang-nhap").get_data(as_text=True)
    assert logged_in.get("/admin/").status_code == 302  # every session ended
    assert login(app.test_client(), "a@haiphong.test", NEW_PASSWORD).status_code == 302
    used = app.test_client().get(path)
    assert used.status_code == 410 and "đã được dùng" in used.get_data(as_text=True)
    again = reset(app.test_client(), path, lambda c, p: csrf(c, "/dang-nhap"))
    assert again.status_code == 410
    assert actions().count("password_reset") == 1 and "password_reset_link" in actions()


def test_reset_link_dies_when_the_password_changes(app, people, runner):
    token = accounts.reset_token(people["a"])
    db.session.commit()
    runner.invoke(args=["users", "set-password", "a@haiphong.test"], input=NEW_PASSWORD + "\n")
    assert app.test_client().get(f"/dat-lai-mat-khau/{token}").status_code == 410


def test_reset_link_dies_when_the_account_is_locked(app, people):
    token = accounts.reset_token(people["b"])
    accounts.deactivate(people["b"])
    db.session.commit()
    assert app.test_client().get(f"/dat-lai-mat-khau/{token}").status_code == 410
    with pytest.raises(ServiceError, match="đang bị khóa"):
        accounts.reset_token(fresh(people["b"]))


def test_an_expired_reset_link(app, people, monkeypatch):
    day_and_more = int(time.time()) - 25 * 3600
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: day_and_more)
    token = accounts.reset_token(people["a"])
    db.session.commit()
    monkeypatch.undo()
    response = app.test_client().get(f"/dat-lai-mat-khau/{token}")
    assert response.status_code == 410 and "đã hết hạn" in response.get_data(as_text=True)


@pytest.mark.parametrize("token", ["abc", "eyJ1IjoxfQ.Zz.tampered", "x" * 600, "%00"])
def test_a_bad_reset_link(app, people, token):
    response = app.test_client().get(f"/dat-lai-mat-khau/{token}")
    assert response.status_code in (400, 404)
    if response.status_code == 400:
        assert "không đúng" in response.get_data(as_text=True) or "không hợp lệ" in response.get_data(
            as_text=True
        )


def test_a_token_signed_for_another_purpose_is_refused(app, people):
    from itsdangerous import URLSafeTimedSerializer

    other = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="preview").dumps({"u": people["a"].id})
    assert app.test_client().get(f"/dat-lai-mat-khau/{other}").status_code == 400


def test_reset_link_command_prints_a_working_link(app, people, runner, csrf):
    app.config["SITE_URL"] = "https://guongsang.example"
    try:
        result = runner.invoke(args=["users", "reset-link", "b@haiphong.test"])
    finally:
        app.config["SITE_URL"] = "http://127.0.0.1:5000"
    assert result.exit_code == 0, result.output
    assert "hết hạn sau 24 giờ" in result.output
    url = result.output.strip().splitlines()[-1]
    assert url.startswith("https://guongsang.example/dat-lai-mat-khau/")
    path = url.removeprefix("https://guongsang.example")
    assert reset(app.test_client(), path, csrf).status_code == 302
    assert runner.invoke(args=["users", "reset-link", "khong@co.ai"]).exit_code == 1


def test_admin_gets_a_reset_link_from_the_panel(app, as_role, people, csrf, login):
    admin = as_role("admin")
    url = f"/tai-khoan/{people['a'].id}/lien-ket-dat-lai"
    assert admin.get(url).status_code == 405
    assert admin.post(url).status_code == 400  # no CSRF token
    shown = admin.post(url, data={"csrf_token": csrf(admin, "/admin/")})
    html = shown.get_data(as_text=True)
    assert shown.status_code == 200 and shown.headers["Cache-Control"] == "no-store"
    link = re.search(r'value="(http://127\.0\.0\.1:5000/dat-lai-mat-khau/[^"]+)"', html).group(1)
    assert reset(app.test_client(), link.removeprefix("http://127.0.0.1:5000"), csrf).status_code == 302
    assert login(app.test_client(), "a@haiphong.test", NEW_PASSWORD).status_code == 302
    missing = admin.post("/tai-khoan/999999/lien-ket-dat-lai", data={"csrf_token": csrf(admin, "/admin/")})
    assert missing.status_code == 404
    log = db.session.scalars(db.select(AuditLog).filter_by(action="password_reset_link")).one()
    assert log.user_id == people["admin"].id and log.object_id == people["a"].id


@pytest.mark.parametrize("role", ["editor", "a"])
def test_only_admins_make_reset_links(as_role, people, csrf, role):
    client = as_role(role)
    url = f"/tai-khoan/{people['b'].id}/lien-ket-dat-lai"
    assert client.post(url, data={"csrf_token": csrf(client, "/admin/")}).status_code == 403
    assert "password_reset_link" not in actions()


def test_reset_link_for_a_locked_account_is_refused_with_a_page(as_role, people, csrf):
    accounts.deactivate(people["b"])
    db.session.commit()
    admin = as_role("admin")
    response = admin.post(
        f"/tai-khoan/{people['b'].id}/lien-ket-dat-lai", data={"csrf_token": csrf(admin, "/admin/")}
    )
    assert response.status_code == 409 and "đang bị khóa" in response.get_data(as_text=True)


# --- login limits ---------------------------------------------------------------------------------


def test_only_failures_count(app, people, login, use_limits):
    use_limits(account_limits="3 per minute")
    client = app.test_client()
    for _ in range(5):  # successes never count
        assert login(client, "a@haiphong.test").status_code == 302
    codes = [login(client, "a@haiphong.test", "sai-mat-khau-roi-nhe").status_code for _ in range(4)]
    assert codes == [401, 401, 401, 429]
    refused = login(client, "a@haiphong.test")
    assert refused.status_code == 429 and "Bạn đã thử quá nhiều lần" in refused.get_data(as_text=True)
    assert 0 < int(refused.headers["Retry-After"]) <= 61


def test_a_guesser_cannot_lock_the_owner_out(app, people, login, use_limits):
    use_limits(account_limits="3 per minute")
    guesser = from_address(app.test_client(), "203.0.113.9")
    codes = [login(guesser, "a@haiphong.test", "doan-mo-lan-nua").status_code for _ in range(5)]
    assert codes == [401, 401, 401, 429, 429]
    owner = from_address(app.test_client(), "198.51.100.7")
    assert login(owner, "a@haiphong.test").status_code == 302
    assert login(guesser, "b@haiphong.test").status_code == 302  # other accounts from there still work


def test_one_address_guessing_many_accounts_is_limited(app, people, login, use_limits):
    use_limits(address_limits="3 per minute")
    client = from_address(app.test_client(), "203.0.113.10")
    emails = ["a@haiphong.test", "b@haiphong.test", "editor@haiphong.test", "admin@haiphong.test"]
    assert [login(client, email, "mat-khau-doan-bua").status_code for email in emails] == [401, 401, 401, 429]


def test_an_account_guessed_at_from_everywhere_slows_down_but_never_locks(app, people, login, use_limits):
    waits = []
    use_limits(slowdown="3 per minute", max_delay=2.0, sleep=waits.append)
    for n in range(7):
        client = from_address(app.test_client(), f"203.0.113.{n + 20}")
        assert login(client, "a@haiphong.test", "doan-tu-nhieu-noi").status_code == 401
    assert waits == [0.25, 0.5, 1.0, 2.0]  # after 3 failures: growing, capped at 2 s
    owner = from_address(app.test_client(), "198.51.100.7")
    assert login(owner, "a@haiphong.test").status_code == 302
    assert waits[-1] == 2.0 and len(waits) == 5
    assert login(from_address(app.test_client(), "198.51.100.8"), "b@haiphong.test").status_code == 302
    assert len(waits) == 5  # another account is not slowed


def test_login_limits_in_a_real_redis(app, people, login, use_limits, redis_url):
    import redis

    prefix = f"test-{uuid.uuid4().hex}"
    use_limits(storage_uri=redis_url, prefix=prefix, account_limits="3 per minute")
    client = app.test_client()
    assert login(client, "a@haiphong.test").status_code == 302
    codes = [login(client, "a@haiphong.test", "sai-mat-khau-roi-nhe").status_code for _ in range(3)]
    assert codes == [401, 401, 401]
    keys = redis.Redis.from_url(redis_url).keys(f"{prefix}:*")
    assert keys and not any(b"haiphong.test" in key for key in keys)  # no email address kept in Redis
    # another worker (another LoginLimits on the same Redis) sees the same counts
    use_limits(storage_uri=redis_url, prefix=prefix, account_limits="3 per minute")
    assert login(app.test_client(), "a@haiphong.test").status_code == 429
    assert not app.extensions["login_limits"].using_fallback


def test_login_works_with_redis_unreachable(app, people, login, use_limits, caplog):
    caplog.set_level(logging.WARNING, logger="showcase.admin.login_limits")
    limits = use_limits(storage_uri="redis://127.0.0.1:1", account_limits="3 per minute")
    client = app.test_client()
    assert login(client, "a@haiphong.test").status_code == 302
    assert limits.using_fallback
    warnings = [r for r in caplog.records if "unreachable" in r.getMessage()]
    assert len(warnings) == 1 and "127.0.0.1:1" in warnings[0].getMessage()
    codes = [login(client, "a@haiphong.test", "sai-mat-khau-roi-nhe").status_code for _ in range(4)]
    assert codes == [401, 401, 401, 429]  # still limited, in memory
    assert len([r for r in caplog.records if "unreachable" in r.getMessage()]) == 1  # said once


def test_settings_turn_on_the_fallbacks(tmp_path, monkeypatch):
    from showcase import config

    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:1")
    settings = config.load(tmp_path, {"SECRET_KEY": "x"})
    assert settings["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:1"
    assert settings["RATELIMIT_IN_MEMORY_FALLBACK_ENABLED"] and settings["RATELIMIT_SWALLOW_ERRORS"]
    limits = LoginLimits.from_config(settings)
    assert limits.refused(limits.account_key("a@haiphong.test"), "192.0.2.1") is None
    assert limits.using_fallback
    monkeypatch.setenv("LOGIN_LIMITS", "mười lần một phút")
    with pytest.raises(SystemExit, match="LOGIN_LIMITS"):
        LoginLimits.from_config(config.load(tmp_path, {"SECRET_KEY": "x"}))


# --- accounts changed from two places at once ------------------------------------------------------


def test_logging_in_is_no_conflict_for_an_open_edit(app, people, login):
    """An admin's edit made from before the user logged in is still saved (login is bookkeeping)."""
    loaded = people["a"]  # as an admin's form has it
    assert login(app.test_client(), "a@haiphong.test").status_code == 302
    accounts.set_role(loaded, "editor", by=people["admin"])
    db.session.commit()
    assert fresh(people["a"]).role.value == "editor" and fresh(people["a"]).last_login_at is not None


def test_a_reset_link_used_twice_at_once(app, people, csrf, monkeypatch):
    from sqlalchemy.orm.exc import StaleDataError

    token = accounts.reset_token(people["a"])
    db.session.commit()

    def lost_the_race(*_args, **_kwargs):
        raise StaleDataError("UPDATE statement on table 'user' expected to update 1 row(s); 0 were matched.")

    monkeypatch.setattr(accounts, "reset_password", lost_the_race)
    response = reset(app.test_client(), f"/dat-lai-mat-khau/{token}", csrf)
    assert response.status_code == 410 and "đã được dùng" in response.get_data(as_text=True)


def test_a_password_changed_in_two_tabs_at_once(as_role, csrf, monkeypatch):
    from sqlalchemy.orm.exc import StaleDataError

    def lost_the_race(*_args, **_kwargs):
        raise StaleDataError("0 were matched.")

    client = as_role("a")
    monkeypatch.setattr(accounts, "change_password", lost_the_race)
    response = change(client, csrf)
    assert response.status_code == 409 and "vừa được thay đổi ở nơi khác" in response.get_data(as_text=True)
    assert client.get("/admin/").status_code == 200
