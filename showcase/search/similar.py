"""Stories on the same subject as another, found by the rare words their titles share.

Two stories about one event ("bão Yagi") may share no exemplar, movement or place; what they
share is a word few other titles use. The index already counts how many titles hold each word,
so this is one small query, and it costs the same at 40 stories as at 10,000.
"""

from __future__ import annotations

from flask import current_app
from whoosh.query import And, Not, Or, Term

from showcase.search.analysis import exact_terms
from showcase.search.backend import IndexUnavailable, WhooshBackend

# Words as written: folded, "chuyến" (trip) and "chuyện" (story) would be one word.
FIELD = "title_exact"
# A word in more titles than this share is too common to say two stories are about one thing.
COMMON_SHARE = 20  # 1 title in 20
MIN_COMMON = 3  # …but in a small index, a word in 3 titles may still be rare


def story_ids(story_id: int, title: str, limit: int) -> list[int]:
    """Ids of published stories whose titles share this title's rare words, best first."""
    backend: WhooshBackend = current_app.extensions["search"]
    if getattr(backend, "kind", "") == "postgresql":
        from showcase.search import pg_query

        return pg_query.similar_story_ids(story_id, title, limit, COMMON_SHARE, MIN_COMMON)
    try:
        with backend.reading() as searcher:
            common = max(MIN_COMMON, searcher.doc_count() // COMMON_SHARE)
            rare = sorted({w for w in exact_terms(title) if 2 <= searcher.doc_frequency(FIELD, w) <= common})
            if not rare:
                return []
            query = And(
                [
                    Term("type", "story"),
                    Or([Term(FIELD, w) for w in rare]),
                    Not(Term("id", f"story:{story_id}")),
                ]
            )
            hits = searcher.search(query, limit=limit)
            return [int(hit["id"].split(":", 1)[1]) for hit in hits]
    except IndexUnavailable:  # related stories are a nicety: the page goes on without them
        return []
