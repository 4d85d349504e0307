"""Passages with the reader's words marked: original diacritics, everything escaped.

The text is folded character for character (str.translate keeps every offset), the folded
query words are found there with one regular expression, and the same offsets are marked
in the original text. A word the reader typed with diacritics marks only that spelling
wherever the text has it (a folded match is marked only in a text without the exact one);
a decision number is marked whole. Passages are cut from one block (a paragraph, a heading,
the summary) at sentence or word boundaries, never run across blocks.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache

from markupsafe import Markup, escape

from showcase.search.analysis import CONSONANTS, FOLD, fold_word, normalise, spelling_key

WIDTH = 240  # characters in a passage
LEAD = 40  # characters shown before the first mark
SENTENCE = re.compile(r"[.!?…][\"”’)»]*\s+(?=\S)")


@dataclass(frozen=True)
class Marks:
    """What to mark: folded words (each with the spellings typed, if any) and whole numbers."""

    words: frozenset[str] = frozenset()
    spellings: frozenset[tuple[str, tuple[str, str]]] = field(default=frozenset())  # (folded, spelling key)
    numbers: frozenset[str] = frozenset()  # decision numbers, folded and lower case
    strict: frozenset[str] = frozenset()  # words whose typed spelling the document has somewhere

    @classmethod
    def of(cls, terms: Iterable[str] | Marks) -> Marks:
        """Marks for a plain set of folded words (any spelling), or the marks themselves."""
        return terms if isinstance(terms, Marks) else cls(words=frozenset(terms))

    def __bool__(self) -> bool:
        return bool(self.words or self.numbers)

    def within(self, *texts: str) -> Marks:
        """These marks for one document: a word whose typed spelling it has anywhere (title or
        text) marks only that spelling in every part of it."""
        if not self.spellings:
            return self
        found: set[str] = set()
        for text in texts:
            found |= _typed_spellings(normalise(text), self)
        return replace(self, strict=frozenset(found))


def _word_pattern(term: str) -> str:
    if len(term) > 1 and term[-1] == "i" and term[-2] in CONSONANTS:
        return re.escape(term[:-1]) + "[iy]"  # sĩ and sỹ fold alike
    return re.escape(term)


@lru_cache(maxsize=256)
def _pattern(marks: Marks) -> re.Pattern | None:
    numbers = [r"[/\-–]".join(re.escape(p) for p in re.split(r"[/\-–]", n)) for n in marks.numbers]
    alternatives = sorted(numbers, key=len, reverse=True)
    alternatives += [_word_pattern(t) for t in sorted(marks.words, key=len, reverse=True)]
    if not alternatives:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)")


def _matches(text: str, marks: Marks) -> list[tuple[int, int, str, bool]]:
    """(start, end, folded word, whether it is spelled as typed) of every match in the text."""
    pattern = _pattern(marks)
    folded = text.lower().translate(FOLD)
    if pattern is None or len(folded) != len(text):
        return []
    wanted: dict[str, set[tuple[str, str]]] = {}
    for word, key in marks.spellings:
        wanted.setdefault(word, set()).add(key)
    found = []
    for m in pattern.finditer(folded):
        start, end = m.span()
        word = fold_word(folded[start:end])
        keys = wanted.get(word)
        found.append((start, end, word, keys is None or spelling_key(text[start:end]) in keys))
    return found


def _typed_spellings(text: str, marks: Marks) -> set[str]:
    typed = {word for word, _ in marks.spellings}
    return {word for _, _, word, exact in _matches(text, marks) if exact and word in typed}


def _spans(text: str, marks: Marks) -> list[tuple[int, int]]:
    """What to mark: a word typed with diacritics only as typed, unless neither this text nor
    its document has that spelling (then the folded match shows why it was found)."""
    found = _matches(text, marks)
    if not marks.spellings:
        return [(s, e) for s, e, _, _ in found]
    typed = {word for word, _ in marks.spellings}
    strict = marks.strict | {word for _, _, word, exact in found if exact and word in typed}
    return [(s, e) for s, e, word, exact in found if exact or word not in strict]


def _render(text: str, spans: list[tuple[int, int]]) -> Markup:
    out, last = [], 0
    for start, end in spans:
        out.append(escape(text[last:start]))
        out.append(Markup("<mark>%s</mark>") % text[start:end])
        last = end
    out.append(escape(text[last:]))
    return Markup("").join(out)


def mark(text: str, terms: Iterable[str] | Marks) -> Markup:
    """Mark every matching word of a short text (a title)."""
    text = normalise(text)
    return _render(text, _spans(text, Marks.of(terms)))


def _best_window(spans: list[tuple[int, int]], width: int) -> tuple[int, int, int]:
    """(marks inside, first mark, last mark end) of the window of `width` with the most marks."""
    best, j = (0, 0, 0), 0
    for i, (first, _) in enumerate(spans):
        while spans[j][0] < first - width + LEAD:
            j += 1
        if i - j + 1 > best[0]:
            best = (i - j + 1, spans[j][0], spans[i][1])
    return best


def _cut(block: str, spans: list[tuple[int, int]], width: int) -> tuple[int, int]:
    """Where a passage of one block starts and ends: at a sentence start when one is near."""
    start = 0
    if spans:
        _, first, last = _best_window(spans, width)
        sentence = max(
            (m.end() for m in SENTENCE.finditer(block, 0, first + 1) if m.end() <= first), default=0
        )
        if first - sentence <= width - (last - first) - 10 and last - sentence <= width:
            start = sentence  # the whole sentence that holds the first mark fits
        elif first > LEAD:
            space = block.find(" ", first - LEAD)
            start = space + 1 if 0 <= space < first else first
    end = min(len(block), start + width)
    if end < len(block):
        stops = [m.start() + 1 for m in SENTENCE.finditer(block, start, end + 1) if m.start() + 1 <= end]
        space = block.rfind(" ", start, end)
        if stops and stops[-1] - start >= width // 2:
            end = stops[-1]
        elif space > start:
            end = space
    return start, end


def snippet(text: str, terms: Iterable[str] | Marks, width: int = WIDTH) -> Markup:
    """The passage of about `width` characters with the most marks, marked; else the start.

    `text` holds one block a line; a passage stays in its block, and a short one continues
    with the next block after a dash, never run into it.
    """
    marks = Marks.of(terms)
    blocks = [" ".join(line.split()) for line in normalise(text).split("\n")]
    blocks = [b for b in blocks if b]
    if not blocks:
        return Markup("")
    # marks are found in the whole text (whether it has a typed spelling anywhere), then per block
    spans: list[list[tuple[int, int]]] = [[] for _ in blocks]
    offsets, position = [], 0
    for b in blocks:
        offsets.append(position)
        position += len(b) + 1
    index = 0
    for s, e in _spans("\n".join(blocks), marks):
        while index + 1 < len(blocks) and s >= offsets[index + 1]:
            index += 1
        spans[index].append((s - offsets[index], e - offsets[index]))
    # the block with the most different words marked, then the most marks, then the first
    score = [
        (len({b[s:e].lower().translate(FOLD) for s, e in sp}), len(sp), -i)
        for i, (b, sp) in enumerate(zip(blocks, spans, strict=True))
    ]
    index = max(range(len(blocks)), key=lambda i: score[i]) if any(spans) else 0
    start, end = _cut(blocks[index], spans[index], width)
    out = Markup("… " if start or index else "")
    out += _passage(blocks[index], spans[index], start, end)
    room = width - (end - start)
    while end == len(blocks[index]) and index + 1 < len(blocks) and room > LEAD:
        previous = blocks[index]
        index += 1
        start, end = _cut(blocks[index], [], room)
        out += Markup(" " if previous[-1] in '.!?…:;”"»)' else " — ")
        out += _passage(blocks[index], spans[index], start, end)
        room -= end - start
    if end < len(blocks[index]) or index + 1 < len(blocks):
        out += Markup(" …")
    return out


def _passage(block: str, spans: list[tuple[int, int]], start: int, end: int) -> Markup:
    inside = [(a - start, b - start) for a, b in spans if a >= start and b <= end]
    return _render(block[start:end], inside)
