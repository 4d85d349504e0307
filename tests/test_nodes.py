"""Two nodes, really: two gunicorn servers on one PostgreSQL database and one Redis.

What one node publishes, the other shows at once — pages (cached in the shared Redis), search
(SEARCH_BACKEND=postgresql), feeds and sitemap — and a rate limit counts the attempts made on both.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import subprocess
import sys
import urllib.parse
import urllib.request
import uuid
from contextlib import ExitStack

import pytest
import redis
from sqlalchemy import create_engine, text

from showcase import config
from tests.conftest import REDIS_URL
from tests.node_world import EDITOR, PASSWORD
from tests.servers import gunicorn

PG_URL = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def need(service: str, check) -> None:
    try:
        check()
    except Exception as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{service} is not reachable: {exc}")
        pytest.skip(f"{service} is not reachable")


@pytest.fixture(scope="module")
def schema():
    """A PostgreSQL schema of the test's own, dropped at the end."""
    admin = create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1))
    need("PostgreSQL", lambda: admin.connect().close())
    need("Redis", lambda: redis.Redis.from_url(REDIS_URL).ping())
    name = f"nodes_{uuid.uuid4().hex[:10]}"
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{name}"'))
        conn.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public"))
    sep = "&" if "?" in PG_URL else "?"
    yield f"{PG_URL}{sep}options=-csearch_path%3D{name}%2Cpublic"  # pg_trgm lives in public
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
    admin.dispose()


@pytest.fixture(scope="module")
def nodes(schema, tmp_path_factory):
    """Node A and node B (their own media and index folders), and the story waiting for review."""
    prefix = f"nodes-{uuid.uuid4().hex[:8]}"
    shared = {
        "DATABASE_URL": schema,
        "REDIS_URL": REDIS_URL,
        "PAGE_CACHE": "redis",
        "SEARCH_BACKEND": "postgresql",  # in the same database and transaction: no index per node
        "RATELIMIT_KEY_PREFIX": prefix,
        "LOGIN_ADDRESS_LIMITS": "3 per minute",
        "WEB_CONCURRENCY": "1",
    }
    with ExitStack() as stack:
        a = stack.enter_context(gunicorn(tmp_path_factory.mktemp("node-a"), **shared))
        b = stack.enter_context(gunicorn(tmp_path_factory.mktemp("node-b"), **shared))
        made = subprocess.run(
            [sys.executable, "-m", "tests.node_world"],
            env=a.env,
            cwd=config.PROJECT_ROOT,
            check=True,
            capture_output=True,
            text=True,
        )
        story_id, slug = made.stdout.split()[-2:]
        yield a, b, int(story_id), slug
        client = redis.Redis.from_url(REDIS_URL)
        for key in client.scan_iter(f"{prefix}*"):
            client.delete(key)


class Browser:
    """A person with cookies, on one node."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect()
        )

    def open(self, path: str, form: dict | None = None) -> tuple[int, str]:
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        try:
            with self.opener.open(self.base + path, data=data, timeout=20) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def token(self, path: str = "/dang-nhap") -> str:
        match = TOKEN.search(self.open(path)[1])
        assert match, path
        return match.group(1) or match.group(2)

    def log_in(self, password: str = PASSWORD) -> int:
        return self.open("/dang-nhap", {"email": EDITOR, "password": password, "csrf_token": self.token()})[0]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_what_one_node_publishes_the_other_shows_at_once(nodes):
    a, b, story_id, slug = nodes
    reader = Browser(b.base)
    assert reader.open(f"/bai-viet/{slug}")[0] == 404  # waiting for review: not public
    assert f"/bai-viet/{slug}" not in reader.open("/tim-kiem?q=thay+thuoc+lang+bien")[1]
    assert "Người thầy thuốc làng biển" not in reader.open("/bai-viet")[1]  # now in B's (shared) cache
    editor = Browser(a.base)
    assert editor.log_in() == 302
    token = editor.token(f"/admin/stories/edit/?id={story_id}")
    status, _ = editor.open(f"/admin/stories/workflow/{story_id}/publish", {"csrf_token": token})
    assert status == 302
    status, page = reader.open(f"/bai-viet/{slug}")
    assert status == 200 and "Ba mươi năm khám bệnh miễn phí" in page
    assert "Người thầy thuốc làng biển" in reader.open("/bai-viet")[1]
    assert "Người thầy thuốc làng biển" in reader.open("/dien-hinh/bac-si-lan-toa")[1]
    assert f"/bai-viet/{slug}" in reader.open("/feed.xml")[1]
    assert f"/bai-viet/{slug}" in reader.open("/sitemap.xml")[1]
    assert f"/bai-viet/{slug}" in reader.open("/tim-kiem?q=thay+thuoc+lang+bien")[1]  # no catch-up ran
    assert f"/bai-viet/{slug}" in reader.open("/api/v1/search?q=thay+thuoc+lang+bien")[1]


def test_a_rate_limit_counts_the_attempts_on_every_node(nodes):
    a, b, _story_id, _slug = nodes
    first, second = Browser(a.base), Browser(b.base)
    statuses = [first.log_in("sai-1"), second.log_in("sai-2"), first.log_in("sai-3"), second.log_in("sai-4")]
    assert statuses[:3] == [401, 401, 401]  # the form again, with its message
    assert statuses[3] == 429  # the fourth failure from this address, on the other node
