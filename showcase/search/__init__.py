"""Search: the only package that imports Whoosh. Views call `search`, `suggest` and nothing else."""

from __future__ import annotations

import heapq
import logging
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask, current_app
from whoosh.query import Every

from showcase.search import indexing, query
from showcase.search.analysis import load_synonyms
from showcase.search.backend import IndexUnavailable, WhooshBackend

log = logging.getLogger(__name__)


@dataclass
class Results:
    """One page of results: document ids in rank order plus everything the page shows."""

    ids: list[str] = field(default_factory=list)
    total: int = 0
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    terms: set[str] = field(default_factory=set)
    fuzzy: list[str] = field(default_factory=list)
    suggestion: str | None = None
    unavailable: bool = False


def init_search(app: Flask) -> None:
    """Give the app its index backend and keep the index in step with commits."""
    timeout = float(app.config.get("SEARCH_WRITE_TIMEOUT", 10.0))
    app.extensions["search"] = WhooshBackend(Path(app.config["SEARCH_INDEX_DIR"]), write_timeout=timeout)
    app.config.setdefault("SYNONYMS_FILE", str(Path(app.root_path).parent / "content" / "synonyms.txt"))
    indexing.init_sync()


def _app() -> Flask:
    """The app behind the `current_app` proxy: a rebuild thread outlives the request."""
    return current_app._get_current_object()  # type: ignore[attr-defined]  # the proxy is typed as Flask


def _synonyms() -> dict:
    return load_synonyms(current_app.config["SYNONYMS_FILE"])


def search(text: str, filters: dict[str, str], sort: str, page: int, per_page: int) -> Results:
    """Search published stories and exemplars; never raises on what a reader typed."""
    backend: WhooshBackend = current_app.extensions["search"]
    parsed = query.parse(text, _synonyms())
    filter_q = query.filter_query(filters)
    if parsed.empty and filter_q is None:
        return Results()
    try:
        with backend.reading() as searcher:
            key = (parsed.text, tuple(sorted(filters.items())), sort, page, per_page)
            cached = backend.cache.setdefault("results", {})
            if key in cached:
                return cached[key]
            q = query.build(parsed, searcher.reader()) if not parsed.empty else Every()
            end = page * per_page
            if sort == "date" or parsed.empty:
                hits = searcher.search(q, filter=filter_q, limit=None, sortedby="date", reverse=True)
                order = [hit.docnum for hit in hits[:end]]
                matched = hits.docs()
            else:  # one scored pass over every match: the count, the facets and the top hits
                hits = searcher.search(q, filter=filter_q, limit=None)
                matched = hits.docs()
                top = heapq.nlargest(max(query.RERANK, end), hits.top_n)
                order = query.rerank(searcher, parsed, top)
            results = Results(total=len(matched), terms=parsed.highlight_terms())
            results.facets = query.count_facets(backend, searcher, set(matched))
            results.ids = [searcher.stored_fields(doc)["id"] for doc in order[end - per_page : end]]
            results.fuzzy = [u.text for u in parsed.units if u.fuzzy]
            if not parsed.empty and (results.total == 0 or results.fuzzy):
                samples = [searcher.stored_fields(doc).get("label", "") for doc in order[:5]]
                results.suggestion = query.did_you_mean(backend, searcher, parsed, samples)
            if len(cached) > 500:
                cached.clear()
            cached[key] = results
            return results
    except IndexUnavailable:
        indexing.ensure_index(_app())
        return Results(unavailable=True, terms=parsed.highlight_terms())


def suggest(text: str) -> list[dict]:
    """Titles and names that start with what was typed; empty while the index is unavailable."""
    backend: WhooshBackend = current_app.extensions["search"]
    try:
        with backend.reading() as searcher:
            return query.suggestions(searcher, text)
    except IndexUnavailable:
        indexing.ensure_index(_app())
        return []


def is_rebuilding() -> bool:
    return indexing.is_rebuilding()


__all__ = ["Results", "init_search", "search", "suggest", "indexing", "is_rebuilding"]
