"""Search benchmark: rebuild time, peak memory and query latency at N stories, against FTS5.

    .venv/bin/python bench/search.py                 # N = 10000 and 50000
    .venv/bin/python bench/search.py --sizes 2000    # a quick run
    .venv/bin/python bench/search.py --sizes 10000 --baseline main   # main's code vs this, one run
    .venv/bin/python bench/search.py --sizes 10000 --pg postgresql://postgres@127.0.0.1:5432/test
                                                     # Whoosh and SEARCH_BACKEND=postgresql side by side

For each N it generates N Vietnamese stories of about 400 words (a word-pair chain trained on
the sample stories in content/, with real family names, given names and Hai Phong places),
loads them into a fresh SQLite database, rebuilds the Whoosh index in a child process (so its
peak memory is its own), then times a fixed mix of folded, accented, phrase, faceted and typo
queries through the Flask test client (search page with highlighting), and the same queries
on SQLite FTS5 (unicode61 remove_diacritics 2) over the same documents, as the baseline.
Prints figures; asserts nothing (targets at 10k: p95 ≤ 40 ms, rebuild ≤ 30 s, ≤ 400 MB).

Times are wall clock and CPU time: on a shared machine the wall clock also counts the waits
for a core, CPU time does not. `--baseline REF` runs the same benchmark on the code of a git
revision (in a temporary copy, on a copy of the same generated database) before this code,
and prints both with their ratio.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# --code DIR: import the application from another checkout (the baseline); content from here
CODE = Path(sys.argv[sys.argv.index("--code") + 1]).resolve() if "--code" in sys.argv else ROOT
sys.path.insert(0, str(CODE))

FAMILY = "Nguyễn Trần Lê Phạm Hoàng Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đinh Mai Trịnh Đào Lương Tạ".split()
MIDDLE = "Văn Thị Hữu Đức Minh Thanh Quốc Ngọc Xuân Thu Hồng Bảo Gia Kim".split()
GIVEN = (
    "An Anh Bình Chi Cường Dũng Dung Giang Hà Hải Hạnh Hiếu Hoa Hòa Hùng Hương Khánh Lan Linh Long "
    "Mai Minh Nam Nga Ngọc Nhung Phong Phúc Phương Quang Sơn Tâm Thảo Thắng Thủy Trang Trung Tuấn Yến"
).split()


def corpus() -> list[str]:
    """Words of the sample stories, in order (the chain learns from them)."""
    text = []
    for path in sorted((ROOT / "content" / "stories").glob("*.md")):
        body = path.read_text("utf-8").split("---", 2)[2]
        text += re.findall(r"[\wÀ-ỹ]+|[.,]", body)
    return text


class Chain:
    """A word-pair chain: natural syllable sequences without copying whole stories."""

    def __init__(self, tokens: list[str]) -> None:
        self.next: dict[str, list[str]] = defaultdict(list)
        for a, b in zip(tokens, tokens[1:], strict=False):
            self.next[a].append(b)
        self.starts = [b for a, b in zip(tokens, tokens[1:], strict=False) if a == "."]

    def text(self, rng: random.Random, words: int) -> str:
        out, word, count = [], rng.choice(self.starts), 0
        while count < words:
            out.append(word)
            count += word not in ".,"
            word = rng.choice(self.next.get(word) or self.starts)
        text = " ".join(out).replace(" .", ".").replace(" ,", ",")
        return re.sub(r"(^|\. )(\w)", lambda m: m.group(1) + m.group(2).upper(), text)


def person(rng: random.Random) -> str:
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def generate(url: str, n: int, seed: int = 7) -> None:
    """Fill the database at `url` with the sample taxonomy and N generated stories."""
    from sqlalchemy import insert, select

    from showcase import content_io, create_app
    from showcase.extensions import db
    from showcase.models import (
        Commendation,
        CommendationLevel,
        Exemplar,
        ExemplarKind,
        Field,
        Locality,
        Movement,
        Story,
        StoryStatus,
        story_exemplars,
        story_movements,
    )

    rng = random.Random(seed)
    chain = Chain(corpus())
    app = create_app(
        {"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url, "SEARCH_INDEX_DIR": "/nonexistent"}
    )
    with app.app_context():
        db.create_all()
        content_io.import_content(ROOT / "content")
        fields = db.session.scalars(select(Field.id)).all()
        movements = db.session.scalars(select(Movement.id)).all()
        localities = db.session.scalars(select(Locality.id)).all()
        forms = db.session.scalars(select(Commendation.form).distinct()).all()
        now = datetime(2026, 11, 1)
        n_exemplars = max(10, n // 8)
        exemplar_rows = [
            {
                "slug": f"bench-dien-hinh-{i}",
                "name": person(rng),
                "kind": ExemplarKind.INDIVIDUAL if i % 4 else ExemplarKind.COLLECTIVE,
                "locality_id": rng.choice(localities),
                "role": "",
                "organisation": "",
                "bio_md": (bio := chain.text(rng, 60)),
                "bio_html": f"<p>{bio}</p>",
                "created_at": now,
                "updated_at": now,
            }
            for i in range(n_exemplars)
        ]
        db.session.execute(insert(Exemplar), exemplar_rows)
        exemplar_ids = db.session.scalars(select(Exemplar.id).where(Exemplar.slug.like("bench-%"))).all()
        db.session.execute(
            insert(Commendation),
            [
                {
                    "exemplar_id": eid,
                    "form": rng.choice(forms),
                    "level": CommendationLevel.CITY,
                    "issuer": "Chủ tịch UBND thành phố Hải Phòng",
                    "decision_no": f"{10000 + i}/QĐ-UBND",
                    "decision_date": date(2021, 1, 1) + timedelta(days=i % 1800),
                    "reason": "",
                }
                for i, eid in enumerate(exemplar_ids)
            ],
        )
        for start in range(0, n, 2000):
            rows, links, moves = [], [], []
            for i in range(start, min(n, start + 2000)):
                paragraphs = [chain.text(rng, 80) for _ in range(5)]
                rows.append(
                    {
                        "slug": f"bench-bai-viet-{i}",
                        "title": chain.text(rng, rng.randint(7, 12)).rstrip("."),
                        "summary": chain.text(rng, 30),
                        "body_md": "\n\n".join(paragraphs),
                        "body_html": "".join(f"<p>{p}</p>" for p in paragraphs),
                        "status": StoryStatus.PUBLISHED,
                        "published_at": datetime(2021, 1, 1) + timedelta(hours=i * 7 % 50000),
                        "created_at": now,
                        "updated_at": now,
                        "featured": False,
                        "byline": "Báo Hải Phòng",
                        "broadcast_summary": "",
                        "field_id": rng.choice(fields),
                        "locality_id": rng.choice(localities),
                    }
                )
            db.session.execute(insert(Story), rows)
            ids = db.session.scalars(select(Story.id).where(Story.slug.in_([r["slug"] for r in rows]))).all()
            for sid in ids:
                links.append({"story_id": sid, "exemplar_id": rng.choice(exemplar_ids)})
                moves.append({"story_id": sid, "movement_id": rng.choice(movements)})
            db.session.execute(insert(story_exemplars), links)
            db.session.execute(insert(story_movements), moves)
            db.session.commit()
        db.engine.dispose()


def rebuild_child(url: str, index_dir: str, procs: int) -> None:
    """Run in a child process: rebuild the index and print seconds and peak memory as JSON."""
    from showcase import create_app
    from showcase.search import indexing

    app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url, "SEARCH_INDEX_DIR": index_dir})
    with app.app_context():
        started = time.perf_counter()
        count = indexing.rebuild(procs=procs)
        seconds = time.perf_counter() - started
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime  # every indexing process
    figures = {"docs": count, "seconds": seconds, "cpu_seconds": cpu}
    print(json.dumps(figures | {"peak_mb": own.ru_maxrss / 1024, "child_peak_mb": kids.ru_maxrss / 1024}))


def queries(rng: random.Random, chain: Chain, movements: list[str]) -> list[tuple[str, str, dict]]:
    """The fixed mix: (kind, q, filters), each query different so no cache answers it."""
    vocab = [w for w in chain.next if len(w) > 2 and w not in ".,"]
    places = ["Đồ Sơn", "Hải An", "Tiên Lãng", "Vĩnh Bảo", "Cát Bà", "Kiến An", "Lê Chân", "Thủy Nguyên"]
    from showcase.search.analysis import fold

    mix = []
    for _ in range(40):
        a, b = rng.choice(vocab), rng.choice(vocab)
        mix.append(("folded", fold(f"{a} {b}"), {}))
        mix.append(("accented", f"{rng.choice(places)} {a}", {}))
        start = rng.randrange(len(chain.starts))
        words = chain.text(random.Random(start), 3).rstrip(".").split()[:2]
        mix.append(("phrase", '"' + " ".join(words) + '"', {}))
        mix.append(("faceted", fold(a), {"phong-trao": rng.choice(movements)}))
        typo = fold(a)
        typo = typo[:-1] + ("x" if typo[-1] != "x" else "y") if len(typo) >= 4 else typo + "x"
        mix.append(("typo", f"{typo} {fold(b)}", {}))
    return mix


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def fts_baseline(db_path: str, mix: list[tuple[str, str, dict]]) -> list[float]:
    """Time the same queries on SQLite FTS5 (count, top 12 with snippet)."""
    conn = sqlite3.connect(db_path)
    conn.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS story_fts USING fts5("
        "title, body, tokenize = 'unicode61 remove_diacritics 2')"
    )
    if not conn.execute("SELECT count(*) FROM story_fts").fetchone()[0]:
        conn.execute(
            "INSERT INTO story_fts(rowid, title, body) SELECT id, title, summary || ' ' || body_md FROM story"
        )
        conn.commit()
    timings = []
    for _kind, q, _filters in mix:
        match = q if q.startswith('"') else " AND ".join(f'"{w}"' for w in re.findall(r"\w+", q))
        started = time.perf_counter()
        conn.execute("SELECT count(*) FROM story_fts WHERE story_fts MATCH ?", (match,)).fetchone()
        conn.execute(
            "SELECT rowid, snippet(story_fts, 1, '<mark>', '</mark>', '…', 30) FROM story_fts "
            "WHERE story_fts MATCH ? ORDER BY rank LIMIT 12",
            (match,),
        ).fetchall()
        timings.append((time.perf_counter() - started) * 1000)
    conn.close()
    return timings


def measure(db_path: str, index_dir: str, procs: int) -> dict:
    """Rebuild the index of the database at `db_path`, then time the query mix: the figures."""
    from sqlalchemy import select

    url = f"sqlite:///{db_path}"
    child = subprocess.run(
        [sys.executable, __file__, "--code", str(CODE), "--rebuild-child", url, index_dir, str(procs)],
        check=True,
        capture_output=True,
        text=True,
    )
    figures = json.loads(child.stdout.strip().splitlines()[-1])
    figures["peak_mb"] = max(figures.pop("peak_mb"), figures.pop("child_peak_mb"))

    from showcase import create_app
    from showcase.extensions import db
    from showcase.models import Movement

    app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url, "SEARCH_INDEX_DIR": index_dir})
    client = app.test_client()
    with app.app_context():
        movements = db.session.scalars(select(Movement.slug)).all()
    mix = queries(random.Random(11), Chain(corpus()), movements)
    client.get("/tim-kiem", query_string={"q": "khởi động"})  # open the searcher once
    wall: dict[str, list[float]] = defaultdict(list)
    cpu: list[float] = []
    for kind, q, filters in mix:
        t0, c0 = time.perf_counter(), time.process_time()
        response = client.get("/tim-kiem", query_string={"q": q, **filters})
        wall[kind].append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
        assert response.status_code == 200, (q, response.status_code)
    every = [t for ts in wall.values() for t in ts]
    figures["kinds"] = {k: [statistics.median(ts), percentile(ts, 95)] for k, ts in wall.items()}
    figures["page"] = [statistics.median(every), percentile(every, 95)]
    figures["page_cpu"] = [statistics.median(cpu), percentile(cpu, 95)]
    figures["queries"] = len(mix)
    warm = []
    for _kind, q, filters in mix:  # the same mix again: popular queries come from the cache
        t0 = time.perf_counter()
        client.get("/tim-kiem", query_string={"q": q, **filters})
        warm.append((time.perf_counter() - t0) * 1000)
    figures["warm"] = [statistics.median(warm), percentile(warm, 95)]
    figures["fts"] = [statistics.median(f := fts_baseline(db_path, mix)), percentile(f, 95)]
    with app.app_context():
        db.engine.dispose()
    return figures


def report(figures: dict, procs: int) -> None:
    """Print one run's figures."""
    docs, seconds = figures["docs"], figures["seconds"]
    print(
        f"  rebuild: {docs} documents in {seconds:.1f} s ({docs / seconds:.0f} docs/s, procs={procs}), "
        f"{figures['cpu_seconds']:.1f} s of CPU, peak memory {figures['peak_mb']:.0f} MB"
    )
    for kind, (p50, p95) in figures["kinds"].items():
        print(f"    {kind:9s} p50 {p50:6.1f} ms   p95 {p95:6.1f} ms")
    (w50, w95), (c50, c95) = figures["page"], figures["page_cpu"]
    print(
        f"  search page (Whoosh, {figures['queries']} different queries): p50 {w50:.1f} ms, p95 {w95:.1f} ms"
    )
    print(f"  search page, CPU time only: p50 {c50:.1f} ms, p95 {c95:.1f} ms")
    (h50, h95) = figures["warm"]
    print(f"  same queries again (result cache): p50 {h50:.1f} ms, p95 {h95:.1f} ms")
    (f50, f95) = figures["fts"]
    print(f"  FTS5 baseline (query only): p50 {f50:.1f} ms, p95 {f95:.1f} ms")
    print(f"  ratio Whoosh page / FTS5 query: p50 {w50 / f50:.1f}×, p95 {w95 / f95:.1f}×")


def compare(before: dict, after: dict, ref: str) -> None:
    """Print the baseline's and this code's main figures side by side."""
    rows = [
        ("rebuild, s", before["seconds"], after["seconds"]),
        ("rebuild CPU, s", before["cpu_seconds"], after["cpu_seconds"]),
        ("rebuild peak, MB", before["peak_mb"], after["peak_mb"]),
        ("page p50, ms", before["page"][0], after["page"][0]),
        ("page p95, ms", before["page"][1], after["page"][1]),
        ("page CPU p50, ms", before["page_cpu"][0], after["page_cpu"][0]),
        ("page CPU p95, ms", before["page_cpu"][1], after["page_cpu"][1]),
        ("cached p95, ms", before["warm"][1], after["warm"][1]),
    ]
    print(f"\n  {'':18s} {ref[:12]:>12s} {'this code':>12s} {'now/before':>11s}")
    for name, old, new in rows:
        print(f"  {name:18s} {old:12.1f} {new:12.1f} {new / old:10.2f}×")


def run(
    n: int, procs: int, baseline: str | None, db_path: str | None, as_json: bool, pg: str | None = None
) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-search-") as tmp:
        if db_path is None:
            db_path = f"{tmp}/bench.sqlite3"
            started = time.perf_counter()
            generate(f"sqlite:///{db_path}", n)
            print(f"N = {n}: generated and loaded in {time.perf_counter() - started:.1f} s", flush=True)
        before = None
        if baseline:
            code = Path(tmp) / "baseline"
            code.mkdir()
            archive = subprocess.run(
                ["git", "-C", str(ROOT), "archive", baseline], check=True, capture_output=True
            )
            subprocess.run(["tar", "-x", "-C", str(code)], input=archive.stdout, check=True)
            shutil.copy(db_path, f"{tmp}/baseline.sqlite3")
            child = subprocess.run(
                [sys.executable, __file__, "--code", str(code), "--sizes", str(n), "--procs", str(procs)]
                + ["--db", f"{tmp}/baseline.sqlite3", "--json"],
                check=True,
                capture_output=True,
                text=True,
            )
            before = json.loads(child.stdout.strip().splitlines()[-1])
            print(f"N = {n}, baseline {baseline}:")
            report(before, procs)
        copy = f"{tmp}/measured.sqlite3"
        shutil.copy(db_path, copy)
        after = measure(copy, f"{tmp}/index", procs)
        if as_json:
            print(json.dumps(after))
            return
        print(f"N = {n}, this code:")
        report(after, procs)
        if before:
            compare(before, after, baseline or "")
        if pg:  # the PostgreSQL backend on the same stories and queries (bench/search_pg.py)
            from search_pg import measure_pg, side_by_side

            print(f"N = {n}, SEARCH_BACKEND=postgresql:", flush=True)
            figures = measure_pg(
                pg, n, generate, lambda moves: queries(random.Random(11), Chain(corpus()), moves), percentile
            )
            side_by_side(after, figures)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 50_000])
    parser.add_argument("--procs", type=int, default=2)
    parser.add_argument("--baseline", metavar="REF", help="also run a git revision's code, and compare")
    parser.add_argument("--code", help="import the application from this checkout (used by --baseline)")
    parser.add_argument("--db", help="use this generated database instead of generating one")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--rebuild-child", nargs=3, metavar=("URL", "INDEX", "PROCS"))
    parser.add_argument("--pg", metavar="URL", help="also time SEARCH_BACKEND=postgresql on this database")
    args = parser.parse_args()
    if args.rebuild_child:
        url, index_dir, procs = args.rebuild_child
        rebuild_child(url, index_dir, int(procs))
        return
    for n in args.sizes:
        run(n, args.procs, args.baseline, args.db, args.json, args.pg)


if __name__ == "__main__":
    main()
