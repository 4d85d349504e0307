"""What the index holds: one document per published story and per public exemplar."""

from __future__ import annotations

import html
import re
from collections import Counter
from datetime import datetime
from functools import lru_cache

from slugify import slugify
from whoosh.fields import DATETIME, ID, KEYWORD, STORED, FieldType, Schema
from whoosh.formats import Existence, Frequency
from whoosh.system import pack_uint

from showcase.dates import format_date
from showcase.models import Exemplar, Locality, Story
from showcase.public_names import public_name
from showcase.search.analysis import (
    decision_key,
    decisions_in,
    exact_analyzer,
    exact_terms,
    folded_analyzer,
    folded_terms,
    normalise,
    pair_terms,
    pairs_analyzer,
)

TAGS = re.compile(r"<[^>]+>")
# where a block of text ends in sanitised HTML: a snippet never runs one block into the next
BLOCK_END = re.compile(
    r"<br\s*/?>|</(?:p|h[1-6]|li|blockquote|figcaption|caption|tr|td|th|dt|dd|pre|div)>", re.I
)
LABELS = {"story": "Bài viết", "exemplar": "Điển hình", "locality": "Địa phương"}


class FastText(FieldType):
    """A text field indexed by a plain function of the text (the same terms as its analyzer).

    Whoosh runs an analyzer token by token in Python; these fields count terms with C-speed
    string operations instead, which is most of a rebuild's time.
    """

    def __init__(self, terms, analyzer, counted: bool) -> None:
        # scorable even when only presence matters: the field then has a length column, and
        # Whoosh does not stat() the disk for a missing column once per posting on commit
        super().__init__(Frequency() if counted else Existence(), analyzer, scorable=True)
        self.terms = terms
        self.counted = counted

    def index(self, value, **kwargs):
        terms = self.terms(value)
        if self.counted:
            for word, freq in Counter(terms).items():
                yield word.encode("utf-8"), freq, float(freq), pack_uint(freq)
        else:
            for word in set(terms):
                yield word.encode("utf-8"), 1, 1.0, b""


def exact_pairs(text: str) -> list[str]:
    """Adjacent words as written, lower case, line by line ("thủy nguyên"): the spelling dictionary."""
    found = []
    for line in text.split("\n"):
        ws = exact_terms(line)
        found += [f"{a} {b}" for a, b in zip(ws, ws[1:], strict=False)]
    return found


def build_schema() -> Schema:
    """Folded fields for recall, word pairs for phrases and proximity, exact words for ranking.

    What a result shows (label, meta line, snippet text) is stored, prepared at index time:
    the search page reads no story body from the database.
    """
    folded, exact = folded_analyzer(), exact_analyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        type=ID(stored=True),
        updated=STORED(),
        label=STORED(),
        url=STORED(),
        meta=STORED(),
        text=STORED(),  # blocks (summary, headings, paragraphs) one a line, NFC
        alias=STORED(),  # a locality's former units, for suggestions
        title=FastText(folded_terms, folded, counted=True),
        body=FastText(folded_terms, folded, counted=True),
        pairs=FastText(pair_terms, pairs_analyzer(), counted=False),
        exact=FastText(exact_terms, exact, counted=False),
        title_exact=FastText(exact_terms, exact, counted=False),
        phrases=FastText(exact_pairs, exact, counted=False),
        decision=KEYWORD(commas=True),
        movement=KEYWORD(commas=True),
        field=KEYWORD(commas=True),
        locality=KEYWORD(commas=True),
        year=KEYWORD(commas=True),
        kind=KEYWORD(commas=True),
        form=KEYWORD(commas=True),
        date=DATETIME(sortable=True),
    )


def plain_text(html_text: str) -> str:
    """Return the readable text of sanitised HTML."""
    return html.unescape(TAGS.sub(" ", html_text))


def text_blocks(html_text: str) -> list[str]:
    """The blocks of sanitised HTML (paragraphs, headings, list items) as plain NFC lines."""
    text = html.unescape(TAGS.sub(" ", BLOCK_END.sub("\n", html_text)))
    return [line for line in (" ".join(part.split()) for part in normalise(text).split("\n")) if line]


def _blocks(*parts: str) -> str:
    return "\n".join(" ".join(normalise(p).split()) for p in parts if p and p.strip())


@lru_cache(maxsize=1024)
def form_key(form: str) -> str:
    """The facet value of a commendation form."""
    return slugify(form)


def current_unit(locality: Locality) -> Locality:
    """Follow `replaced_by` to the unit that exists today."""
    seen = set()
    while locality.replaced_by is not None and locality.id not in seen:
        seen.add(locality.id)
        locality = locality.replaced_by
    return locality


def place_names(locality: Locality) -> list[str]:
    """Names a reader may use for a place: the unit, its parents, its successor, its predecessors."""
    names, todo, seen = [], [locality], set()
    while todo:
        unit = todo.pop()
        if unit.id in seen:
            continue
        seen.add(unit.id)
        names.append(unit.full_name)
        if unit.parent:
            todo.append(unit.parent)
        if unit.replaced_by:
            todo.append(unit.replaced_by)
        if unit is locality:
            todo.extend(unit.replaced)
    return names


def _join(*parts: str) -> str:
    return normalise("\n".join(p for p in parts if p))


def _decisions(exemplars: list[Exemplar]) -> list[str]:
    numbers = []
    for e in exemplars:
        for c in e.commendations:
            numbers += [c.decision_no] + ([c.revoked_decision_no] if c.revoked_decision_no else [])
    return numbers


def _decision_field(numbers: list[str], *texts: str) -> str:
    """Decision numbers as whole tokens: the commendations' and those written in the text."""
    keys = {decision_key(n) for n in numbers if n} | {k for t in texts for k in decisions_in(t)}
    return ",".join(sorted(keys))


def story_document(story: Story) -> dict:
    """The index document of a published story."""
    exemplars = list(story.exemplars)
    commendations = [c for e in exemplars for c in e.commendations]
    title = normalise(story.title)
    names = normalise(" ".join(public_name(e) for e in exemplars))
    head = _join(  # what a story is about: exact diacritics count here (kept short: it is costly)
        story.summary,
        " ".join(public_name(e) for e in exemplars),
        " ".join(e.organisation for e in exemplars if e.organisation),
        " ".join(e.role for e in exemplars if e.role),
        " ".join(place_names(story.locality)),
        " ".join(m.name for m in story.movements),
        story.field.name,
        " ".join(c.form for c in commendations),
    )
    blocks = text_blocks(story.body_html)
    # the commendations' numbers are words of the body, not of its text: a word pair "1245 qđ"
    # in `pairs` then means the text cites the decision (ranked first)
    body = _join(head, "\n".join(blocks), story.byline)
    numbers = " ".join(_decisions(exemplars))
    return {
        "id": f"story:{story.id}",
        "type": "story",
        "updated": max([story.updated_at] + [e.updated_at for e in exemplars]).isoformat(),
        "label": title,
        "url": f"/bai-viet/{story.slug}",
        "meta": f"Bài viết · {format_date(story.published_at)} · {story.locality.full_name}",
        "text": _blocks(story.summary, *blocks),
        "title": f"{title}\n{names}",  # names weigh like the title
        "body": f"{title}\n{body}\n{numbers}",
        "pairs": f"{title}\n{body}",
        "exact": f"{title}\n{head}",
        "title_exact": f"{title}\n{names}",
        # the spelling dictionary: titles, names and places (what did-you-mean should prefer)
        "phrases": _join(title, *(public_name(e) for e in exemplars), *place_names(story.locality)),
        "decision": _decision_field(_decisions(exemplars), story.summary, body),
        "movement": ",".join(m.slug for m in story.movements),
        "field": story.field.slug,
        "locality": current_unit(story.locality).slug,
        "year": str(story.published_at.year) if story.published_at else "",
        "kind": ",".join(sorted({e.kind.value for e in exemplars})),
        "form": ",".join(sorted({form_key(c.form) for c in commendations})),
        "date": story.published_at or datetime(1970, 1, 1),
    }


def exemplar_document(exemplar: Exemplar, stories: list[Story]) -> dict:
    """The index document of an exemplar with at least one published story."""
    commendations = list(exemplar.commendations)
    title = normalise(public_name(exemplar))
    head = _join(
        exemplar.role,
        exemplar.organisation,
        " ".join(place_names(exemplar.locality)),
        " ".join(c.form for c in commendations),
        " ".join({m.name for s in stories for m in s.movements}),
    )
    blocks = text_blocks(exemplar.bio_html)
    body = _join(head, "\n".join(blocks))
    numbers = " ".join(_decisions([exemplar]))
    dates = [s.published_at for s in stories if s.published_at]
    # role and organisation are one block, so they never run into the first sentence of the bio
    work = ", ".join(x for x in (exemplar.role, exemplar.organisation) if x and x.strip())
    return {
        "id": f"exemplar:{exemplar.id}",
        "type": "exemplar",
        "updated": max([exemplar.updated_at] + [s.updated_at for s in stories]).isoformat(),
        "label": title,
        "url": f"/dien-hinh/{exemplar.slug}",
        "meta": f"Điển hình · {exemplar.kind.label} · {exemplar.locality.full_name}",
        "text": _blocks(f"{work}." if work and work[-1] not in ".!?…" else work, *blocks),
        "title": title,
        "body": f"{title}\n{body}\n{numbers}",
        "pairs": f"{title}\n{body}",
        "exact": f"{title}\n{head}",
        "title_exact": title,
        "phrases": _join(title, *place_names(exemplar.locality)),
        "decision": _decision_field(_decisions([exemplar]), body),
        "movement": ",".join(sorted({m.slug for s in stories for m in s.movements})),
        "field": ",".join(sorted({s.field.slug for s in stories})),
        "locality": current_unit(exemplar.locality).slug,
        "year": "",
        "kind": exemplar.kind.value,
        "form": ",".join(sorted({form_key(c.form) for c in commendations})),
        "date": max(dates) if dates else datetime(1970, 1, 1),
    }


def locality_version(locality: Locality) -> str:
    """What a locality's document was built from: its row, its parent's and its former units'."""
    parts = [f"{locality.id}.{locality.version}"]
    if locality.parent is not None:
        parts.append(f"p{locality.parent.id}.{locality.parent.version}")
    parts += [f"r{u.id}.{u.version}" for u in sorted(former_units(locality), key=lambda u: u.id)]
    return "locality:" + ",".join(parts)


def former_units(locality: Locality) -> list[Locality]:
    """Every unit merged into this one, directly or through another merged unit."""
    found, todo, seen = [], list(locality.replaced), {locality.id}
    while todo:
        unit = todo.pop()
        if unit.id in seen:
            continue
        seen.add(unit.id)
        found.append(unit)
        todo.extend(unit.replaced)
    return sorted(found, key=lambda u: u.full_name)


def locality_document(locality: Locality) -> dict:
    """The index document of a unit that exists today; its former units are names it answers to."""
    title = normalise(locality.full_name)
    former = [normalise(u.full_name) for u in former_units(locality)]
    names = "\n".join([title] + former)
    parent = f"Thuộc {locality.parent.full_name}." if locality.parent is not None else ""
    merged = f"Được hình thành từ {', '.join(former)}." if former else ""
    return {
        "id": f"locality:{locality.id}",
        "type": "locality",
        "updated": locality_version(locality),
        "label": title,
        "url": f"/dia-phuong/{locality.slug}",
        "meta": f"Địa phương · {locality.kind.label}",
        "text": _blocks(" ".join(x for x in (parent, merged) if x)),
        "alias": former,
        "title": names,
        "body": f"{names}\n{parent}",
        "pairs": names,
        "exact": names,
        "title_exact": names,
        "phrases": names,
        "decision": "",
        "movement": "",
        "field": "",
        "locality": locality.slug,
        "year": "",
        "kind": "",
        "form": "",
        "date": datetime(1970, 1, 1),
    }
