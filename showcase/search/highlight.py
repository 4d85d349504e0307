"""Passages with the reader's words marked: original diacritics, everything escaped."""

from __future__ import annotations

from markupsafe import Markup, escape

from showcase.search.analysis import WORD, fold_word, normalise


def _spans(text: str, terms: set[str]) -> list[tuple[int, int]]:
    return [m.span() for m in WORD.finditer(text) if fold_word(m.group().lower()) in terms]


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


def snippet(text: str, terms: set[str], width: int = 36) -> Markup:
    """The passage of about `width` words with the most matches, marked; the start if none."""
    text = " ".join(normalise(text).split())
    tokens = list(WORD.finditer(text))
    if not tokens:
        return Markup("")
    hits = [i for i, m in enumerate(tokens) if fold_word(m.group().lower()) in terms]
    start = 0
    if hits:
        best, j = (0, 0), 0
        for i, first in enumerate(hits):
            while hits[j] < first - width + 1:
                j += 1
            count = i - j + 1
            if count > best[0]:
                best = (count, max(0, hits[j] - 4))
        start = best[1]
    end = min(len(tokens), start + width)
    begin_char = tokens[start].start() if start else 0
    end_char = tokens[end - 1].end() if end < len(tokens) else len(text)
    passage = text[begin_char:end_char]
    marked = _render(passage, _spans(passage, terms))
    prefix = "… " if start else ""
    suffix = " …" if end < len(tokens) else ""
    return Markup(prefix) + marked + Markup(suffix)
