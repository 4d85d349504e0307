"""Search, suggestions and related stories on PostgreSQL: the same parse, the same ranking tiers.

What a reader typed is read by query.parse, exactly as for Whoosh; each unit becomes a
tsquery of the pre-analysed lexemes (pg_backend). Ranking keeps Whoosh's tiers (exact
diacritics, title words, adjacent words, a decision's holder) as one CASE sum, then orders by
ts_rank_cd over the body words with their field weights (A title, B head, C text). Facets
are counted over every match with one GROUP BY. Typos and "did you mean" reuse query.py's
logic through a reader whose word lists come from `search_word` (pg_trgm) and whose
document frequencies are counts over the GIN index.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from contextlib import contextmanager

from sqlalchemy import text
from sqlalchemy.orm import Session, scoped_session

from showcase.extensions import db
from showcase.search import query
from showcase.search.analysis import decision_key, exact_terms, fold_word, has_marks, normalise, pair, words
from showcase.search.pg_backend import FACETS, PREFIXES, quote
from showcase.search.query import Parsed, Unit, allowed_typos, distance

WEIGHTS = "{0.1, 0.2, 0.4, 1.0}"  # D, C, B, A: text 0.2, head 0.4, title 1.0
SHOWN = "d.id, d.type, d.url, d.label, d.meta, d.text"
NORMALISATION = 1  # ts_rank_cd divided by 1 + log(document length), as BM25 favours short texts
TYPO_SIMILARITY = "0.2"  # pg_trgm threshold for candidate words; edits are then counted exactly


class Reader:
    """What query.py asks of a Whoosh reader, answered by PostgreSQL (memoised per search)."""

    def __init__(self, session: Session | scoped_session) -> None:
        self.session = session
        self._frequency: dict[tuple[str, str], int] = {}
        self.known: set[str] = set()  # words of the query the site has (read at once)

    def learn(self, folded: list[str]) -> None:
        """Which of these folded words the site has: one lookup instead of a count per word."""
        sql = text("SELECT word FROM search_word WHERE word = ANY(:words)")
        self.known |= set(self.session.scalars(sql, {"words": sorted(set(folded))}))

    def doc_frequency(self, fieldname: str, term: str) -> int:
        key = (fieldname, term)
        if key not in self._frequency:
            lexeme = quote(PREFIXES[fieldname] + term)
            sql = text("SELECT count(*) FROM search_document WHERE tsv @@ CAST(:q AS tsquery)")
            self._frequency[key] = int(self.session.scalar(sql, {"q": lexeme}) or 0)
        return self._frequency[key]

    def terms_within(self, fieldname: str, word: str, maxdist: int, prefix: int = 0):
        """The site's folded words within `maxdist` edits of `word` that some document holds."""
        self.session.execute(
            text("SELECT set_config('pg_trgm.similarity_threshold', :t, true)"), {"t": TYPO_SIMILARITY}
        )
        sql = text(
            "SELECT DISTINCT folded FROM search_word WHERE folded % :w AND left(folded, :p) = left(:w, :p)"
        )
        for term in self.session.scalars(sql, {"w": word, "p": prefix}):
            if distance(term, word) <= maxdist and self.doc_frequency(fieldname, term):
                yield term


class Spelling(dict):
    """Folded word → the ways the site writes it in titles and heads, most documents first."""

    def __init__(self, reader: Reader) -> None:
        super().__init__()
        self.reader = reader

    def get(self, word, default=None):  # looked up on demand
        if word not in self:
            sql = text("SELECT word FROM search_word WHERE folded = :w")
            found = [
                (-self.reader.doc_frequency("exact", w), w)
                for w in self.reader.session.scalars(sql, {"w": word})
            ]
            self[word] = [w for n, w in sorted(found) if n]
        return super().get(word) or default


class Searcher:
    """Enough of a Whoosh searcher for query.did_you_mean."""

    def __init__(self, reader: Reader) -> None:
        self._reader = reader

    def reader(self) -> Reader:
        return self._reader


class Backend:
    def __init__(self, reader: Reader) -> None:
        self.cache = {"spelling": Spelling(reader)}


def _either(terms: tuple[str, ...]) -> str:
    if len(terms) == 1:
        return quote(terms[0])
    return "(" + " & ".join(quote("p:" + pair(a, b)) for a, b in zip(terms, terms[1:], strict=False)) + ")"


def unit_query(unit: Unit, reader: Reader, body: list[str]) -> str:
    """query.unit_query as tsquery text; the body words it asks for are added to `body`."""
    if unit.kind == "decision":
        return quote("d:" + decision_key(unit.text))
    options = [unit.folded] + list(unit.alternatives)
    if unit.kind == "word" and not unit.alternatives:
        word = unit.folded[0]
        if word not in reader.known and allowed_typos(word) and not reader.doc_frequency("body", word):
            unit.fuzzy = True
            options += [(near,) for near in query.nearest(reader, word)]
    body += [o[0] for o in options if len(o) == 1]
    return "(" + " | ".join(_either(o) for o in options) + ")"


def bonuses(parsed: Parsed) -> list[tuple[str, float]]:
    """query.bonus_masks as (SQL condition, bonus)."""
    found: list[tuple[str, float]] = []
    textual = [u for u in parsed.units if u.kind in ("word", "phrase")]
    typed = [w for u in textual for w in u.text.split()]
    for word in sorted({w for w in typed if has_marks(w)}):
        found += [(quote("te:" + word), 2000.0), (quote("e:" + word), 1000.0)]
    folded = [w for u in textual for w in u.folded]
    found += [(quote("t:" + w), 300.0) for w in sorted(set(folded))]
    found += [
        (quote("p:" + pair(a, b)), 100.0) for a, b in sorted(set(zip(folded, folded[1:], strict=False)))
    ]
    numbers = [u for u in parsed.units if u.kind == "decision"]
    if numbers:
        found.append(("type=exemplar", 2000.0))
    for unit in numbers:
        pairs = [quote("p:" + pair(a, b)) for a, b in zip(unit.folded, unit.folded[1:], strict=False)]
        if pairs:
            found.append((" & ".join(pairs), 1500.0))
    return found


@contextmanager
def index_scans(session):
    """Within this block the planner reads matches through the GIN indexes.

    Its cost model does not count detoasting a tsvector (several KB a document), so on a
    small heap it prefers a sequential scan that reads every tsvector: 25 ms for a count at
    2,000 documents, where the index answers in under a millisecond.
    """
    session.execute(text("SET LOCAL enable_seqscan = off"))
    yield  # on an error the transaction is rolled back, and the setting with it
    session.execute(text("SET LOCAL enable_seqscan = on"))


def _bonus_sql(parsed: Parsed, params: dict) -> str:
    """The bonus of a row as SQL: each condition is a set of ids read from the GIN index once."""
    terms = []
    for i, (condition, weight) in enumerate(bonuses(parsed)):
        if condition == "type=exemplar":
            terms.append(f"CASE WHEN d.type = 'exemplar' THEN {weight} ELSE 0 END")
        else:
            params[f"b{i}"] = condition
            terms.append(
                f"CASE WHEN d.id IN (SELECT id FROM search_document WHERE tsv @@ CAST(:b{i} AS tsquery)) "
                f"THEN {weight} ELSE 0 END"
            )
    return " + ".join(terms) or "0"


CACHED_RESULTS = 500  # pages of results kept per process and data generation


def search(parsed: Parsed, filters: dict[str, str], sort: str, page: int, per_page: int, cache: dict):
    """One page of results, in the shape of showcase.search.Results.

    Pages are kept per data generation (showcase/generation.py): every write to the rows
    changes it, on every node, so a kept page is never older than the database.
    """
    from showcase import generation

    if generation.pending_writes():  # this session sees changes that may still roll back
        with index_scans(db.session):
            return _search(parsed, filters, sort, page, per_page)
    token = generation.current()
    if "results" not in cache or cache["generation"] != token:  # None: a database never written
        cache.clear()
        cache["generation"], cache["results"] = token, OrderedDict()
    kept: OrderedDict = cache["results"]
    key = (parsed.text, tuple(sorted(filters.items())), sort, page, per_page)
    if key in kept:
        kept.move_to_end(key)
        return kept[key]
    with index_scans(db.session):
        results = _search(parsed, filters, sort, page, per_page)
    kept[key] = results
    if len(kept) > CACHED_RESULTS:
        kept.popitem(last=False)
    return results


def _search(parsed: Parsed, filters: dict[str, str], sort: str, page: int, per_page: int):
    from showcase.search import Results

    session = db.session
    reader = Reader(session)
    params: dict = {"filters": [f"{n}={v}" for n, v in sorted(filters.items())]}
    where = ["d.facets @> CAST(:filters AS text[])"] if filters else ["TRUE"]
    body: list[str] = []
    if not parsed.empty:
        reader.learn([u.folded[0] for u in parsed.units if u.kind == "word" and not u.alternatives])
        params["q"] = " & ".join(unit_query(u, reader, body) for u in parsed.units)
        where.append("d.tsv @@ CAST(:q AS tsquery)")
        if filters:  # the words' index finds the rows, the filter checks them: reading the rows of a
            # whole movement through the facets' index would test each one's tsvector (detoasted)
            where[0] = "(d.facets || CAST('{}' AS text[])) @> CAST(:filters AS text[])"
    condition = " AND ".join(where)
    facets = (
        f"SELECT f, count(*) FROM search_document AS d, unnest(d.facets) AS f WHERE {condition} GROUP BY f"
    )
    counts = session.execute(text(facets), params).all()
    results = Results(terms=parsed.highlight_terms())
    results.facets = {name: {} for name in FACETS}
    for value, n in counts:
        name, _, v = value.partition("=")
        if name in results.facets:
            results.facets[name][v] = n
    results.total = sum(results.facets["type"].values())
    params |= {"limit": per_page, "offset": (page - 1) * per_page, "end": page * per_page}
    if sort == "date" or parsed.empty:
        sql = (
            f"SELECT {SHOWN} FROM search_document AS d WHERE {condition} "
            "ORDER BY d.date DESC, d.id LIMIT :limit OFFSET :offset"
        )
    else:
        # the bonus tiers first (no tsvector read); ts_rank_cd only inside the tiers the page reaches
        params["rank"] = " | ".join(quote(w) for w in dict.fromkeys(body)) or None
        score = f"ts_rank_cd(CAST('{WEIGHTS}' AS float4[]), d.tsv, CAST(:rank AS tsquery), {NORMALISATION})"
        sql = (
            f"WITH m AS MATERIALIZED (SELECT d.id, d.date, {_bonus_sql(parsed, params)} AS bonus "
            f"FROM search_document AS d WHERE {condition}), "
            "cut AS (SELECT min(bonus) AS bonus FROM "
            "(SELECT bonus FROM m ORDER BY bonus DESC LIMIT :end) AS t) "
            f"SELECT {SHOWN} FROM m JOIN search_document AS d ON d.id = m.id "
            "WHERE m.bonus >= (SELECT bonus FROM cut) "
            f"ORDER BY m.bonus DESC, COALESCE({score}, 0) DESC, m.date DESC, m.id LIMIT :limit OFFSET :offset"
        )
    results.documents = [dict(r) for r in session.execute(text(sql), params).mappings()]
    results.ids = [d["id"] for d in results.documents]
    results.fuzzy = [u.text for u in parsed.units if u.fuzzy]
    if not parsed.empty and (results.total == 0 or results.fuzzy):
        if page == 1:
            samples = [d["label"] for d in results.documents[:5]]
        else:
            params |= {"limit": 5, "offset": 0, "end": 5}
            samples = [r["label"] for r in session.execute(text(sql), params).mappings()]
        results.suggestion = query.did_you_mean(Backend(reader), Searcher(reader), parsed, samples)
    return results


def suggestions(raw: str, limit: int = 8) -> list[dict]:
    """query.suggestions: places, names and titles that start with what was typed."""
    typed = normalise(raw or "")[:100].lower()
    ws = [fold_word(w) for w in words(typed)][:6]
    if not ws:
        return []
    q = " & ".join([quote("t:" + w) for w in ws[:-1]] + [quote("t:" + ws[-1]) + ":*"])
    wanted = " ".join(ws)

    def folded(value: str) -> str:
        return " " + " ".join(fold_word(w) for w in words(value)) + " "

    with index_scans(db.session):
        rows = db.session.execute(
            text(
                "SELECT label, url, type, alias FROM search_document WHERE tsv @@ CAST(:q AS tsquery) "
                "ORDER BY length(label), id LIMIT 60"
            ),
            {"q": q},
        ).all()
    candidates = []
    for label, url, kind, alias in rows:
        if f" {wanted}" not in folded(label):  # typed by a former name: say so
            former = [a for a in alias.split("\n") if a and f" {wanted}" in folded(a)]
            if former:
                label = f"{former[0]}, nay thuộc {label}"
        key = (f" {wanted}" not in folded(label), typed not in label.lower(), kind == "story", len(label))
        candidates.append((key, {"label": label, "url": url, "type": kind}))
    candidates.sort(key=lambda c: c[0])
    return [item for _, item in candidates[:limit]]


def similar_story_ids(story_id: int, title: str, limit: int, common_share: int, min_common: int) -> list[int]:
    """similar.story_ids: stories whose titles share this title's rare words, rarest first."""
    with index_scans(db.session):
        return _similar(story_id, title, limit, common_share, min_common)


def _similar(story_id: int, title: str, limit: int, common_share: int, min_common: int) -> list[int]:
    reader = Reader(db.session)
    total = int(db.session.scalar(text("SELECT count(*) FROM search_document")) or 0)
    common = max(min_common, total // common_share)
    rare = {}
    for word in sorted(set(exact_terms(title))):
        n = reader.doc_frequency("title_exact", word)
        if 2 <= n <= common:
            rare[word] = math.log(total / (n + 1)) + 1
    if not rare:
        return []
    params: dict = {
        "q": " | ".join(quote("te:" + w) for w in rare),
        "id": f"story:{story_id}",
        "limit": limit,
    }
    score = []
    for i, (word, idf) in enumerate(rare.items()):
        params[f"w{i}"] = quote("te:" + word)
        score.append(f"CASE WHEN tsv @@ CAST(:w{i} AS tsquery) THEN {idf} ELSE 0 END")
    rows = db.session.scalars(
        text(
            "SELECT id FROM search_document "
            "WHERE type = 'story' AND id <> :id AND tsv @@ CAST(:q AS tsquery) "
            f"ORDER BY {' + '.join(score)} DESC, date DESC, id LIMIT :limit"
        ),
        params,
    )
    return [int(i.split(":", 1)[1]) for i in rows]
