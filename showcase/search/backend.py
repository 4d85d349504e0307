"""The Whoosh index: one writer path with a lock timeout, one shared searcher per process.

The database is the source of truth. Every document stores the version (`updated`) of the
rows it was built from, so `catch_up` can compare the index with the database and repair
whatever a crash, a timed-out writer or another process missed.
"""

from __future__ import annotations

import logging
import shutil
import struct
import tempfile
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from whoosh import index
from whoosh.codec.whoosh3 import W3Codec
from whoosh.filedb.filestore import FileStorage
from whoosh.index import FileIndex, LockError
from whoosh.reading import ReaderClosed
from whoosh.searching import Searcher

from showcase.search import mapped
from showcase.search.schema import build_schema

log = logging.getLogger(__name__)

INDEX_NAME = "MAIN"
mapped.install()  # segments read from the map, not copied into every worker
# A rebuild writes a segment per this many documents: their postings then fit in the writer's
# pool (limitmb per process) instead of spilling to disk and being read back one by one.
SEGMENT_DOCS = 2000


class RebuildCodec(W3Codec):
    """Whoosh's codec without per-block length statistics, for rebuilds.

    Those statistics only let Whoosh's top-N collector skip blocks, which searches here no
    longer use (see bitsets.py), and gathering them read every document's field length from
    disk once per posting: a fifth of a rebuild's time.
    """

    length_stats = False


class IndexUnavailable(RuntimeError):
    """The index is missing or unreadable (a rebuild has been started)."""


# What Whoosh raises when its files vanish or are damaged under an open searcher.
BROKEN = (OSError, EOFError, struct.error, ReaderClosed, index.IndexError)


def current_schema(ix: FileIndex) -> bool:
    """Whether an index has this version's fields (an older one is rebuilt, never written to)."""
    return set(ix.schema.names()) == set(build_schema().names())


class WhooshBackend:
    """add / delete / search / rebuild over one index folder."""

    def __init__(self, directory: Path, write_timeout: float = 10.0) -> None:
        self.directory = Path(directory)
        self.write_timeout = write_timeout
        self._index: FileIndex | None = None
        self._searcher: Searcher | None = None
        self._lock = threading.RLock()
        self.cache: dict = {}  # per-searcher derived data (facet sets, spelling map)

    # --- opening --------------------------------------------------------------------

    def exists(self) -> bool:
        """Whether an index was written here (readable or not: opening tells that)."""
        return any(self.directory.glob(f"_{INDEX_NAME}_*.toc"))

    def create(self) -> None:
        """Create an empty index (replacing nothing that exists)."""
        self.directory.mkdir(parents=True, exist_ok=True)
        if not self.exists():
            index.create_in(str(self.directory), build_schema(), indexname=INDEX_NAME)

    def _open(self) -> FileIndex:
        if self._index is None:
            if not self.exists():
                raise IndexUnavailable("chưa có chỉ mục")
            try:
                ix = index.open_dir(str(self.directory), indexname=INDEX_NAME)
            except Exception as exc:  # a corrupt TOC or segment: treat as missing
                raise IndexUnavailable(str(exc)) from exc
            if not current_schema(ix):
                raise IndexUnavailable("chỉ mục theo cấu trúc cũ")
            self._index = ix
        return self._index

    def readable(self) -> bool:
        """Whether the index opens, whole and of this version's schema."""
        try:
            with self.reading():
                return True
        except IndexUnavailable:
            return False

    def _up_to_date(self, searcher: Searcher) -> bool:
        try:
            return bool(searcher.up_to_date())
        except Exception:  # the TOC vanished or cannot be read: reopen (and fail there if it must)
            return False

    def searcher(self) -> Searcher:
        """Return the shared searcher, reopened only when the index has changed.

        A missing or unreadable index raises IndexUnavailable, every time, until it is rebuilt.
        """
        with self._lock:
            if self._searcher is not None and self._up_to_date(self._searcher):
                return self._searcher
            self._drop_searcher()
            try:
                self._searcher = self._open().searcher()
            except Exception as exc:
                self.close()
                if isinstance(exc, IndexUnavailable):
                    raise
                raise IndexUnavailable(str(exc)) from exc
            return self._searcher

    @contextmanager
    def reading(self) -> Iterator[Searcher]:
        """Hold the lock and yield the shared searcher; damaged files raise IndexUnavailable."""
        with self._lock:
            searcher = self.searcher()
            try:
                yield searcher
            except BROKEN as exc:
                self.close()
                raise IndexUnavailable(str(exc)) from exc

    @property
    def lock(self) -> threading.RLock:
        """Held while a search uses the shared searcher."""
        return self._lock

    def _drop_searcher(self) -> None:
        """Forget the shared searcher, then close it: it is never closed twice."""
        searcher, self._searcher, self.cache = self._searcher, None, {}
        if searcher is None:
            return
        try:
            searcher.close()
        except Exception:  # its files may be gone already; it is dropped either way
            log.debug("closing a stale searcher failed", exc_info=True)

    def close(self) -> None:
        """Drop the searcher and the index object (the next search opens them again)."""
        with self._lock:
            self._drop_searcher()
            self._index = None

    # --- writing --------------------------------------------------------------------

    def apply(self, upserts: Iterable[dict], deletes: Iterable[str]) -> bool:
        """Write documents and deletions in one commit; False when the lock timed out."""
        upserts, deletes = list(upserts), list(deletes)
        if not upserts and not deletes:
            return True
        if not self.exists():  # never start a partial index: a rebuild must make it whole
            return False
        try:
            ix = self._index or index.open_dir(str(self.directory), indexname=INDEX_NAME)
            if not current_schema(ix):  # an index of an older version: the rebuild replaces it
                return False
            writer = ix.writer(timeout=self.write_timeout, delay=0.05)
        except LockError:
            log.warning("search index busy: %d changes left for catch-up", len(upserts) + len(deletes))
            return False
        try:
            for doc_id in deletes:
                writer.delete_by_term("id", doc_id)
            for doc in upserts:
                writer.update_document(**doc)
            writer.commit()
        except BaseException:
            writer.cancel()
            raise
        return True

    def writer_lock(self):
        """The lock every writer of this index takes (for tests and maintenance)."""
        return FileStorage(str(self.directory)).lock(f"{INDEX_NAME}_WRITELOCK")

    def rebuild(self, documents: Iterable[dict], procs: int = 1, limitmb: int = 256) -> int:
        """Build a new index beside the old one, then swap it in; return the document count."""
        self.directory.parent.mkdir(parents=True, exist_ok=True)
        fresh = Path(tempfile.mkdtemp(prefix=".rebuild-", dir=self.directory.parent))
        count = 0
        try:
            ix = index.create_in(str(fresh), build_schema(), indexname=INDEX_NAME)
            options: dict = {"limitmb": limitmb, "codec": RebuildCodec()}
            if procs > 1:
                options |= {"procs": procs, "multisegment": True}
            writer = None
            for doc in documents:
                if writer is None:
                    writer = ix.writer(**options)
                writer.add_document(**doc)
                count += 1
                if count % SEGMENT_DOCS == 0:
                    writer.commit(merge=False)
                    writer = None
            if writer is not None:
                writer.commit(merge=False)
            with self._lock:  # no search opens the old index while the folders are swapped
                self.close()
                old = self.directory.with_name(self.directory.name + ".old")
                shutil.rmtree(old, ignore_errors=True)
                keep = list(self.directory.glob("README*")) if self.directory.exists() else []
                if self.directory.exists():
                    self.directory.rename(old)
                fresh.rename(self.directory)
                for path in keep:
                    shutil.copy2(old / path.name, self.directory / path.name)
                shutil.rmtree(old, ignore_errors=True)
        finally:
            shutil.rmtree(fresh, ignore_errors=True)
        return count

    # --- reading --------------------------------------------------------------------

    def versions(self) -> dict[str, str]:
        """Map every indexed document id to the version it was built from."""
        with self.reading() as searcher:
            return {fields["id"]: fields.get("updated", "") for fields in searcher.all_stored_fields()}

    def watermark(self) -> str | None:
        """The newest story version in the index (read once per index generation)."""
        with self.reading() as searcher:
            if "watermark" not in self.cache:
                self.cache["watermark"] = max(
                    (
                        f.get("updated", "")
                        for f in searcher.all_stored_fields()
                        if f["id"].startswith("story:")
                    ),
                    default=None,
                )
            return self.cache["watermark"]

    def count(self, doc_type: str | None = None) -> int:
        with self.reading() as searcher:
            if doc_type is None:
                return int(searcher.doc_count())
            return len(list(searcher.document_numbers(type=doc_type)))

    def contains(self, doc_id: str) -> bool:
        with self.reading() as searcher:
            return searcher.document_number(id=doc_id) is not None
