"""Public codes of commendations: short, random, permanent, easy to read aloud and to type.

The alphabet leaves out the characters people confuse (0/O, 1/I/L), so a code read from a
printed certificate has one spelling; what a person types is normalised (case, spaces,
dashes, full-width characters) before it is looked up.
"""

from __future__ import annotations

import re
import secrets
import unicodedata

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # 31 characters: no 0, O, 1, I, L
LENGTH = 8  # 31**8 ≈ 8.5e11 codes: a guess hits one of 100,000 about once in 8.5 million tries
PATTERN = re.compile(f"^[{ALPHABET}]{{{LENGTH}}}$")
SEPARATORS = re.compile(r"[\s\-‐‑‒–—_.·/]+")


def generate() -> str:
    """Return a new random code (unchecked against the database: see services.codes)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise(raw: str) -> str | None:
    """Return the code a person meant (upper case, no spaces or dashes), or None when the text
    cannot be a code at all."""
    if not raw or len(raw) > 4 * LENGTH:
        return None
    text = SEPARATORS.sub("", unicodedata.normalize("NFKC", raw)).upper()
    return text if PATTERN.match(text) else None


def is_valid(code: str) -> bool:
    """Tell whether a stored or imported code has the right form (already normalised)."""
    return bool(PATTERN.match(code))
