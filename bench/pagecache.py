"""Page cache benchmark: time of the public pages rendered, served from the cache, answered 304.

    .venv/bin/python bench/pagecache.py              # the sample content, 300 requests a page

Loads the sample content into a fresh SQLite database, then times each page through the Flask
test client (in process, so no network or server in the figures): with PAGE_CACHE=off, with
the in-process cache (hits), with Redis when one answers at 127.0.0.1:6379, and with
If-None-Match (304). Prints median and p95 in ms and the SQL statements per request; asserts
nothing.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

REDIS_URL = "redis://127.0.0.1:6379"


def make_app(directory: Path, **settings):
    from showcase import create_app

    return create_app(
        {
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{directory / 'bench.sqlite3'}",
            "MEDIA_ROOT": str(directory / "media"),
            "SEARCH_INDEX_DIR": str(directory / "index"),
            **settings,
        }
    )


def load_sample(app) -> None:
    from showcase import content_io
    from showcase.extensions import db
    from showcase.search import indexing

    with app.app_context():
        db.create_all()
        content_io.import_content(ROOT / "content")
        indexing.rebuild()


def pages(app) -> dict[str, str]:
    from sqlalchemy import select

    from showcase.extensions import db
    from showcase.models import Exemplar, Story
    from showcase.visibility import has_published_story, is_published

    with app.app_context():
        story = db.session.scalar(select(Story.slug).where(is_published()).limit(1))
        exemplar = db.session.scalar(select(Exemplar.slug).where(has_published_story()).limit(1))
    return {
        "home": "/",
        "story": f"/bai-viet/{story}",
        "exemplar": f"/dien-hinh/{exemplar}",
        "register": "/khen-thuong",
        "search": "/tim-kiem?q=nong+thon+moi",
    }


def timed(app, url: str, count: int, headers: dict | None = None) -> tuple[float, float, float, int]:
    """Median and p95 ms, statements per request, and the last status."""
    from sqlalchemy import event

    from showcase.extensions import db

    client = app.test_client()
    client.get(url, headers=headers)  # warm: render once, store once
    statements = [0]

    def count_statement(*_args) -> None:
        statements[0] += 1

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count_statement)
    times, status = [], 0
    try:
        for _ in range(count):
            start = time.perf_counter()
            response = client.get(url, headers=headers)
            times.append((time.perf_counter() - start) * 1000)
            status = response.status_code
    finally:
        event.remove(engine, "before_cursor_execute", count_statement)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95)], statements[0] / count, status


def redis_answers() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping())
    except redis.RedisError:
        return False


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        apps = {
            "off": make_app(directory, PAGE_CACHE="off"),
            "memory": make_app(directory, PAGE_CACHE="memory"),
        }
        load_sample(apps["off"])
        if redis_answers():
            apps["redis"] = make_app(directory, PAGE_CACHE="redis", REDIS_URL=REDIS_URL)
        urls = pages(apps["off"])
        print(f"{'page':10} {'mode':8} {'median ms':>10} {'p95 ms':>8} {'SQL/req':>8} status")
        for name, url in urls.items():
            for mode, app in apps.items():
                median, p95, sql, status = timed(app, url, args.requests)
                print(f"{name:10} {mode:8} {median:10.2f} {p95:8.2f} {sql:8.1f} {status}")
            etag = apps["memory"].test_client().get(url).headers.get("ETag")
            median, p95, sql, status = timed(
                apps["memory"], url, args.requests, {"If-None-Match": etag or ""}
            )
            print(f"{name:10} {'304':8} {median:10.2f} {p95:8.2f} {sql:8.1f} {status}")


if __name__ == "__main__":
    main()
