"""Page benchmark: the public pages' time as the site grows, in process, median ms.

    .venv/bin/python bench/pages.py                       # 44 (sample), 1,250, 2,500, 5,000, 10,000
    .venv/bin/python bench/pages.py --sizes 44 2500       # a quick run
    .venv/bin/python bench/pages.py --keep /tmp/bench-db  # keep (and reuse) the generated databases

For each size it loads the sample content and adds N generated stories with the generator of
bench/search.py (44 means the sample content alone). Then it opens one app per size and times
each page through the Flask test client: a few warm-up requests, then timed requests with the
sizes taking turns (so a machine busy with other work slows every size alike). Prints the
median wall-clock and CPU milliseconds (CPU of this process: the steadier figure on a shared
machine), each page's ratio to its time at 44 stories (the target: within 2× at 10,000) and
the SQL statements of a warm request; asserts nothing.
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


def open_site(path: Path):
    """An app on the database at `path`, with the pages to time there."""
    from showcase import create_app

    app = create_app(
        {
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
            "SEARCH_INDEX_DIR": str(path) + "-idx",
        }
    )
    urls, info = pages(app)
    return app, app.test_client(), urls, info["stories"]


def statements(app, client, url: str) -> int:
    """The SQL statements of one request."""
    from sqlalchemy import event

    from showcase.extensions import db

    seen = {"n": 0}

    def count(*_args) -> None:
        seen["n"] += 1

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        client.get(url)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return seen["n"]


def measure(sites: dict[int, tuple], warm: int, runs: int) -> dict[int, dict[str, tuple[float, float, int]]]:
    """Per size and page: median wall ms, median CPU ms, SQL statements.

    The sizes take turns request by request, so a machine busy with something else slows
    every size alike and the ratios stay fair; CPU time (this process only) is the steadier
    figure on a shared machine."""
    results: dict[int, dict[str, tuple[float, float, int]]] = {n: {} for n in sites}
    names = list(next(iter(sites.values()))[2])
    for name in names:
        for _app, client, urls, _stories in sites.values():
            for _ in range(warm):
                response = client.get(urls[name])
                assert response.status_code == 200, (urls[name], response.status_code)
        wall: dict[int, list[float]] = {n: [] for n in sites}
        cpu: dict[int, list[float]] = {n: [] for n in sites}
        for _ in range(runs):
            for n, (_app, client, urls, _stories) in sites.items():
                w0, c0 = time.perf_counter(), time.process_time()
                client.get(urls[name])
                cpu[n].append((time.process_time() - c0) * 1000)
                wall[n].append((time.perf_counter() - w0) * 1000)
        for n, (app, client, urls, _stories) in sites.items():
            count = statements(app, client, urls[name])
            results[n][name] = (statistics.median(wall[n]), statistics.median(cpu[n]), count)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[SAMPLE, 1_250, 2_500, 5_000, 10_000])
    parser.add_argument("--warm", type=int, default=3)
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--keep", type=Path, help="a folder to keep the generated databases in (and reuse)")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench-pages-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        sites = {}
        for n in sorted(args.sizes):
            path = folder / f"pages-{n}.sqlite3"
            if not path.exists():
                started = time.perf_counter()
                build(path, n)
                print(f"N = {n}: generated in {time.perf_counter() - started:.1f} s", flush=True)
            sites[n] = open_site(path)
        results = measure(sites, args.warm, args.runs)
        first = min(results)
        names = list(results[first])
        for label, index in (("wall-clock", 0), ("CPU (this process)", 1)):
            print(f"\nmedian {label} ms per request (ratio to {first} stories)")
            print(f"  {'page':22s}" + "".join(f"{sites[n][3]:>14,} st." for n in results))
            for name in names:
                base = results[first][name][index]
                cells = "".join(
                    f"{results[n][name][index]:9.1f} ({results[n][name][index] / base:3.1f}×)"
                    for n in results
                )
                print(f"  {name:22s}{cells}")
        print("\nSQL statements per request (warm)")
        for name in names:
            print(f"  {name:22s}" + "".join(f"{results[n][name][2]:18d}" for n in results))
        from showcase.extensions import db

        for app, *_rest in sites.values():
            with app.app_context():
                db.engine.dispose()
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
