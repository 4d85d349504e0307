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

from showcase.models import Exemplar, Locality, Story
from showcase.search.analysis import (
    exact_analyzer,
    exact_terms,
    fold,
    folded_analyzer,
    folded_terms,
    normalise,
    pair_terms,
    pairs_analyzer,
)

TAGS = re.compile(r"<[^>]+>")


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


def build_schema() -> Schema:
    """Folded fields for recall, word pairs for phrases and proximity, exact words for ranking."""
    folded, exact = folded_analyzer(), exact_analyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        type=ID(stored=True),
        updated=STORED(),
        label=STORED(),
        url=STORED(),
        title=FastText(folded_terms, folded, counted=True),
        body=FastText(folded_terms, folded, counted=True),
        pairs=FastText(pair_terms, pairs_analyzer(), counted=False),
        exact=FastText(exact_terms, exact, counted=False),
        title_exact=FastText(exact_terms, exact, counted=False),
        decision=KEYWORD(commas=True, lowercase=True),
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


def story_document(story: Story) -> dict:
    """The index document of a published story."""
    exemplars = list(story.exemplars)
    commendations = [c for e in exemplars for c in e.commendations]
    title = normalise(story.title)
    names = normalise(" ".join(e.name for e in exemplars))
    head = _join(  # what a story is about: exact diacritics count here (kept short: it is costly)
        story.summary,
        " ".join(e.name for e in exemplars),
        " ".join(e.organisation for e in exemplars if e.organisation),
        " ".join(e.role for e in exemplars if e.role),
        " ".join(place_names(story.locality)),
        " ".join(m.name for m in story.movements),
        story.field.name,
        " ".join(c.form for c in commendations),
    )
    body = _join(head, plain_text(story.body_html), story.byline, " ".join(_decisions(exemplars)))
    return {
        "id": f"story:{story.id}",
        "type": "story",
        "updated": max([story.updated_at] + [e.updated_at for e in exemplars]).isoformat(),
        "label": title,
        "url": f"/bai-viet/{story.slug}",
        "title": f"{title}\n{names}",  # names weigh like the title
        "body": f"{title}\n{body}",
        "pairs": f"{title}\n{body}",
        "exact": f"{title}\n{head}",
        "title_exact": f"{title}\n{names}",
        "decision": ",".join(fold(n).lower() for n in _decisions(exemplars)),
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
    title = normalise(exemplar.name)
    head = _join(
        exemplar.role,
        exemplar.organisation,
        " ".join(place_names(exemplar.locality)),
        " ".join(c.form for c in commendations),
        " ".join({m.name for s in stories for m in s.movements}),
    )
    body = _join(head, plain_text(exemplar.bio_html), " ".join(_decisions([exemplar])))
    dates = [s.published_at for s in stories if s.published_at]
    return {
        "id": f"exemplar:{exemplar.id}",
        "type": "exemplar",
        "updated": max([exemplar.updated_at] + [s.updated_at for s in stories]).isoformat(),
        "label": title,
        "url": f"/dien-hinh/{exemplar.slug}",
        "title": title,
        "body": f"{title}\n{body}",
        "pairs": f"{title}\n{body}",
        "exact": f"{title}\n{head}",
        "title_exact": title,
        "decision": ",".join(fold(n).lower() for n in _decisions([exemplar])),
        "movement": ",".join(sorted({m.slug for s in stories for m in s.movements})),
        "field": ",".join(sorted({s.field.slug for s in stories})),
        "locality": current_unit(exemplar.locality).slug,
        "year": "",
        "kind": exemplar.kind.value,
        "form": ",".join(sorted({form_key(c.form) for c in commendations})),
        "date": max(dates) if dates else datetime(1970, 1, 1),
    }
