"""Counts shown beside the story editor: words of the body and seconds of the broadcast read-out.

Vietnamese is written one syllable per space-separated word, and a newsreader reads about 2.5
syllables a second, so the read-out's length is its tokens over 2.5. A token counts when it holds
a letter or a digit (Markdown's `##`, `-` and `>` do not). static/js/admin-editor.js counts the
same way while the person types; the page shows these figures when it opens.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

SYLLABLES_PER_SECOND = 2.5
READOUT_LIMIT_SECONDS = 60
_COUNTS = re.compile(r"[^\W_]")  # a letter or a digit, in any script


def words(text: str) -> int:
    """Count the space-separated tokens of a text that hold a letter or a digit."""
    return sum(1 for token in (text or "").split() if _COUNTS.search(token))


def readout_seconds(text: str) -> int:
    """Estimate how many seconds a newsreader needs to read this text aloud (rounded up)."""
    return math.ceil(words(text) / SYLLABLES_PER_SECOND)


@dataclass(frozen=True)
class Counts:
    words: int
    readout_seconds: int

    @property
    def readout_too_long(self) -> bool:
        return self.readout_seconds > READOUT_LIMIT_SECONDS


def counts(body: str, broadcast: str) -> Counts:
    """The figures the editor shows: words of the body, seconds of the broadcast read-out."""
    return Counts(words(body), readout_seconds(broadcast))
