"""The PostgreSQL search backend's half of bench/search.py (`--pg URL`).

The same N generated stories (same seed) are loaded into a schema of their own on the
PostgreSQL database at URL, `search rebuild` fills search_document, and the same query mix
is timed through the search page with SEARCH_BACKEND=postgresql. The schema is dropped after.
"""

from __future__ import annotations

import statistics
import time
import uuid
from collections import defaultdict
from collections.abc import Callable


def measure_pg(
    base_url: str, n: int, generate: Callable[[str, int], None], make_mix: Callable[[list], list], percentile
) -> dict:
    """Figures for the PostgreSQL backend: load, rebuild, table size, page latency per kind."""
    from sqlalchemy import create_engine, text

    admin = create_engine(base_url.replace("postgresql://", "postgresql+psycopg://", 1))
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        conn.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public"))
    sep = "&" if "?" in base_url else "?"
    url = f"{base_url}{sep}options=-csearch_path%3D{schema}%2Cpublic"
    try:
        started = time.perf_counter()
        generate(url, n)
        figures: dict = {"load_seconds": time.perf_counter() - started}

        from showcase import create_app
        from showcase.extensions import db
        from showcase.search import indexing

        app = create_app(
            {
                "SECRET_KEY": "bench",
                "SQLALCHEMY_DATABASE_URI": url,
                "SEARCH_BACKEND": "postgresql",
                "SEARCH_INDEX_DIR": "/nonexistent",
                "LOG_REQUESTS": False,  # a JSON line per query would bury the figures
            }
        )
        with app.app_context():
            started = time.perf_counter()
            figures["docs"] = indexing.rebuild()
            figures["seconds"] = time.perf_counter() - started
            db.session.execute(text("ANALYZE search_document"))
            db.session.execute(text("ANALYZE search_word"))
            db.session.commit()
            movements = list(db.session.scalars(text("SELECT slug FROM movement")))
            figures["table_mb"] = (
                db.session.scalar(
                    text(
                        "SELECT pg_total_relation_size('search_document')"
                        " + pg_total_relation_size('search_word')"
                    )
                )
                / 2**20
            )
        mix = make_mix(movements)
        client = app.test_client()
        client.get("/tim-kiem", query_string={"q": "khởi động"})
        wall: dict[str, list[float]] = defaultdict(list)
        for kind, q, filters in mix:
            t0 = time.perf_counter()
            response = client.get("/tim-kiem", query_string={"q": q, **filters})
            wall[kind].append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200, (q, response.status_code)
        every = [t for ts in wall.values() for t in ts]
        figures["kinds"] = {k: [statistics.median(ts), percentile(ts, 95)] for k, ts in wall.items()}
        figures["page"] = [statistics.median(every), percentile(every, 95)]
        with app.app_context():
            db.engine.dispose()
        return figures
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def side_by_side(whoosh: dict, pg: dict) -> None:
    """Print Whoosh, PostgreSQL and FTS5 per query kind."""
    print(f"\n  {'':10s} {'Whoosh p50/p95':>18s} {'PostgreSQL p50/p95':>20s}")
    for kind, (w50, w95) in whoosh["kinds"].items():
        p50, p95 = pg["kinds"][kind]
        print(f"  {kind:10s} {w50:8.1f} {w95:8.1f} ms {p50:9.1f} {p95:8.1f} ms")
    (w50, w95), (p50, p95) = whoosh["page"], pg["page"]
    print(f"  {'all':10s} {w50:8.1f} {w95:8.1f} ms {p50:9.1f} {p95:8.1f} ms")
    f50, f95 = whoosh["fts"]
    print(f"  FTS5 (query only, no page): p50 {f50:.1f} ms, p95 {f95:.1f} ms")
    print(
        f"  rebuild: Whoosh {whoosh['seconds']:.1f} s; PostgreSQL {pg['seconds']:.1f} s "
        f"({pg['docs']} rows, {pg['table_mb']:.0f} MB with indexes; "
        f"data loaded in {pg['load_seconds']:.0f} s)"
    )
