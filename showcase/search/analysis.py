"""Vietnamese text as people type it: NFC, lower case, and folded (no tone or vowel marks, đ→d).

Everything that reaches the index or a query passes through `normalise` first: Whoosh's
tokenizer splits decomposed (NFD) text at the combining marks ("Sơn" would become "so").
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from whoosh.analysis import Filter, LowercaseFilter, RegexTokenizer, ShingleFilter

WORD = re.compile(r"\w+", re.UNICODE)
CONSONANTS = frozenset("bcdghklmnpqrstvx")
# 1234/QĐ-UBND, 56-QĐ/BDVTW, 12/2023/QĐ-UBND: a decision number as typed. At least one part
# holds letters, so a date (27/5/2022) stays a run of words.
DECISION = re.compile(r"\b\d+(?:[/\-–]\d+)*(?:[/\-–][^\W\d_]\w*)+", re.UNICODE)


def _fold_table() -> dict[int, str]:
    table = {ord("đ"): "d", ord("Đ"): "D"}
    for block in ((0x00C0, 0x0250), (0x1E00, 0x1F00)):
        for code in range(*block):
            char = chr(code)
            base = "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))
            if base != char and len(base) == 1:  # one character for one: offsets stay put
                table[code] = base
    return table


FOLD = _fold_table()


CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")


def normalise(text: str) -> str:
    """Return NFC text without control or invisible format characters (queries come from anywhere)."""
    return CONTROL.sub(" ", unicodedata.normalize("NFC", text))


MARKS = re.compile("[\u0300-\u036f]")  # combining marks left over (e.g. from "İ".lower())


def fold_word(word: str) -> str:
    """Fold one lower-case word: strip marks, đ→d, and spell a final i/y one way (sĩ = sỹ)."""
    word = MARKS.sub("", word.translate(FOLD))
    if len(word) > 1 and word[-1] == "y" and word[-2] in CONSONANTS:
        word = word[:-1] + "i"
    return word


def fold(text: str) -> str:
    """Fold a whole text, word by word (for comparing and for suggestions)."""
    return WORD.sub(lambda m: fold_word(m.group().lower()), normalise(text))


def decision_key(number: str) -> str:
    """The one index token of a decision number: folded, lower case, plain hyphens."""
    return fold(number).lower().replace("–", "-")


def decisions_in(text: str) -> list[str]:
    """The decision numbers written in a text, as index tokens."""
    return [decision_key(m.group()) for m in DECISION.finditer(text)]


def spelling_key(word: str) -> tuple[str, str]:
    """A word's letters and marks regardless of where the tone sits: hoà = hòa, thuỷ = thủy, sĩ = sỹ."""
    lower = normalise(word).lower()
    marks = "".join(sorted(c for c in unicodedata.normalize("NFD", lower) if unicodedata.combining(c)))
    return fold_word(lower), marks + "đ" * lower.count("đ")


def has_marks(word: str) -> bool:
    """Tell whether a word carries Vietnamese marks (so exact matches should rank first)."""
    return word.translate(FOLD) != word


class FoldFilter(Filter):
    """Whoosh filter: fold every token."""

    def __call__(self, tokens):
        for t in tokens:
            t.text = fold_word(t.text)
            yield t


def exact_analyzer():
    return RegexTokenizer(r"\w+") | LowercaseFilter()


def folded_analyzer():
    return RegexTokenizer(r"\w+") | LowercaseFilter() | FoldFilter()


def pairs_analyzer():
    """Adjacent folded words as one token ("nong_thon"): phrases and proximity without positions."""
    return folded_analyzer() | ShingleFilter(size=2, sep="_")


def pair(first: str, second: str) -> str:
    return f"{first}_{second}"


# The same terms as the analyzers above, made with C-speed string operations: indexing
# thousands of stories spends its time here, so no per-token Python filter chain.
FINAL_Y = re.compile(r"(?<=[bcdghklmnpqrstvx])y\b")


def exact_terms(text: str) -> list[str]:
    """Words as written, lower case (what exact_analyzer yields): split first, then lower."""
    return " ".join(WORD.findall(text)).lower().split()


def folded_terms(text: str) -> list[str]:
    """Folded words (what folded_analyzer yields)."""
    joined = MARKS.sub("", " ".join(WORD.findall(text)).lower().translate(FOLD))
    return FINAL_Y.sub("i", joined).split()


def pair_terms(text: str) -> list[str]:
    """Adjacent folded word pairs (what pairs_analyzer yields; a lone word stands for itself)."""
    ws = folded_terms(text)
    if len(ws) == 1:
        return ws
    return [f"{a}_{b}" for a, b in zip(ws, ws[1:], strict=False)]


def words(text: str) -> list[str]:
    """Split normalised text into lower-case words (as written)."""
    return [w.lower() for w in WORD.findall(text)]


@lru_cache(maxsize=4)
def load_synonyms(path: str) -> dict[str, list[tuple[str, ...]]]:
    """Read `ABBR = expansion[, expansion…]` lines; map every folded form to its equivalents.

    Each side maps to the others: "ubnd" → [("uy","ban","nhan","dan")] and back.
    """
    groups: list[list[tuple[str, ...]]] = []
    file = Path(path)
    if file.exists():
        for line in file.read_text("utf-8").splitlines():
            line = line.split("#", 1)[0].strip()
            if "=" not in line:
                continue
            left, right = line.split("=", 1)
            forms = [left] + right.split(",")
            group = [tuple(fold_word(w) for w in words(normalise(f))) for f in forms]
            groups.append([g for g in group if g])
    mapping: dict[str, list[tuple[str, ...]]] = {}
    for group in groups:
        for form in group:
            key = " ".join(form)
            mapping.setdefault(key, [])
            mapping[key] += [other for other in group if other != form and other not in mapping[key]]
    return mapping
