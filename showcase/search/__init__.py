"""Search: the only package that imports Whoosh. Views call `search`, `suggest` and nothing else."""

from __future__ import annotations

import logging
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask, current_app
from whoosh.query import Every

from showcase.search import indexing, pg_backend, pg_models, query  # noqa: F401  (pg_models: the tables)
from showcase.search.analysis import load_synonyms
from showcase.search.backend import IndexUnavailable, WhooshBackend
from showcase.search.bitsets import Bitsets, first_in
from showcase.search.highlight import Marks

log = logging.getLogger(__name__)


@dataclass
class Results:
    """One page of results: the documents in rank order plus everything the page shows."""

    ids: list[str] = field(default_factory=list)
    documents: list[dict] = field(default_factory=list)  # id, type, url, label, meta, text
    total: int = 0
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    terms: Marks = field(default_factory=Marks)
    fuzzy: list[str] = field(default_factory=list)
    suggestion: str | None = None
    unavailable: bool = False


def init_search(app: Flask) -> None:
    """Give the app its index backend and keep the index in step with commits."""
    timeout = float(app.config.get("SEARCH_WRITE_TIMEOUT", 10.0))
    if app.config.get("SEARCH_BACKEND", "whoosh") == "postgresql":  # see pg_backend.py
        if not str(app.config["SQLALCHEMY_DATABASE_URI"]).startswith("postgresql"):
            raise SystemExit(
                "Lỗi: SEARCH_BACKEND=postgresql cần DATABASE_URL là một cơ sở dữ liệu PostgreSQL."
            )
        app.extensions["search"] = pg_backend.PgBackend()
    else:
        app.extensions["search"] = WhooshBackend(Path(app.config["SEARCH_INDEX_DIR"]), write_timeout=timeout)
    app.config.setdefault("SYNONYMS_FILE", str(Path(app.root_path).parent / "content" / "synonyms.txt"))
    indexing.init_sync()
    pg_backend.init_sync()


def _app() -> Flask:
    """The app behind the `current_app` proxy: a rebuild thread outlives the request."""
    return current_app._get_current_object()  # type: ignore[attr-defined]  # the proxy is typed as Flask


def _synonyms() -> dict:
    return load_synonyms(current_app.config["SYNONYMS_FILE"])


CACHED_RESULTS = 500  # pages of results kept per process and index generation
SHOWN = ("id", "type", "url", "label", "meta", "text")


def search(text: str, filters: dict[str, str], sort: str, page: int, per_page: int) -> Results:
    """Search published stories, exemplars and localities; never raises on what a reader typed."""
    backend: WhooshBackend = current_app.extensions["search"]
    parsed = query.parse(text, _synonyms())
    wanted = {n: v for n, v in filters.items() if n in query.FACETS and v}
    if parsed.empty and not wanted:
        return Results()
    if isinstance(backend, pg_backend.PgBackend):
        from showcase.search import pg_query

        return pg_query.search(parsed, wanted, sort, page, per_page, backend.cache)
    try:
        with backend.reading() as searcher:  # the cache lives as long as this index generation
            key = (parsed.text, tuple(sorted(wanted.items())), sort, page, per_page)
            cached: OrderedDict = backend.cache.setdefault("results", OrderedDict())
            if key in cached:
                cached.move_to_end(key)
                return cached[key]
            results = _run(backend, searcher, parsed, wanted, sort, page, per_page)
            cached[key] = results
            if len(cached) > CACHED_RESULTS:
                cached.popitem(last=False)
            return results
    except IndexUnavailable:
        indexing.ensure_index(_app())
        return Results(unavailable=True, terms=parsed.highlight_terms())


def _bitsets(backend: WhooshBackend, searcher) -> Bitsets:
    bits = backend.cache.get("bitsets")
    if bits is None:
        bits = backend.cache["bitsets"] = Bitsets(searcher)
    return bits


def _run(backend, searcher, parsed, filters, sort: str, page: int, per_page: int) -> Results:
    bits = _bitsets(backend, searcher)
    q = query.build(parsed, searcher.reader()) if not parsed.empty else Every()
    matched = bits.query(q)
    allowed = query.filter_mask(backend, searcher, bits, filters)
    if allowed is not None:
        matched &= allowed
    end = page * per_page
    if sort == "date" or parsed.empty:
        order = first_in(bits.by_date(), matched, end)
    else:
        order = query.rank(bits, searcher, parsed, q, matched, end)
    results = Results(total=matched.bit_count(), terms=parsed.highlight_terms())
    results.facets = query.count_facets(backend, searcher, bits, matched)
    for doc in order[end - per_page : end]:
        stored = searcher.stored_fields(doc)
        results.documents.append({name: stored.get(name, "") for name in SHOWN})
    results.ids = [d["id"] for d in results.documents]
    results.fuzzy = [u.text for u in parsed.units if u.fuzzy]
    if not parsed.empty and (results.total == 0 or results.fuzzy):
        samples = [searcher.stored_fields(doc).get("label", "") for doc in order[:5]]
        results.suggestion = query.did_you_mean(backend, searcher, parsed, samples)
    return results


def suggest(text: str) -> list[dict]:
    """Titles and names that start with what was typed; empty while the index is unavailable."""
    backend: WhooshBackend = current_app.extensions["search"]
    if isinstance(backend, pg_backend.PgBackend):
        from showcase.search import pg_query

        return pg_query.suggestions(text)
    try:
        with backend.reading() as searcher:
            return query.suggestions(searcher, text)
    except IndexUnavailable:
        indexing.ensure_index(_app())
        return []


def watermark() -> str | None:
    """The version of the newest story the index holds; None when it holds none or cannot be read."""
    backend: WhooshBackend = current_app.extensions["search"]
    try:
        return backend.watermark()
    except IndexUnavailable:
        return None


def is_rebuilding() -> bool:
    return indexing.is_rebuilding()


__all__ = ["Results", "init_search", "search", "suggest", "indexing", "is_rebuilding"]
