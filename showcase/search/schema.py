"""What the index holds: one document per published story and per public exemplar."""

from __future__ import annotations

import html
import re
from datetime import datetime

from slugify import slugify
from whoosh.fields import DATETIME, ID, KEYWORD, STORED, TEXT, Schema

from showcase.models import Exemplar, Locality, Story
from showcase.search.analysis import exact_analyzer, fold, folded_analyzer, normalise

TAGS = re.compile(r"<[^>]+>")


def build_schema() -> Schema:
    """Folded fields for recall (with positions for phrases), exact fields for ranking."""
    folded, exact = folded_analyzer(), exact_analyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        type=ID(stored=True),
        updated=STORED(),
        label=STORED(),
        url=STORED(),
        title=TEXT(analyzer=folded, field_boost=3.0, phrase=True),
        body=TEXT(analyzer=folded, phrase=True),
        exact=TEXT(analyzer=exact, phrase=False),
        title_exact=TEXT(analyzer=exact, phrase=False),
        pairs=KEYWORD(scorable=True),
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


def pairs(text: str) -> str:
    """Adjacent folded word pairs ("nong_thon thon_moi"): adjacency ranks without positions."""
    ws = re.findall(r"\w+", fold(text))
    return " ".join(f"{a}_{b}" for a, b in zip(ws, ws[1:], strict=False))


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
    body = _join(
        story.summary,
        plain_text(story.body_html),
        story.byline,
        " ".join(e.name for e in exemplars),
        " ".join(e.organisation for e in exemplars if e.organisation),
        " ".join(e.role for e in exemplars if e.role),
        " ".join(place_names(story.locality)),
        " ".join(m.name for m in story.movements),
        story.field.name,
        " ".join(c.form for c in commendations),
        " ".join(_decisions(exemplars)),
    )
    return {
        "id": f"story:{story.id}",
        "type": "story",
        "updated": max([story.updated_at] + [e.updated_at for e in exemplars]).isoformat(),
        "label": title,
        "url": f"/bai-viet/{story.slug}",
        "title": title,
        "body": body,
        "exact": f"{title}\n{body}",
        "title_exact": title,
        "pairs": pairs(f"{title}\n{body}"),
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
    body = _join(
        exemplar.role,
        exemplar.organisation,
        plain_text(exemplar.bio_html),
        " ".join(place_names(exemplar.locality)),
        " ".join(c.form for c in commendations),
        " ".join(_decisions([exemplar])),
        " ".join({m.name for s in stories for m in s.movements}),
    )
    dates = [s.published_at for s in stories if s.published_at]
    return {
        "id": f"exemplar:{exemplar.id}",
        "type": "exemplar",
        "updated": max([exemplar.updated_at] + [s.updated_at for s in stories]).isoformat(),
        "label": title,
        "url": f"/dien-hinh/{exemplar.slug}",
        "title": title,
        "body": body,
        "exact": f"{title}\n{body}",
        "title_exact": title,
        "pairs": pairs(f"{title}\n{body}"),
        "decision": ",".join(fold(n).lower() for n in _decisions([exemplar])),
        "movement": ",".join(sorted({m.slug for s in stories for m in s.movements})),
        "field": ",".join(sorted({s.field.slug for s in stories})),
        "locality": current_unit(exemplar.locality).slug,
        "year": "",
        "kind": exemplar.kind.value,
        "form": ",".join(sorted({form_key(c.form) for c in commendations})),
        "date": max(dates) if dates else datetime(1970, 1, 1),
    }
