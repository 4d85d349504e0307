"""Page benchmark: the public pages' time as the site grows, in process, median ms.

    .venv/bin/python bench/pages.py                       # 44 (sample), 1,250, 2,500, 5,000, 10,000
    .venv/bin/python bench/pages.py --sizes 44 2500       # a quick run
    .venv/bin/python bench/pages.py --keep /tmp/bench-db  # keep (and reuse) the generated databases

For each size it loads the sample content, adds N generated stories with the generator of
bench/search.py (44 means the sample content alone), then times each page through the Flask
test client: a few warm-up requests, then the median of the timed ones. It also counts the SQL
statements of one warm request. Prints the figures and each page's ratio to its time at 44
stories (the target: within 2× at 10,000); asserts nothing.
"""

from __future__ import annotations

import argparse
import importlib.util
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SAMPLE = 44


def _generator():
    """bench/search.py's generate(), loaded by path (bench/ is not a package)."""
    spec = importlib.util.spec_from_file_location("bench_search", ROOT / "bench" / "search.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.generate


def build(path: Path, n: int) -> None:
    """Make the database at `path`: the sample content, plus n generated stories beyond it."""
    from showcase import content_io, create_app
    from showcase.extensions import db

    url = f"sqlite:///{path}"
    if n > SAMPLE:
        _generator()(url, n)
        return
    app = create_app(
        {"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url, "SEARCH_INDEX_DIR": "/nonexistent"}
    )
    with app.app_context():
        db.create_all()
        content_io.import_content(ROOT / "content")
        db.engine.dispose()


def pages(app) -> tuple[dict[str, str], dict[str, int]]:
    """The pages to time: name -> URL (a story and an exemplar picked from the data)."""
    from sqlalchemy import func, select

    from showcase.extensions import db
    from showcase.models import Exemplar, Story, story_exemplars
    from showcase.site import queries

    with app.app_context():
        story = db.session.scalar(queries.published_stories().limit(1))
        busiest = (
            select(story_exemplars.c.exemplar_id)
            .group_by(story_exemplars.c.exemplar_id)
            .order_by(func.count().desc())
            .limit(1)
        )
        exemplar = db.session.get(Exemplar, db.session.scalar(busiest))
        per_page = app.config["PER_PAGE"]
        last = max(
            1,
            -(
                -db.session.scalar(select(func.count()).select_from(queries.published_stories().subquery()))
                // per_page
            ),
        )
        assert story is not None and exemplar is not None
        return {
            "/": "/",
            "/dien-hinh": "/dien-hinh",
            "/bai-viet": "/bai-viet",
            "/bai-viet (last page)": f"/bai-viet?trang={last}",
            "story": f"/bai-viet/{story.slug}",
            "exemplar": f"/dien-hinh/{exemplar.slug}",
            "/khen-thuong": "/khen-thuong",
            "/bao-chi": "/bao-chi",
        }, {"stories": db.session.scalar(select(func.count()).select_from(Story))}


def measure(path: Path, warm: int, runs: int) -> tuple[dict[str, float], dict[str, int], int]:
    """Median ms and SQL statements per page, on the database at `path`."""
    from sqlalchemy import event

    from showcase import create_app
    from showcase.extensions import db

    app = create_app(
        {
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
            "SEARCH_INDEX_DIR": str(path) + "-idx",
        }
    )
    urls, info = pages(app)
    client = app.test_client()
    statements = {"n": 0}

    def count(*_args) -> None:
        statements["n"] += 1

    times, counts = {}, {}
    for name, url in urls.items():
        for _ in range(warm):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
        with app.app_context():
            event.listen(db.engine, "before_cursor_execute", count)
            statements["n"] = 0
            client.get(url)
            counts[name] = statements["n"]
            event.remove(db.engine, "before_cursor_execute", count)
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
        times[name] = statistics.median(timings)
    with app.app_context():
        db.engine.dispose()
    return times, counts, info["stories"]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[SAMPLE, 1_250, 2_500, 5_000, 10_000])
    parser.add_argument("--warm", type=int, default=3)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--keep", type=Path, help="a folder to keep the generated databases in (and reuse)")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench-pages-"))
    folder.mkdir(parents=True, exist_ok=True)
    results: dict[int, dict[str, float]] = {}
    try:
        for n in args.sizes:
            path = folder / f"pages-{n}.sqlite3"
            if not path.exists():
                started = time.perf_counter()
                build(path, n)
                print(f"N = {n}: generated in {time.perf_counter() - started:.1f} s", flush=True)
            times, counts, stories = measure(path, args.warm, args.runs)
            results[n] = times
            print(f"N = {n} ({stories} stories in the database)", flush=True)
            base = results.get(min(results))
            for name, ms in times.items():
                ratio = f"{ms / base[name]:5.2f}×" if base and min(results) != n else "     "
                print(f"  {name:22s} {ms:8.1f} ms  {ratio}  {counts[name]:3d} SQL statements", flush=True)
        if len(results) > 1:
            print("\nmedian ms by size (ratio to the smallest size)")
            names = list(next(iter(results.values())))
            print("  " + f"{'page':22s}" + "".join(f"{n:>16,}" for n in results))
            first = results[min(results)]
            for name in names:
                cells = "".join(
                    f"{results[n][name]:8.1f} ({results[n][name] / first[name]:4.1f}×)" for n in results
                )
                print(f"  {name:22s}{cells}")
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
