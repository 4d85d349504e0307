"""The Whoosh index: one writer path with a lock timeout, one shared searcher per process.

The database is the source of truth. Every document stores the version (`updated`) of the
rows it was built from, so `catch_up` can compare the index with the database and repair
whatever a crash, a timed-out writer or another process missed.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import threading
from collections.abc import Iterable
from pathlib import Path

from whoosh import index
from whoosh.filedb.filestore import FileStorage
from whoosh.index import LockError
from whoosh.searching import Searcher

from showcase.search.schema import build_schema

log = logging.getLogger(__name__)

INDEX_NAME = "MAIN"


class IndexUnavailable(RuntimeError):
    """The index is missing or unreadable (a rebuild has been started)."""


class WhooshBackend:
    """add / delete / search / rebuild over one index folder."""

    def __init__(self, directory: Path, write_timeout: float = 10.0) -> None:
        self.directory = Path(directory)
        self.write_timeout = write_timeout
        self._index = None
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

    def _open(self):
        if self._index is None:
            if not self.exists():
                raise IndexUnavailable("chưa có chỉ mục")
            try:
                self._index = index.open_dir(str(self.directory), indexname=INDEX_NAME)
            except Exception as exc:  # a corrupt TOC or segment: treat as missing
                raise IndexUnavailable(str(exc)) from exc
        return self._index

    def searcher(self) -> Searcher:
        """Return the shared searcher, reopened only when the index has changed."""
        with self._lock:
            try:
                if self._searcher is None:
                    self._searcher = self._open().searcher()
                elif not self._searcher.up_to_date():
                    self._searcher.close()
                    self._searcher = self._open().searcher()
                    self.cache = {}
            except IndexUnavailable:
                raise
            except Exception as exc:
                self.close()
                raise IndexUnavailable(str(exc)) from exc
            return self._searcher

    @property
    def lock(self) -> threading.RLock:
        """Held while a search uses the shared searcher."""
        return self._lock

    def close(self) -> None:
        with self._lock:
            if self._searcher is not None:
                self._searcher.close()
            self._searcher, self._index, self.cache = None, None, {}

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

    def rebuild(self, documents: Iterable[dict], procs: int = 1, limitmb: int = 128) -> int:
        """Build a new index beside the old one, then swap it in; return the document count."""
        self.directory.parent.mkdir(parents=True, exist_ok=True)
        fresh = Path(tempfile.mkdtemp(prefix=".rebuild-", dir=self.directory.parent))
        count = 0
        try:
            ix = index.create_in(str(fresh), build_schema(), indexname=INDEX_NAME)
            options = {"limitmb": limitmb}
            if procs > 1:
                options |= {"procs": procs, "multisegment": True}
            writer = ix.writer(**options)
            for doc in documents:
                writer.add_document(**doc)
                count += 1
            writer.commit()
            self.close()
            old = self.directory.with_name(self.directory.name + ".old")
            shutil.rmtree(old, ignore_errors=True)
            keep = [p for p in self.directory.glob("README*")] if self.directory.exists() else []
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
        with self._lock:
            searcher = self.searcher()
            return {fields["id"]: fields.get("updated", "") for fields in searcher.all_stored_fields()}

    def count(self, doc_type: str | None = None) -> int:
        with self._lock:
            searcher = self.searcher()
            if doc_type is None:
                return searcher.doc_count()
            return len(list(searcher.document_numbers(type=doc_type)))

    def contains(self, doc_id: str) -> bool:
        with self._lock:
            return self.searcher().document_number(id=doc_id) is not None
