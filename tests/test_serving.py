"""The production shape: gunicorn with gunicorn.conf.py, as `make run` starts it, on a real port."""

from __future__ import annotations

import json
import os
import subprocess
import time

import pytest

from showcase import config
from tests.servers import BIN, fetch, gunicorn


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """gunicorn (2 workers, gunicorn.conf.py) over a new SQLite database made by `flask db upgrade`."""
    with gunicorn(tmp_path_factory.mktemp("served")) as app:
        yield app.base, app.log


def test_gunicorn_serves_the_site_with_its_workers(served):
    base, log = served
    status, _headers, body = fetch(base + "/")
    assert status == 200 and "Gương sáng Hải Phòng" in body.decode()
    status, _headers, body = fetch(base + "/readyz")
    assert status == 200, body
    assert json.loads(body)["status"] == "ok"
    text = log.read_text()
    assert text.count("Booting worker") == 2  # WEB_CONCURRENCY


def test_each_request_is_a_json_line_with_the_id_the_proxy_gave(served):
    base, log = served
    status, headers, _body = fetch(base + "/bai-viet", **{"X-Request-ID": "proxy-id-0001"})
    assert status == 200 and headers["X-Request-ID"] == "proxy-id-0001"
    deadline = time.monotonic() + 10
    while True:
        lines = [json.loads(x) for x in log.read_text().splitlines() if x.startswith("{")]
        mine = [x for x in lines if x.get("request_id") == "proxy-id-0001"]
        if mine or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert len(mine) == 1
    assert mine[0]["route"] == "/bai-viet" and mine[0]["status"] == 200 and mine[0]["user_id"] is None


def test_a_bad_setting_stops_with_one_line():
    # (gunicorn reads WEB_CONCURRENCY itself, before this file: a bad one is its own error)
    result = subprocess.run(
        [BIN / "gunicorn", "-c", "gunicorn.conf.py", "--check-config"],
        env=os.environ | {"WORKER_TIMEOUT": "nhiều"},
        cwd=config.PROJECT_ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "WORKER_TIMEOUT phải là số nguyên" in result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def test_a_bad_worker_count_stops_with_one_line_before_gunicorn_reads_it():
    # gunicorn itself parses WEB_CONCURRENCY on import and dies with a traceback; `make run`
    # and the systemd unit start it through showcase.serve, which checks it first
    result = subprocess.run(
        [BIN / "python", "-m", "showcase.serve", "-c", "gunicorn.conf.py", "--check-config"],
        env=os.environ | {"WEB_CONCURRENCY": "hai"},
        cwd=config.PROJECT_ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert result.stderr.strip() == "Lỗi: WEB_CONCURRENCY phải là số nguyên từ 1 đến 256 (đang là «hai»)."
    assert result.stdout == ""
