"""One JSON line per request with its id; nothing secret in it."""

from __future__ import annotations

import json
import logging
import re

import pytest

from showcase import requestlog
from tests.conftest import PASSWORD


@pytest.fixture
def lines(caplog):
    """The request lines logged during the test, as the JSON the log would hold."""
    caplog.set_level(logging.INFO, logger="showcase.requests")
    formatter = requestlog.JsonFormatter()

    def read() -> list[dict]:
        return [json.loads(formatter.format(r)) for r in caplog.records if r.name == "showcase.requests"]

    return read


def test_a_request_is_one_line_with_its_id_route_status_and_time(client, make_story, lines):
    story = make_story()
    response = client.get(f"/bai-viet/{story.slug}?utm_source=zalo")
    (line,) = lines()
    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["X-Request-ID"])
    assert line["request_id"] == response.headers["X-Request-ID"]
    assert line["route"] == "/bai-viet/<slug>"
    assert line["path"] == f"/bai-viet/{story.slug}"  # the query string is never logged
    assert line["method"] == "GET" and line["status"] == 200
    assert isinstance(line["ms"], float) and line["ms"] >= 0
    assert line["user_id"] is None
    assert line["level"] == "info" and line["time"].endswith("+00:00")


def test_the_proxys_request_id_is_kept_and_a_bad_one_replaced(client, lines):
    kept = client.get("/", headers={"X-Request-ID": "nginx-4f2a9c1e-77"})
    assert kept.headers["X-Request-ID"] == "nginx-4f2a9c1e-77"
    for bad in ["short", "có dấu-12345678", "x" * 129, 'a"b\\c-12345678']:
        response = client.get("/", headers={"X-Request-ID": bad})
        assert response.headers["X-Request-ID"] != bad
        assert re.fullmatch(r"[0-9a-f]{32}", response.headers["X-Request-ID"])
    assert [line["request_id"] for line in lines()][0] == "nginx-4f2a9c1e-77"


def test_unknown_pages_and_errors_are_logged_with_their_status(client, lines):
    assert client.get("/khong-co-trang-nay").status_code == 404
    assert client.get("/bai-viet?trang=abc").status_code == 400
    assert [(line["route"], line["status"]) for line in lines()] == [(None, 404), ("/bai-viet", 400)]


def test_secrets_never_reach_the_log(client, people, login, lines, caplog):
    token = "Zm9vYmFyLXNlY3JldC10b2tlbi0xMjM0NTY3ODkw"
    client.get(f"/xem-truoc/{token}")
    login(client, people["editor"].email, PASSWORD + "-sai")
    login(client, people["editor"].email)
    logged = caplog.text + "".join(json.dumps(line, ensure_ascii=False) for line in lines())
    assert token not in logged and PASSWORD not in logged
    preview = lines()[0]
    assert preview["route"] == "/xem-truoc/<token>" and preview["path"] == "/xem-truoc/…"


def test_a_logged_in_request_names_its_user(client, people, login, lines):
    login(client, people["editor"].email)
    client.get("/admin/")
    line = lines()[-1]
    assert line["route"].startswith("/admin") and line["status"] == 200
    assert line["user_id"] == people["editor"].id


def test_records_made_during_a_request_carry_its_id(app, capsys):
    with app.test_request_context("/", headers={"X-Request-ID": "abcdefgh-1234"}):
        requestlog.start()
        app.logger.warning("thử một dòng")
    line = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert line["message"] == "thử một dòng" and line["logger"] == "showcase"
    assert line["request_id"] == "abcdefgh-1234" and line["level"] == "warning"
