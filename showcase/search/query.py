"""Turn what a reader typed into Whoosh queries, run them, rank, count facets, suggest.

No query parser: the words are read with a regular expression, so no input can be syntax.
Recall comes from folded fields; exact-diacritic matches and adjacent words then rank first
among the top hits (re-ranking only those is what keeps this fast).
"""

from __future__ import annotations

import heapq
import math
import re
from dataclasses import dataclass, field

from whoosh.query import And, Or, Prefix, Query, Term

from showcase.search.analysis import (
    DECISION,
    decision_key,
    fold_word,
    has_marks,
    normalise,
    pair,
    spelling_key,
    words,
)
from showcase.search.bitsets import Bitsets, members, tiers
from showcase.search.highlight import Marks

MAX_QUERY = 300  # characters read from a query
MAX_WORDS = 12
BM25_B, BM25_K1 = 0.75, 1.2  # Whoosh's defaults
FACETS = ("type", "movement", "field", "locality", "year", "kind", "form")
QUOTED = re.compile(r"[\"“”]([^\"“”]+)[\"“”]")


@dataclass
class Unit:
    """One thing the reader asked for: a word, a quoted phrase, a decision number."""

    text: str  # as typed (NFC, lower case)
    folded: tuple[str, ...]
    kind: str  # word | phrase | decision
    alternatives: list[tuple[str, ...]] = field(default_factory=list)  # synonyms
    fuzzy: bool = False


@dataclass
class Parsed:
    units: list[Unit]
    text: str

    @property
    def empty(self) -> bool:
        return not self.units

    def highlight_terms(self) -> Marks:
        """What to mark in titles and snippets: folded words, the spellings typed, whole numbers."""
        terms: set[str] = set()
        spellings: set[tuple[str, tuple[str, str]]] = set()
        numbers: set[str] = set()
        for unit in self.units:
            if unit.kind == "decision":
                numbers.add(decision_key(unit.text))
                continue
            terms |= set(unit.folded)
            for typed, folded in zip(unit.text.split(), unit.folded, strict=False):
                if has_marks(typed):
                    spellings.add((folded, spelling_key(typed)))
            for alt in unit.alternatives:
                terms |= set(alt)
        return Marks(frozenset(terms), frozenset(spellings), frozenset(numbers))


def parse(raw: str, synonyms: dict[str, list[tuple[str, ...]]]) -> Parsed:
    """Read a query string into units; anything that is not a word is ignored."""
    text = normalise(raw or "")[:MAX_QUERY].strip()
    units: list[Unit] = []
    for match in QUOTED.finditer(text):
        ws = words(match.group(1))
        if len(ws) > 1:
            units.append(Unit(" ".join(ws), tuple(fold_word(w) for w in ws), "phrase"))
        elif ws:
            units.append(Unit(ws[0], (fold_word(ws[0]),), "word"))
    rest = QUOTED.sub(" ", text)
    for match in DECISION.finditer(rest):
        number = match.group().lower()
        units.append(Unit(number, tuple(fold_word(w) for w in words(number)), "decision"))
    rest = DECISION.sub(" ", rest)
    ws = words(rest)
    folded = [fold_word(w) for w in ws]
    i = 0
    while i < len(ws):
        for size in (4, 3, 2):  # a multi-word expansion typed out ("ủy ban nhân dân")
            key = " ".join(folded[i : i + size])
            if len(folded[i : i + size]) == size and key in synonyms:
                unit = Unit(" ".join(ws[i : i + size]), tuple(folded[i : i + size]), "phrase")
                unit.alternatives = synonyms[key]
                units.append(unit)
                i += size
                break
        else:
            unit = Unit(ws[i], (folded[i],), "word")
            unit.alternatives = synonyms.get(folded[i], [])
            units.append(unit)
            i += 1
    return Parsed(units[:MAX_WORDS], text)


def _either(terms: tuple[str, ...]) -> Query:
    """One word, or words that must stand together (every adjacent pair present)."""
    if len(terms) == 1:
        return Term("body", terms[0])
    pairs = [Term("pairs", pair(a, b)) for a, b in zip(terms, terms[1:], strict=False)]
    return pairs[0] if len(pairs) == 1 else And(pairs)


def unit_query(unit: Unit, reader) -> Query:
    """The query for one unit, widened by synonyms or, when the word is unknown, by typos."""
    if unit.kind == "decision":  # whole or nothing: "1245/QĐ-UBND" never matches 1702/QĐ-UBND
        return Term("decision", decision_key(unit.text))
    options = [_either(unit.folded)] + [_either(alt) for alt in unit.alternatives]
    if unit.kind == "word" and not unit.alternatives:
        word = unit.folded[0]
        if not reader.doc_frequency("body", word) and allowed_typos(word):
            unit.fuzzy = True
            options += [Term("body", near) for near in nearest(reader, word)]
    return Or(options) if len(options) > 1 else options[0]


def build(parsed: Parsed, reader) -> Query:
    """All units must match."""
    queries = [unit_query(u, reader) for u in parsed.units]
    return queries[0] if len(queries) == 1 else And(queries)


def bonus_masks(bits: Bitsets, parsed: Parsed) -> list[tuple[int, float]]:
    """What lifts a match, as (documents, bonus): exact diacritics, words in the title, adjacent
    words; for a decision number its holder, then a text that cites it."""
    bonuses: list[tuple[int, float]] = []
    textual = [u for u in parsed.units if u.kind in ("word", "phrase")]
    typed = [w for u in textual for w in u.text.split()]
    for word in sorted({w for w in typed if has_marks(w)}):
        bonuses += [(bits.term("title_exact", word), 2000.0), (bits.term("exact", word), 1000.0)]
    folded = [w for u in textual for w in u.folded]
    bonuses += [(bits.term("title", word), 300.0) for word in sorted(set(folded))]
    pairs = sorted(set(zip(folded, folded[1:], strict=False)))
    bonuses += [(bits.term("pairs", pair(a, b)), 100.0) for a, b in pairs]
    numbers = [u for u in parsed.units if u.kind == "decision"]
    if numbers:
        bonuses.append((bits.term("type", "exemplar"), 2000.0))
    for unit in numbers:
        cited = bits.live
        for a, b in zip(unit.folded, unit.folded[1:], strict=False):
            cited &= bits.term("pairs", pair(a, b))
        bonuses.append((cited, 1500.0))
    return [(mask, weight) for mask, weight in bonuses if mask]


def _body_terms(q: Query) -> list[str]:
    """The words of the body field a query asks for (synonyms and near words included)."""
    if isinstance(q, Term):
        return [q.text] if q.fieldname == "body" else []
    return [t for sub in getattr(q, "subqueries", ()) for t in _body_terms(sub)]


def _by_score(bits: Bitsets, searcher, q: Query, docs: list[int], count: int) -> list[int]:
    """The `count` best of these (sorted) documents by BM25 over the body words, best first.

    The same formula as Whoosh's BM25F, computed only for these documents: Whoosh would score
    every match.
    """
    if len(docs) <= 1:
        return docs[:count]
    reader = searcher.reader()
    total = max(searcher.doc_count_all(), 1)
    average = (reader.field_length("body") / total) or 1.0
    scores = dict.fromkeys(docs, 0.0)
    for word in set(_body_terms(q)):
        idf = math.log(total / (reader.doc_frequency("body", word) + 1)) + 1
        for doc, tf in bits.weights("body", word, docs).items():
            norm = (1 - BM25_B) + BM25_B * reader.doc_field_length(doc, "body", 1) / average
            scores[doc] += idf * (tf * (BM25_K1 + 1)) / (tf + BM25_K1 * norm)
    return heapq.nsmallest(count, docs, key=lambda doc: (-scores[doc], doc))


def rank(bits: Bitsets, searcher, parsed: Parsed, q: Query, matched: int, count: int) -> list[int]:
    """The first `count` matches by bonus, then by score: only the groups the page reaches are scored."""
    order: list[int] = []
    for _, group in tiers(matched, bonus_masks(bits, parsed)):
        if len(order) >= count:
            break
        order += _by_score(bits, searcher, q, members(group), count - len(order))
    return order


def facet_masks(backend, searcher, bits: Bitsets) -> dict[str, dict[str, int]]:
    """Documents per facet value, as bit masks, computed once per index generation."""
    cached = backend.cache.get("facets")
    if cached is None:
        cached = {}
        for name in FACETS:
            values: dict[str, int] = {}
            for value in searcher.lexicon(name):
                value = value.decode() if isinstance(value, bytes) else value
                values[value] = bits.term(name, value)
            cached[name] = values
        backend.cache["facets"] = cached
    return cached


def filter_mask(backend, searcher, bits: Bitsets, filters: dict[str, str]) -> int | None:
    """The documents every filter allows (None: no filter)."""
    wanted = [(n, v) for n, v in filters.items() if n in FACETS and v]
    if not wanted:
        return None
    masks = facet_masks(backend, searcher, bits)
    mask = bits.live
    for name, value in wanted:
        mask &= masks[name].get(value, 0)
    return mask


def count_facets(backend, searcher, bits: Bitsets, matched: int) -> dict[str, dict[str, int]]:
    """How many matched documents each facet value holds (values with none are left out)."""
    counts = {}
    for name, values in facet_masks(backend, searcher, bits).items():
        found = {}
        for value, docs in values.items():
            n = (docs & matched).bit_count()
            if n:
                found[value] = n
        counts[name] = found
    return counts


def spelling(backend, searcher) -> dict[str, list[str]]:
    """Folded word → the ways the site writes it with diacritics, most documents first."""
    cached = backend.cache.get("spelling")
    if cached is None:
        found: dict[str, list[tuple[int, str]]] = {}
        reader = searcher.reader()
        for term, info in reader.iter_field("exact"):
            term = term.decode() if isinstance(term, bytes) else term
            found.setdefault(fold_word(term), []).append((-info.doc_frequency(), term))
        cached = {k: [t for _, t in sorted(v)] for k, v in found.items()}
        backend.cache["spelling"] = cached
    return cached


def distance(a: str, b: str) -> int:
    """Levenshtein distance of two short words."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def allowed_typos(word: str) -> int:
    """Edits tolerated in a word: none below 4 letters, one up to 7, two from 8."""
    return 0 if len(word) < 4 else 1 if len(word) < 8 else 2


def nearest(reader, word: str, limit: int = 3) -> list[str]:
    """Indexed words within the allowed typos of `word`: fewest edits, then most documents."""
    found = []
    for term in reader.terms_within("body", word, allowed_typos(word), prefix=1):
        term = term.decode() if isinstance(term, bytes) else term
        if term != word:
            found.append((distance(term, word), -reader.doc_frequency("body", term), term))
    return [term for _, _, term in sorted(found)[:limit]]


def _from_sample(folded: list[str], samples: list[str]) -> list[str | None]:
    """Spell the query as the best-matching run of words in the top results does."""
    best: tuple[int, list[str | None]] = (0, [None] * len(folded))
    for text in samples:
        tokens = words(normalise(text))
        keys = [fold_word(t) for t in tokens]
        for i in range(len(tokens)):
            spelled: list[str | None] = []
            score = 0
            for j, word in enumerate(folded):
                k = i + j
                if k < len(tokens) and (keys[k] == word or distance(keys[k], word) <= allowed_typos(word)):
                    spelled.append(tokens[k])
                    score += 1
                else:
                    spelled.append(None)
            if score > best[0]:
                best = (score, spelled)
    return best[1]


def _candidates(reader, unit: Unit) -> list[str]:
    """Folded words the reader may have meant: the word itself when the site has it, else near ones."""
    word = unit.folded[0]
    if not allowed_typos(word) or reader.doc_frequency("body", word):
        return [word]
    return nearest(reader, word) or [word]


def _likeliest(reader, options: list[list[str]]) -> list[str]:
    """The sequence of candidates whose adjacent pairs the site uses most (then fewest edits)."""
    best = [(0, [c]) for c in options[0]]
    for choices in options[1:]:
        step = []
        for c in choices:
            score, path = max(
                ((s + reader.doc_frequency("pairs", pair(p[-1], c)), p) for s, p in best), key=lambda x: x[0]
            )
            step.append((score, path + [c]))
        best = step
    return max(best, key=lambda x: x[0])[1]


def _phrase_spellings(reader, spelled: dict[str, list[str]], chosen: list[str], typed: list[str | None]):
    """Spell words by the word pairs the site writes (titles, names, places): Thủy Nguyên, not
    "thủy nguyện" although "tình nguyện" is the commoner word. Returns {position: spelling}."""
    out: dict[int, tuple[int, str]] = {}
    for i in range(len(chosen) - 1):
        first, second = typed[i], typed[i + 1]
        firsts = [first] if first else spelled.get(chosen[i], [])[:6]
        seconds = [second] if second else spelled.get(chosen[i + 1], [])[:6]
        best = max(
            ((reader.doc_frequency("phrases", f"{a} {b}"), a, b) for a in firsts for b in seconds),
            default=(0, "", ""),
        )
        if best[0]:
            for position, word in ((i, best[1]), (i + 1, best[2])):
                if position not in out or out[position][0] < best[0]:
                    out[position] = (best[0], word)
    return {i: word for i, (_, word) in out.items()}


def did_you_mean(backend, searcher, parsed: Parsed, samples: list[str]) -> str | None:
    """The query corrected and with diacritics restored, when that differs from what was typed.

    Corrections prefer words that stand together on the site; spellings prefer the word pairs
    the site writes, then the top results' titles, then the commonest spelling of each word.
    """
    spelled = spelling(backend, searcher)
    reader = searcher.reader()
    singles = [u for u in parsed.units if u.kind == "word"]
    if not singles:
        return None
    chosen = _likeliest(reader, [_candidates(reader, u) for u in singles])
    typed = [
        u.text if has_marks(u.text) and fold_word(u.text) == w else None
        for u, w in zip(singles, chosen, strict=True)
    ]
    by_pairs = _phrase_spellings(reader, spelled, chosen, typed)
    from_results = _from_sample(chosen, samples)
    by_unit = {}
    for i, (unit, word, sample) in enumerate(zip(singles, chosen, from_results, strict=True)):
        if typed[i]:
            by_unit[id(unit)] = unit.text
        elif i in by_pairs:
            by_unit[id(unit)] = by_pairs[i]
        elif sample is not None:
            by_unit[id(unit)] = sample
        else:
            by_unit[id(unit)] = (spelled.get(word) or [word])[0]
    suggestion = " ".join(by_unit.get(id(u), u.text) for u in parsed.units)
    typed_text = " ".join(u.text for u in parsed.units)
    return suggestion if suggestion != typed_text else None


def suggestions(searcher, raw: str, limit: int = 8) -> list[dict]:
    """Places, names and titles that start with what was typed (diacritics optional).

    Places and names first, then titles where the typed words stand together, spelled as typed.
    A place typed by a former unit's name is offered as that unit, and leads to today's.
    """
    typed = normalise(raw or "")[:100].lower()
    ws = [fold_word(w) for w in words(typed)][:6]
    if not ws:
        return []
    parts: list[Query] = [Term("title", w) for w in ws[:-1]] + [Prefix("title", ws[-1])]
    query = parts[0] if len(parts) == 1 else And(parts)
    wanted = " ".join(ws)

    def folded(text: str) -> str:
        return " " + " ".join(fold_word(w) for w in words(text)) + " "

    candidates = []
    for hit in searcher.search(query, limit=60):
        label = hit.get("label", "")
        if f" {wanted}" not in folded(label):  # typed by a former name: say so
            former = [a for a in hit.get("alias") or [] if f" {wanted}" in folded(a)]
            if former:
                label = f"{former[0]}, nay thuộc {label}"
        key = (
            f" {wanted}" not in folded(label),
            typed not in label.lower(),
            hit["type"] == "story",
            len(label),
        )
        candidates.append((key, {"label": label, "url": hit["url"], "type": hit["type"]}))
    candidates.sort(key=lambda c: c[0])
    return [item for _, item in candidates[:limit]]
