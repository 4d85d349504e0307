"""Search on PostgreSQL (SEARCH_BACKEND=postgresql): the documents live in `search_document`.

The rows are written by the same transaction that changes the content (a `before_commit`
hook), so there is nothing to catch up and every node sees the same results at once.

Each row carries the same stored fields as a Whoosh document and one `tsvector` of tokens
analysed here, in Python, by the same functions the Whoosh index uses (showcase.search.
analysis): PostgreSQL never parses the text itself. The Whoosh fields become prefixes:

    nong         a folded word of the body, with positions weighted A (title and names),
                 B (what the story is about: summary, names, places…) and C (the text)
    t:nong       a folded word of the title (and names)
    e:nông       a word as written in the title or the head; te:nông the same in the title
    p:nong_thon  two adjacent folded words (phrases and proximity)
    h:thủy nguyên two adjacent words as written in titles, names and places (spelling)
    d:1234/qd-ubnd a decision number, whole

Facet values are a text[] ("type=story", "movement=nong-thon-moi"), counted with GROUP BY.
`search_word` holds the site's words (folded and as written) for pg_trgm typo lookups.
"""

from __future__ import annotations

import logging
import threading
import zlib
from collections.abc import Iterable

from flask import current_app
from sqlalchemy import Connection, event, text
from sqlalchemy.orm import Session

from showcase.extensions import db
from showcase.search.analysis import exact_terms, fold_word, folded_terms, pair_terms
from showcase.search.schema import exact_pairs

log = logging.getLogger(__name__)

FACETS = ("type", "movement", "field", "locality", "year", "kind", "form")  # as query.FACETS
MAX_POSITION = 16383  # PostgreSQL's largest tsvector position
MAX_POSITIONS = 255  # positions kept per lexeme (PostgreSQL keeps 256)
MAX_LEXEME = 2000  # bytes; PostgreSQL refuses lexemes over 2 KB
BATCH = 500
LOCKS = 0x5EA2C4  # advisory lock namespace of search documents (the key is a CRC of the id)
PREFIXES = {"body": "", "title": "t:", "exact": "e:", "title_exact": "te:", "pairs": "p:", "phrases": "h:"}


def quote(lexeme: str) -> str:
    """A lexeme as tsvector/tsquery input: quoted, never parsed or normalised by PostgreSQL."""
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def _fits(lexeme: str) -> bool:
    return bool(lexeme) and len(lexeme.encode("utf-8")) <= MAX_LEXEME


def tsvector(doc: dict) -> str:
    """The tsvector literal of an index document (the Whoosh fields, prefixed as above)."""
    body = folded_terms(doc["body"])
    in_title = len(folded_terms(doc["title"].split("\n", 1)[0]))  # the title line
    in_head = len(folded_terms(doc["exact"]))  # title and head open the body
    positions: dict[str, list[str]] = {}
    for i, word in enumerate(body[:MAX_POSITION], 1):
        held = positions.setdefault(word, [])
        if len(held) < MAX_POSITIONS:
            held.append(f"{i}{'A' if i <= in_title else 'B' if i <= in_head else 'C'}")
    parts = [f"{quote(w)}:{','.join(p)}" for w, p in positions.items() if _fits(w)]
    names = doc["title"].split("\n", 1)  # a story's title field is "title\nnames": names weigh like it
    if len(names) > 1:
        parts += [quote(w) for w in set(folded_terms(names[1])) - positions.keys() if _fits(w)]
    fields = (
        ("t:", folded_terms(doc["title"])),
        ("e:", exact_terms(doc["exact"])),
        ("te:", exact_terms(doc["title_exact"])),
        ("p:", pair_terms(doc["pairs"])),
        ("h:", exact_pairs(doc["phrases"])),
        ("d:", doc["decision"].split(",")),
    )
    for prefix, terms in fields:
        parts += [quote(prefix + t) for t in set(terms) if t and _fits(prefix + t)]
    return " ".join(parts)


def facet_values(doc: dict) -> list[str]:
    return [f"{name}={v}" for name in FACETS for v in (doc.get(name) or "").split(",") if v]


def row(doc: dict) -> dict:
    """The search_document row of an index document."""
    return {
        "id": doc["id"],
        "type": doc["type"],
        "updated": doc.get("updated", ""),
        "label": doc.get("label", ""),
        "url": doc.get("url", ""),
        "meta": doc.get("meta", ""),
        "text": doc.get("text", ""),
        "alias": "\n".join(doc.get("alias") or []),
        "facets": facet_values(doc),
        "date": doc["date"],
        "tsv": tsvector(doc),
    }


def site_words(doc: dict) -> set[str]:
    """The words a document adds to the site's vocabulary: folded body words, written head words."""
    return set(folded_terms(doc["body"])) | set(exact_terms(doc["exact"]))


UPSERT = text(
    "INSERT INTO search_document (id, type, updated, label, url, meta, text, alias, facets, date, tsv) "
    "VALUES (:id, :type, :updated, :label, :url, :meta, :text, :alias, :facets, :date, "
    "CAST(:tsv AS tsvector)) ON CONFLICT (id) DO UPDATE SET type = EXCLUDED.type, "
    "updated = EXCLUDED.updated, label = EXCLUDED.label, url = EXCLUDED.url, meta = EXCLUDED.meta, "
    "text = EXCLUDED.text, alias = EXCLUDED.alias, facets = EXCLUDED.facets, date = EXCLUDED.date, "
    "tsv = EXCLUDED.tsv"
)
WORDS = text(
    "INSERT INTO search_word (word, folded) "
    "SELECT w, f FROM unnest(CAST(:words AS text[]), CAST(:folded AS text[])) AS t(w, f) "
    "ORDER BY w ON CONFLICT (word) DO NOTHING"
)


def write(conn: Connection, upserts: Iterable[dict], deletes: Iterable[str]) -> None:
    """Upsert and delete documents on this connection (inside its transaction)."""
    upserts, deletes = list(upserts), sorted(set(deletes))
    if deletes:
        conn.execute(text("DELETE FROM search_document WHERE id = ANY(:ids)"), {"ids": deletes})
    if not upserts:
        return
    upserts.sort(key=lambda d: d["id"])  # one order for every writer: no deadlock between two
    conn.execute(UPSERT, [row(d) for d in upserts])
    vocabulary: set[str] = set()
    for doc in upserts:
        vocabulary |= site_words(doc)
    words = sorted(w for w in vocabulary if _fits(w))
    if words:  # words only accumulate; one no document holds any longer has no doc frequency
        conn.execute(WORDS, {"words": words, "folded": [fold_word(w) for w in words]})


class PgBackend:
    """The Whoosh backend's interface, over the search_document table."""

    kind = "postgresql"

    def __init__(self) -> None:
        self.cache: dict = {}
        self._exists: bool | None = None

    def exists(self) -> bool:
        if not self._exists:
            with db.engine.connect() as conn:
                self._exists = bool(conn.scalar(text("SELECT to_regclass('search_document') IS NOT NULL")))
        return bool(self._exists)

    def readable(self) -> bool:
        return self.exists()

    def create(self) -> None:
        """The tables come from the migrations (`flask db upgrade`)."""

    def close(self) -> None:
        self.cache = {}

    def apply(self, upserts: Iterable[dict], deletes: Iterable[str]) -> bool:
        """Write documents and deletions in a transaction of their own (catch-up, maintenance)."""
        with db.engine.begin() as conn:
            write(conn, upserts, deletes)
        return True

    def rebuild(self, documents: Iterable[dict], procs: int = 1, limitmb: int = 256) -> int:
        """Replace every row in one transaction: searches see the old rows until it commits."""
        count = 0
        with db.engine.begin() as conn:
            conn.execute(text("DELETE FROM search_document"))
            conn.execute(text("DELETE FROM search_word"))
            batch: list[dict] = []
            for doc in documents:
                batch.append(doc)
                count += 1
                if len(batch) >= BATCH:
                    write(conn, batch, [])
                    batch = []
            write(conn, batch, [])
        if count >= BATCH:  # hint bits, visibility map and statistics for the new rows, before searches
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM (ANALYZE) search_document"))
                conn.execute(text("VACUUM (ANALYZE) search_word"))
        return count

    def versions(self) -> dict[str, str]:
        with db.engine.connect() as conn:
            return {i: v for i, v in conn.execute(text("SELECT id, updated FROM search_document"))}

    def watermark(self) -> str | None:
        with db.engine.connect() as conn:
            return conn.scalar(text("SELECT max(updated) FROM search_document WHERE type = 'story'"))

    def count(self, doc_type: str | None = None) -> int:
        sql = "SELECT count(*) FROM search_document" + (" WHERE type = :type" if doc_type else "")
        with db.engine.connect() as conn:
            return int(conn.scalar(text(sql), {"type": doc_type}) or 0)

    def contains(self, doc_id: str) -> bool:
        with db.engine.connect() as conn:
            return (
                conn.scalar(text("SELECT 1 FROM search_document WHERE id = :id"), {"id": doc_id}) is not None
            )


# --- the same transaction as the row ----------------------------------------------------------


def _write_pending(session: Session) -> None:
    """Before a commit: write the documents its flushes changed, in its own transaction."""
    from showcase.search import indexing

    if not current_app or not isinstance(current_app.extensions.get("search"), PgBackend):
        return
    session.flush()  # the commit's last flush, so every change is collected
    pending = session.info.pop(indexing.PENDING, None)
    if not pending:
        return
    stories, exemplars = pending["stories"] - {None}, pending["exemplars"] - {None}
    if not (stories or exemplars or pending["taxonomy"]):
        return
    conn = session.connection()

    with Session(bind=conn, autoflush=False) as fresh:  # reads what this transaction wrote
        more_stories, more_exemplars = indexing._affected_by_taxonomy(fresh, pending["taxonomy"])
        places = {i for model, i in pending["taxonomy"] if model.__name__ == "Locality" and i is not None}
        places |= indexing._neighbours(fresh, places)
        stories, exemplars = stories | more_stories, exemplars | more_exemplars
        # Two transactions may rewrite one document (an exemplar of two stories): each locks its
        # documents until it commits and only then builds them, so it reads what the other
        # committed (READ COMMITTED: every statement sees the latest commits) and never writes an
        # older version. The ids come from the links alone; the documents are built once.
        ids = indexing.document_ids(fresh, stories, exemplars, places)
        for key in sorted({LOCKS << 32 | zlib.crc32(i.encode()) for i in ids}):
            conn.execute(text("SELECT pg_advisory_xact_lock(CAST(:key AS bigint))"), {"key": key})
        fresh.expire_all()  # links read before the lock may have changed while it waited
        upserts, deletes = indexing.documents_for(fresh, stories, exemplars, places)
    write(conn, upserts, deletes)


_listening = threading.Lock()


def init_sync() -> None:
    """Attach the before-commit hook to the shared session (once per process; it does nothing
    unless the app searches with PostgreSQL)."""
    with _listening:
        if not event.contains(db.session, "before_commit", _write_pending):
            event.listen(db.session, "before_commit", _write_pending)
