"""A live server with the sample content and a real Chromium (Debian's /usr/bin/chromium).

Under CI=true a missing browser fails the run; elsewhere the browser tests are skipped.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def live_env(tmp_path_factory) -> dict:
    """The environment of the live server (and of commands run against its database)."""
    directory = tmp_path_factory.mktemp("live")
    return os.environ | {
        "FLASK_APP": "showcase",
        "DATABASE_URL": f"sqlite:///{directory / 'live.sqlite3'}",
        "MEDIA_ROOT": str(directory / "media"),
        "SEARCH_INDEX_DIR": str(directory / "search_index"),
        "SECRET_KEY": "e2e-only",
    }


@pytest.fixture(scope="session")
def live_server(live_env):
    """Serve the app with content/ imported, on a free port; yield its base URL."""
    env = live_env
    flask = [sys.executable, "-m", "flask"]
    for args in (["db", "upgrade"], ["content", "import", "content"], ["search", "rebuild"]):
        subprocess.run(flask + args, cwd=ROOT, env=env, check=True, capture_output=True)
    port = _free_port()
    server = subprocess.Popen(
        flask + ["run", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(url, timeout=1).close()
            break
        except OSError:
            time.sleep(0.1)
    else:
        server.kill()
        pytest.fail("máy chủ thử nghiệm không khởi động được")
    yield url
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture(scope="session")
def browser():
    """A headless Chromium driven by Playwright."""
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        message = f"không tìm thấy Chromium tại {CHROMIUM} (apt-get install -y chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def phone(browser):
    """A page the size of a 360 px wide phone."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN")
    page = context.new_page()
    yield page
    context.close()


PASSWORD = "song-cam-mua-thu-2026"


@pytest.fixture(scope="session")
def editor(live_server, live_env) -> str:
    """An editor account on the live server (created the only way there is: the command)."""
    return _create_account(live_env, "bientap@haiphong.test", "editor", "Biên tập viên Thử")


@pytest.fixture(scope="session")
def partner(live_server, live_env) -> str:
    """A press partner's account on the live server (Báo Hải Phòng), made by the same command."""
    return _create_account(
        live_env, "phongvien@baohaiphong.test", "partner", "Phóng viên Thử", "--org", "Báo Hải Phòng"
    )


def _create_account(live_env: dict, email: str, role: str, name: str, *extra: str) -> str:
    subprocess.run(
        [sys.executable, "-m", "flask", "users", "create", email, "--role", role, "--name", name, *extra],
        cwd=ROOT,
        env=live_env,
        input=PASSWORD + "\n",
        text=True,
        check=True,
        capture_output=True,
    )
    return email


@pytest.fixture
def log_in():
    """Log a Playwright page in: log_in(page, base_url, email)."""
    return _log_in


def _log_in(page, base: str, email: str) -> None:
    page.goto(base + "/dang-nhap")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("form.login-form button[type=submit]")
    page.wait_for_url("**/admin/")
