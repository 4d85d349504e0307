"""Rate-limit counters in a SQLite file (showcase/limit_sqlite.py): the `limits` strategies on it
agree with its in-memory storage, every process on the machine shares one count, an unusable file
falls back to memory, and gunicorn's workers refuse exactly after the limit."""

from __future__ import annotations

import logging
import multiprocessing
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import uuid

import pytest
from limits import parse
from limits.errors import StorageError
from limits.storage import MemoryStorage, storage_from_string
from limits.strategies import FixedWindowRateLimiter, MovingWindowRateLimiter, SlidingWindowCounterRateLimiter

from showcase import config, create_app, limit_sqlite
from showcase.admin.login_limits import LoginLimits
from showcase.api.ratelimit import ApiLimits
from showcase.extensions import limiter
from showcase.limit_sqlite import SQLiteStorage
from tests.servers import fetch, gunicorn

STRATEGIES = [FixedWindowRateLimiter, MovingWindowRateLimiter, SlidingWindowCounterRateLimiter]


@pytest.fixture
def uri(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'limits.sqlite'}"


# --- the storage against limits' own strategies ---------------------------------------------------


def test_the_scheme_is_registered_and_the_file_is_wal(uri, tmp_path):
    storage = storage_from_string(uri)
    assert isinstance(storage, SQLiteStorage) and storage.check()
    with sqlite3.connect(tmp_path / "limits.sqlite") as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"counters", "entries"} <= tables


@pytest.mark.parametrize("strategy", STRATEGIES, ids=lambda s: s.__name__)
def test_strategies_answer_as_on_memory(uri, strategy):
    """The same hits, costs and questions on both storages get the same answers."""
    ours, memory = strategy(storage_from_string(uri)), strategy(MemoryStorage())
    item, other = parse("5 per minute"), parse("2 per hour")
    for limiter_ in (ours, memory):
        answers = []
        for cost in (1, 2, 1, 1, 1, 3):
            answers.append(limiter_.hit(item, "10.0.0.1", cost=cost))
            answers.append(limiter_.test(item, "10.0.0.1"))
            answers.append(limiter_.get_window_stats(item, "10.0.0.1").remaining)
        answers += [limiter_.hit(other, "10.0.0.1"), limiter_.hit(item, "10.0.0.2")]  # counted apart
        answers.append(limiter_.get_window_stats(other, "10.0.0.1").remaining)
        limiter_.answers = answers  # type: ignore[attr-defined]
    assert ours.answers == memory.answers  # type: ignore[attr-defined]
    assert ours.answers[:9] == [True, True, 4, True, True, 2, True, True, 1]  # type: ignore[attr-defined]
    assert ours.answers[-3:] == [True, True, 1]  # type: ignore[attr-defined]
    reset, remaining = ours.get_window_stats(item, "10.0.0.1")
    assert remaining == 0 and time.time() < reset <= time.time() + 61


@pytest.mark.parametrize("strategy", STRATEGIES, ids=lambda s: s.__name__)
def test_windows_expire(uri, strategy):
    limiter_ = strategy(storage_from_string(uri))
    item = parse("2 per 1 second")
    assert [limiter_.hit(item, "k") for _ in range(3)] == [True, True, False]
    time.sleep(2.05)  # the sliding window counter weighs the previous second too
    assert limiter_.test(item, "k") and limiter_.get_window_stats(item, "k").remaining == 2
    assert limiter_.hit(item, "k")


def test_fixed_window_counts_and_ends_like_memory(uri):
    ours, memory = storage_from_string(uri), MemoryStorage()
    for storage in (ours, memory):
        assert storage.incr("k", 1) == 1
        assert storage.incr("k", 1, amount=3) == 4
        assert storage.get("k") == 4 and storage.get("nothing") == 0
        assert time.time() < storage.get_expiry("k") <= time.time() + 1
        assert storage.decr("k", 10) == 0  # not below zero
    time.sleep(1.05)
    assert ours.get("k") == 0 and ours.incr("k", 60) == 1  # a new window
    assert ours.get_expiry("k") > time.time() + 58


def test_moving_window_holds_the_oldest_entry(uri):
    storage = storage_from_string(uri)
    limiter_ = MovingWindowRateLimiter(storage)
    item = parse("3 per 2 seconds")
    started = time.time()
    assert limiter_.hit(item, "a")
    time.sleep(0.3)
    assert limiter_.hit(item, "a", cost=2)
    assert not limiter_.hit(item, "a")
    assert not limiter_.hit(item, "a", cost=4)  # more than the limit: never
    oldest, taken = storage.get_moving_window(item.key_for("a"), 3, 2)
    assert taken == 3 and started <= oldest < started + 0.2
    reset, remaining = limiter_.get_window_stats(item, "a")
    assert remaining == 0 and reset == pytest.approx(oldest + 2)
    time.sleep(max(0.0, oldest + 2.05 - time.time()))  # the first entry leaves the window
    assert limiter_.get_window_stats(item, "a").remaining == 1
    assert limiter_.hit(item, "a") and not limiter_.hit(item, "a")


def test_clear_forgets_one_limit_and_reset_only_its_own_prefix(uri):
    login = storage_from_string(uri, key_prefix="showcase:login")
    api = storage_from_string(uri, key_prefix="showcase:api")
    login_limits, api_limits = MovingWindowRateLimiter(login), FixedWindowRateLimiter(api)
    item = parse("1 per minute")
    for limiter_ in (login_limits, api_limits):
        assert limiter_.hit(item, "a") and limiter_.hit(item, "b") and not limiter_.hit(item, "a")
    login_limits.clear(item, "a")
    assert login_limits.hit(item, "a") and not login_limits.hit(item, "b")  # b still counted
    assert login.reset() == 2  # its two entries, nothing of the API's
    assert login_limits.test(item, "b")
    assert not api_limits.hit(item, "b")  # the API's counts are still there
    assert api.reset() == 2
    assert api_limits.hit(item, "a")


def test_expired_rows_are_pruned_in_batches(uri, tmp_path, monkeypatch):
    monkeypatch.setattr(limit_sqlite, "PRUNE_BATCH", 8)
    storage = storage_from_string(uri)
    fixed, moving = FixedWindowRateLimiter(storage), MovingWindowRateLimiter(storage)
    short = parse("5 per 1 second")
    for n in range(20):
        fixed.hit(short, str(n))
        moving.hit(short, str(n))
    time.sleep(1.05)

    def rows() -> tuple[int, int]:
        with sqlite3.connect(tmp_path / "limits.sqlite") as conn:
            return (
                conn.execute("SELECT count(*) FROM counters").fetchone()[0],
                conn.execute("SELECT count(*) FROM entries").fetchone()[0],
            )

    assert rows() == (20, 20)
    keep = parse("5 per minute")
    fixed.hit(keep, "kept")  # no sweep: the last one was less than a minute ago
    assert rows() == (21, 20)
    monkeypatch.setattr(storage, "_next_prune", 0.0)  # a minute later
    fixed.hit(keep, "kept")
    assert rows() == (13, 12)  # a full batch each: the next write sweeps again
    fixed.hit(keep, "kept")
    fixed.hit(keep, "kept")
    assert rows() == (1, 0)
    assert storage._next_prune > time.time() + 50  # done: a minute to the next sweep


def test_a_storage_used_before_a_fork_counts_with_its_child(uri):
    storage = storage_from_string(uri)
    limiter_ = FixedWindowRateLimiter(storage)
    item = parse("3 per minute")
    assert limiter_.hit(item, "a")  # the parent's connection is open now
    context = multiprocessing.get_context("fork")
    child = context.Process(target=limiter_.hit, args=(item, "a"))
    child.start()
    child.join(30)
    assert child.exitcode == 0
    assert storage.get(item.key_for("a")) == 2
    assert limiter_.hit(item, "a") and not limiter_.hit(item, "a")


# --- several processes, one count -----------------------------------------------------------------

CHILD = """
import sys, time
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter, MovingWindowRateLimiter
import showcase.limit_sqlite  # registers sqlite://
uri, start = sys.argv[1], float(sys.argv[2])
storage = storage_from_string(uri)
fixed, moving = FixedWindowRateLimiter(storage), MovingWindowRateLimiter(storage)
item = parse("70 per minute")
time.sleep(max(0.0, start - time.time()))  # every process starts together
allowed = [0, 0]
for _ in range(50):
    allowed[0] += fixed.hit(item, "10.0.0.9")
    allowed[1] += moving.hit(item, "10.0.0.9")
print(allowed[0], allowed[1])
"""


def test_processes_hitting_one_file_share_one_count(uri):
    start = time.time() + 1.5
    children = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD, uri, str(start)],
            cwd=config.PROJECT_ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    outputs = [child.communicate(timeout=60) for child in children]
    assert all(child.returncode == 0 for child in children), [err for _, err in outputs]
    counts = [tuple(map(int, out.split())) for out, _ in outputs]
    assert sum(fixed for fixed, _ in counts) == 70  # 200 hits, exactly the limit let through
    assert sum(moving for _, moving in counts) == 70
    assert sum(1 for fixed, _ in counts if fixed) >= 2  # the count was really shared
    storage = storage_from_string(uri)
    assert storage.get(parse("70 per minute").key_for("10.0.0.9")) == 200  # no hit lost


def test_two_login_limits_and_api_limits_on_one_file_count_together(uri):
    """Two workers' LoginLimits and ApiLimits, built as init_login_limits and init_limits build them."""
    first, second = (
        LoginLimits(uri, "site", account_limits="3 per minute", address_limits="100 per minute")
        for _ in range(2)
    )
    account = LoginLimits.account_key("a@haiphong.test")
    first.failed(account, "192.0.2.1")
    second.failed(account, "192.0.2.1")
    assert first.refused(account, "192.0.2.1") is None
    first.failed(account, "192.0.2.1")
    assert 1 <= (second.refused(account, "192.0.2.1") or 0) <= 61
    assert second.refused(account, "192.0.2.2") is None  # another address: its own count
    assert not first.using_fallback and not second.using_fallback
    one, two = ApiLimits(uri, "site"), ApiLimits(uri, "site")
    assert one.hit("2 per minute", "10.1.1.1").allowed and two.hit("2 per minute", "10.1.1.1").allowed
    assert not one.hit("2 per minute", "10.1.1.1").allowed
    first.reset()  # the login counts only
    assert second.refused(account, "192.0.2.1") is None
    assert not two.hit("2 per minute", "10.1.1.1").allowed


# --- an unusable file -----------------------------------------------------------------------------


@pytest.fixture(params=["garbage", "no-folder", "a-folder"])
def broken(request, tmp_path) -> str:
    """The address of a file that cannot be used: not a database, in no folder, or a folder.
    (A read-only file is no test here: the tests run as root, who may write it.)"""
    path = tmp_path / "limits.sqlite"
    if request.param == "garbage":
        path.write_bytes(b"this is not a database file, only words" * 100)
    elif request.param == "no-folder":
        path = tmp_path / "gone" / "limits.sqlite"
    else:
        path.mkdir()
    return f"sqlite:///{path}"


def test_an_unusable_file_is_a_storage_error_said_once(broken, caplog):
    caplog.set_level(logging.WARNING, logger="showcase.limit_sqlite")
    storage = storage_from_string(broken, wrap_exceptions=True)  # building it never fails
    assert not storage.check()
    for _ in range(3):
        with pytest.raises(StorageError):
            FixedWindowRateLimiter(storage).hit(parse("1 per minute"), "a")
        with pytest.raises(StorageError):
            MovingWindowRateLimiter(storage).hit(parse("1 per minute"), "a")
    warnings = [r.getMessage() for r in caplog.records if r.name == "showcase.limit_sqlite"]
    assert len(warnings) == 1 and "limits.sqlite" in warnings[0] and "memory" in warnings[0]


def test_a_file_locked_too_long_is_a_storage_error(uri, tmp_path):
    storage = storage_from_string(uri, wrap_exceptions=True, timeout=0.2)
    assert storage.check()
    holder = sqlite3.connect(tmp_path / "limits.sqlite", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process in the middle of a very long write
    started = time.monotonic()
    with pytest.raises(StorageError):
        storage.incr("k", 60)
    assert 0.15 < time.monotonic() - started < 2
    assert storage.get("k") == 0  # readers never wait for a writer (WAL)
    holder.execute("ROLLBACK")
    holder.close()
    assert storage.incr("k", 60) == 1 and storage.check()


def test_workers_racing_to_set_up_a_new_file_wait_for_each_other(tmp_path):
    """SQLite answers "locked" at once, without waiting, to a switch to WAL while another
    connection writes: the set-up tries again (workers starting together on a new file)."""
    path = tmp_path / "limits.sqlite"
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("CREATE TABLE made_first (x)")
    other.execute("BEGIN IMMEDIATE")  # another process, still on the default journal, writing
    other.execute("INSERT INTO made_first VALUES (1)")
    threading.Timer(0.3, lambda: other.execute("COMMIT")).start()
    storage = storage_from_string(f"sqlite:///{path}", wrap_exceptions=True)
    started = time.monotonic()
    assert storage.incr("k", 60) == 1
    assert 0.25 < time.monotonic() - started < 1
    other.close()


def test_login_and_api_limits_count_in_memory_when_the_file_is_unusable(broken):
    limits = LoginLimits(broken, "site", account_limits="2 per minute")
    account = LoginLimits.account_key("a@haiphong.test")
    assert limits.refused(account, "192.0.2.1") is None
    limits.failed(account, "192.0.2.1")
    limits.failed(account, "192.0.2.1")
    assert limits.using_fallback and limits.refused(account, "192.0.2.1")
    api = ApiLimits(broken, "site")
    assert api.hit("1 per minute", "10.2.2.2").allowed
    assert not api.hit("1 per minute", "10.2.2.2").allowed and api.dead_since is not None


@pytest.fixture
def restore_limiter():
    """create_app binds the one module-level Flask-Limiter to the new app's storage: put it back."""
    saved = dict(limiter.__dict__)
    yield
    limiter.__dict__.clear()
    limiter.__dict__.update(saved)


def test_the_site_starts_and_limits_forms_with_an_unusable_file(broken, tmp_path_factory, restore_limiter):
    """Flask-Limiter on a broken file: pages are served (no 500), the look-up is still limited."""
    home = tmp_path_factory.mktemp("broken-site")
    app = create_app(
        {
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{home / 'site.sqlite3'}",
            "MEDIA_ROOT": str(home / "media"),
            "SEARCH_INDEX_DIR": str(home / "index"),
            "RATELIMIT_STORAGE_URI": broken,
            "NOMINATION_LOOKUP_LIMITS": "2 per minute",
        }
    )
    from showcase.extensions import db

    with app.app_context():
        db.create_all()
    client = app.test_client()
    codes = [client.get("/de-xuat/AAAA-BBBB-CCCC").status_code for _ in range(3)]
    assert codes == [404, 404, 429]


def test_the_default_is_a_file_beside_the_database(tmp_path, monkeypatch):
    for name in ("REDIS_URL", "RATELIMIT_STORAGE_URI", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    settings = config.load(tmp_path, {"SECRET_KEY": "x"})
    assert settings["RATELIMIT_STORAGE_URI"] == f"sqlite:///{tmp_path / 'limits.sqlite'}"  # instance/
    db_file = tmp_path / "data" / "site.sqlite3"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{db_file}")
    assert config.load(tmp_path, {"SECRET_KEY": "x"})["RATELIMIT_STORAGE_URI"] == (
        f"sqlite:///{db_file.parent / 'limits.sqlite'}"
    )
    monkeypatch.setenv("DATABASE_URL", "postgresql://db.example/site")
    assert config.load(tmp_path, {"SECRET_KEY": "x"})["RATELIMIT_STORAGE_URI"] == (
        f"sqlite:///{tmp_path / 'limits.sqlite'}"
    )
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379")
    assert config.load(tmp_path, {"SECRET_KEY": "x"})["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379"
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "memory://")  # asked for: per process
    assert config.load(tmp_path, {"SECRET_KEY": "x"})["RATELIMIT_STORAGE_URI"] == "memory://"
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "sqlite:////srv/limits.sqlite")
    assert (
        config.load(tmp_path, {"SECRET_KEY": "x"})["RATELIMIT_STORAGE_URI"] == "sqlite:////srv/limits.sqlite"
    )
    for bad in ("sqlite://", "mongodb://x", "/srv/limits.sqlite"):
        monkeypatch.setenv("RATELIMIT_STORAGE_URI", bad)
        with pytest.raises(SystemExit, match="RATELIMIT_STORAGE_URI"):
            config.load(tmp_path, {"SECRET_KEY": "x"})


# --- the real server: gunicorn's workers count together ------------------------------------------


class Held:
    """A request whose headers are not finished: the worker that accepted it waits for the rest,
    so the next requests go to another worker."""

    def __init__(self, base: str, path: str) -> None:
        host, port = base.removeprefix("http://").split(":")
        self.sock = socket.create_connection((host, int(port)), timeout=20)
        self.sock.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\n".encode())
        time.sleep(0.3)  # accepted by an idle worker, which now reads the rest

    def finish(self) -> tuple[int, str]:
        self.sock.sendall(b"Connection: close\r\n\r\n")
        chunks = []
        while chunk := self.sock.recv(65536):
            chunks.append(chunk)
        self.sock.close()
        head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
        return int(head.split()[1]), body.decode("utf-8", "replace")


def test_gunicorn_workers_refuse_exactly_after_the_limit(tmp_path_factory):
    """Two workers, no Redis, the default storage: the look-up limit of 5 holds across both.

    One worker is held by an unfinished request while the other answers three look-ups; then the
    second is held while the first answers the rest. Counted per worker (memory://), the first
    would have seen only one look-up when the sixth arrives, and let it through."""
    home = tmp_path_factory.mktemp("limits-served")
    path = f"/de-xuat/{uuid.uuid4().hex[:4].upper()}-BBBB-CCCC"
    with gunicorn(home, WEB_CONCURRENCY="2", NOMINATION_LOOKUP_LIMITS="5 per 10 minutes") as served:
        assert "RATELIMIT_STORAGE_URI" not in served.env and "REDIS_URL" not in served.env
        codes = []
        first = Held(served.base, path)  # worker A waits
        codes += [fetch(served.base + path)[0] for _ in range(3)]  # worker B: hits 1-3
        second = Held(served.base, path)  # worker B waits
        codes.append(first.finish()[0])  # worker A: hit 4
        codes.append(fetch(served.base + path)[0])  # worker A: hit 5
        status, headers, body = fetch(served.base + path)  # worker A: hit 6
        codes.append(status)
        late, late_body = second.finish()  # worker B: hit 7
        codes.append(late)
        assert codes == [404, 404, 404, 404, 404, 429, 429]
        page = body.decode()
        assert "Bạn đã thử quá nhiều lần; hãy đợi một lúc rồi thử lại." in page and '<html lang="vi"' in page
        assert "quá nhiều lần" in late_body
        assert headers["X-RateLimit-Limit"] == "5" and int(headers["Retry-After"]) > 500
        assert (home / "limits.sqlite").exists()  # beside the database
        log = served.log.read_text()
        assert log.count("Booting worker") == 2
        assert "falling back" not in log and "cannot use" not in log
