"""Passages with the reader's words marked: original diacritics, everything escaped.

The text is folded character for character (str.translate keeps every offset), the folded
query words are found there with one regular expression, and the same offsets are marked
in the original text.
"""

from __future__ import annotations

import re
from functools import lru_cache

from markupsafe import Markup, escape

from showcase.search.analysis import CONSONANTS, FOLD, normalise

WIDTH = 240  # characters in a passage


@lru_cache(maxsize=256)
def _pattern(terms: frozenset[str]) -> re.Pattern | None:
    alternatives = []
    for term in sorted(terms, key=len, reverse=True):
        if len(term) > 1 and term[-1] == "i" and term[-2] in CONSONANTS:
            alternatives.append(re.escape(term[:-1]) + "[iy]")  # sĩ and sỹ fold alike
        else:
            alternatives.append(re.escape(term))
    if not alternatives:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)")


def _spans(text: str, terms: set[str]) -> list[tuple[int, int]]:
    pattern = _pattern(frozenset(terms))
    folded = text.lower().translate(FOLD)
    if pattern is None or len(folded) != len(text):
        return []
    return [m.span() for m in pattern.finditer(folded)]


def _render(text: str, spans: list[tuple[int, int]]) -> Markup:
    out, last = [], 0
    for start, end in spans:
        out.append(escape(text[last:start]))
        out.append(Markup("<mark>%s</mark>") % text[start:end])
        last = end
    out.append(escape(text[last:]))
    return Markup("").join(out)


def mark(text: str, terms: set[str]) -> Markup:
    """Mark every matching word of a short text (a title)."""
    text = normalise(text)
    return _render(text, _spans(text, terms))


def snippet(text: str, terms: set[str], width: int = WIDTH) -> Markup:
    """The passage of about `width` characters with the most matches, marked; else the start."""
    text = " ".join(normalise(text).split())
    spans = _spans(text, terms)
    start = 0
    if spans:
        best, j = (0, 0), 0
        for i, (first, _) in enumerate(spans):
            while spans[j][0] < first - width + 40:
                j += 1
            if i - j + 1 > best[0]:
                best = (i - j + 1, spans[j][0])
        start = max(0, best[1] - 40)
        if start:
            space = text.find(" ", start)
            start = space + 1 if 0 <= space < best[1] else start
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    passage = text[start:end]
    inside = [(a - start, b - start) for a, b in spans if a >= start and b <= end]
    return Markup("… " if start else "") + _render(passage, inside) + Markup(" …" if end < len(text) else "")
