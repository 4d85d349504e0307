"""Sets of documents as the bits of one integer: matching, counting and ranking without scoring
every match.

Whoosh scores each match in Python, which was most of a search at 10,000 stories. Here a
term's documents are read once per index generation from its posting blocks into an integer
(one bit per document); a query is then a few ANDs and ORs of integers, a count is a
popcount, and only the few documents a page can show are scored by Whoosh.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Iterable, Iterator

from whoosh.matching.wrappers import FilterMatcher
from whoosh.query import And, Every, Or, Query, Term

POSTINGS_KEPT = 4000  # term masks kept per index generation (each is ~1.3 KB at 10,000 documents)


def as_mask(docnums: Iterable[int], size: int) -> int:
    """A set of document numbers as the bits of one integer."""
    bits = bytearray((size >> 3) + 1)
    for doc in docnums:
        bits[doc >> 3] |= 1 << (doc & 7)
    return int.from_bytes(bits, "little")


def members(mask: int) -> list[int]:
    """The document numbers in a mask, ascending."""
    if mask <= 0:
        return []
    bits = bin(mask)[:1:-1]
    return [i for i, bit in enumerate(bits) if bit == "1"]


def _leaf_ids(matcher) -> Iterator[tuple[int, ...]]:
    """Document numbers of one segment's postings, a block at a time (Whoosh's own blocks)."""
    if isinstance(matcher, FilterMatcher):  # deleted documents: the live mask removes them
        matcher = matcher.child
    fast = all(hasattr(matcher, a) for a in ("_read_ids", "_next_block", "_ids", "_i"))
    if not fast:  # another codec: one posting at a time
        yield tuple(matcher.all_ids())
        return
    while matcher.is_active():
        if matcher._ids is None:
            matcher._read_ids()
        yield matcher._ids[matcher._i :]
        matcher._next_block()


class Bitsets:
    """Per index generation: live documents, term masks (LRU) and the date order."""

    def __init__(self, searcher) -> None:
        self.searcher = searcher
        self.size = searcher.doc_count_all()
        reader = searcher.reader()
        self.live = as_mask(reader.all_doc_ids(), self.size)
        self._terms: OrderedDict[tuple[str, str], int] = OrderedDict()
        self._by_date: list[int] | None = None

    def term(self, fieldname: str, text: str) -> int:
        """The live documents holding this term."""
        key = (fieldname, text)
        mask = self._terms.get(key)
        if mask is not None:
            self._terms.move_to_end(key)
            return mask
        bits = bytearray((self.size >> 3) + 1)
        for sub, offset in self.searcher.leaf_searchers():
            reader = sub.reader()
            if (fieldname, text) not in reader:
                continue
            for ids in _leaf_ids(reader.postings(fieldname, text)):
                for doc in ids:
                    doc += offset
                    bits[doc >> 3] |= 1 << (doc & 7)
        mask = int.from_bytes(bits, "little") & self.live
        self._terms[key] = mask
        if len(self._terms) > POSTINGS_KEPT:
            self._terms.popitem(last=False)
        return mask

    def weights(self, fieldname: str, text: str, docs: list[int]) -> dict[int, float]:
        """The term's weight (its count) in each of these sorted documents that holds it.

        Blocks without one of the documents are skipped unread; inside a block, bisection.
        """
        found: dict[int, float] = {}
        for sub, offset in self.searcher.leaf_searchers():
            reader = sub.reader()
            local = [d - offset for d in docs if offset <= d < offset + reader.doc_count_all()]
            if not local or (fieldname, text) not in reader:
                continue
            matcher = reader.postings(fieldname, text)
            if isinstance(matcher, FilterMatcher):
                matcher = matcher.child
            if not hasattr(matcher, "_read_weights"):  # another codec: the generic way
                for doc in local:
                    if not matcher.is_active():
                        break
                    matcher.skip_to(doc)
                    if matcher.is_active() and matcher.id() == doc:
                        found[doc + offset] = matcher.weight()
                continue
            i = 0
            while matcher.is_active() and i < len(local):
                if matcher.block_max_id() < local[i]:
                    matcher._next_block()
                    continue
                matcher._read_ids()
                matcher._read_weights()
                ids, weights = matcher._ids, matcher._weights
                while i < len(local) and local[i] <= ids[-1]:
                    j = bisect_left(ids, local[i])
                    if j < len(ids) and ids[j] == local[i]:
                        found[local[i] + offset] = weights[j]
                    i += 1
                matcher._next_block()
        return found

    def query(self, q: Query) -> int:
        """The live documents a query of terms, ANDs and ORs matches (others ask Whoosh)."""
        if isinstance(q, Term):
            return self.term(q.fieldname, q.text)
        if isinstance(q, Every):
            return self.live
        if isinstance(q, And):
            mask = self.live
            for sub in q.subqueries:
                mask &= self.query(sub)
                if not mask:
                    break
            return mask
        if isinstance(q, Or):
            mask = 0
            for sub in q.subqueries:
                mask |= self.query(sub)
            return mask
        return as_mask(self.searcher.docs_for_query(q), self.size) & self.live

    def by_date(self) -> list[int]:
        """Every live document, newest first (read once per generation)."""
        if self._by_date is None:
            dates = self.searcher.reader().column_reader("date")
            self._by_date = sorted(members(self.live), key=lambda doc: (dates[doc], -doc), reverse=True)
        return self._by_date


def first_in(order: list[int], mask: int, count: int) -> list[int]:
    """The first `count` documents of `order` that are in `mask`."""
    bits = mask.to_bytes((mask.bit_length() >> 3) + 1, "little")
    found = []
    for doc in order:
        if (doc >> 3) < len(bits) and bits[doc >> 3] >> (doc & 7) & 1:
            found.append(doc)
            if len(found) == count:
                break
    return found


def tiers(matched: int, bonuses: list[tuple[int, float]], cap: int = 64) -> list[tuple[float, int]]:
    """Split the matched documents by the sum of the bonuses they earn: (bonus, mask), best first."""
    groups: dict[float, int] = {0.0: matched}
    for mask, weight in bonuses:
        if len(groups) >= cap:
            break
        split: dict[float, int] = {}
        for bonus, docs in groups.items():
            inside = docs & mask
            if inside:
                split[bonus + weight] = split.get(bonus + weight, 0) | inside
            outside = docs & ~mask
            if outside:
                split[bonus] = split.get(bonus, 0) | outside
        groups = split
    return sorted(groups.items(), key=lambda g: -g[0])
