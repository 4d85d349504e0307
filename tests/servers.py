"""Real servers for tests: gunicorn as `make run` starts it, and Debian's nginx in front of it."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from showcase import config

BIN = Path(sys.executable).parent
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(url: str, data: bytes | None = None, context=None, **headers: str) -> tuple[int, dict, bytes]:
    """GET (or POST `data`) without following redirects: status, headers, body."""
    handlers: list = [NoRedirect()]
    if context is not None:
        handlers.append(urllib.request.HTTPSHandler(context=context))
    opener = urllib.request.build_opener(*handlers)
    request = urllib.request.Request(url, data=data, headers=headers)
    try:
        with opener.open(request, timeout=20) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def wait_for(url: str, process: subprocess.Popen, log: Path, seconds: float = 60, **kwargs) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            if fetch(url, **kwargs)[0] < 500:
                return
        except OSError:
            pass
        assert process.poll() is None, log.read_text()
        assert time.monotonic() < deadline, f"{url} did not answer in {seconds:g} s"
        time.sleep(0.2)


@dataclass
class Served:
    base: str
    log: Path
    env: dict
    home: Path


@contextmanager
def gunicorn(home: Path, **settings: str) -> Iterator[Served]:
    """gunicorn with gunicorn.conf.py over a new SQLite database made by `flask db upgrade`."""
    port = free_port()
    env = os.environ | {
        "DATABASE_URL": f"sqlite:///{home / 'site.sqlite3'}",
        "MEDIA_ROOT": str(home / "media"),
        "SEARCH_INDEX_DIR": str(home / "index"),
        "SECRET_KEY": "served-test",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "FLASK_APP": "showcase",
    }
    env.pop("REDIS_URL", None)
    env.update(settings)
    subprocess.run(
        [BIN / "flask", "db", "upgrade"], env=env, cwd=config.PROJECT_ROOT, check=True, capture_output=True
    )
    log_path = home / "gunicorn.log"
    with log_path.open("w+") as log:
        process = subprocess.Popen(
            [BIN / "python", "-m", "showcase.serve", "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}"],
            env=env,
            cwd=config.PROJECT_ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            wait_for(base + "/healthz", process, log_path)
            yield Served(base, log_path, env, home)
        finally:
            process.terminate()
            process.wait(timeout=30)


def require_nginx() -> None:
    """nginx is needed: skipped without it, except under CI=true, where that is a failure."""
    if not Path(NGINX).exists():
        if os.environ.get("CI") == "true":
            pytest.fail("nginx is not installed (apt-get install -y nginx)")
        pytest.skip("nginx is not installed")


@contextmanager
def nginx(home: Path, upstream: str, **values: str) -> Iterator[subprocess.Popen]:
    """Debian's nginx with deploy/nginx.conf rendered for this test (its own ports and folders)."""
    sys.path.insert(0, str(config.PROJECT_ROOT / "deploy"))
    try:
        import render_nginx
    finally:
        sys.path.pop(0)
    run_dir = home / "nginx"
    run_dir.mkdir(exist_ok=True)
    conf = run_dir / "nginx.conf"
    conf.write_text(
        render_nginx.render(
            render_nginx.defaults()
            | {"RUN_DIR": str(run_dir), "LOG_DIR": str(run_dir), "UPSTREAM": upstream}
            | values
        )
    )
    log = run_dir / "nginx.out"
    listen = values["HTTP_LISTEN"]
    with log.open("w") as out:
        process = subprocess.Popen(
            [NGINX, "-c", str(conf), "-p", str(run_dir), "-g", "daemon off;"], stdout=out, stderr=out
        )
        try:
            address = listen if ":" in listen else f"127.0.0.1:{listen}"
            wait_for(f"http://{address}/static/favicon.svg", process, log)  # nginx's own answer
            yield process
        finally:
            process.terminate()
            process.wait(timeout=30)
