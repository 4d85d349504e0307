"""What changed between two revisions, word by word, field by field, for people to read.

Read-only: nothing here writes. Revisions keep related records by slug (images by id); they
are shown by their names. Every piece of user text is escaped token by token before it is
wrapped in <del>/<ins>; only our own tags are ever marked safe.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from difflib import SequenceMatcher
from typing import Any

from markupsafe import Markup, escape
from sqlalchemy import select

from showcase.dates import format_date
from showcase.extensions import db
from showcase.markup import nfc
from showcase.models import AuditLog, Locality, MediaAsset, Revision, Story
from showcase.services import snapshots
from showcase.services.revisions import LABELS

EMPTY = "—"  # what an empty value reads as
CONTEXT_PARAGRAPHS = 1  # unchanged paragraphs kept around a change; longer runs fold
_WORDS = re.compile(r"(\S+)(\s*)")
_PARAGRAPHS = re.compile(r"\n\s*\n")


@dataclass
class Row:
    """One line of the side-by-side view: the old text on the left, the new on the right."""

    kind: str  # "same", "change" or "gap" (unchanged paragraphs folded)
    old: Markup = Markup("")
    new: Markup = Markup("")
    folded: int = 0  # for a gap: how many paragraphs are not shown


@dataclass
class FieldDiff:
    name: str
    label: str
    rows: list[Row] = field(default_factory=list)


@dataclass
class Comparison:
    changed: list[FieldDiff]
    unchanged: list[str]  # labels of the fields that are the same


# --- words -------------------------------------------------------------------------------------


def tokens(text: str) -> list[tuple[str, str]]:
    """Words (punctuation stays attached) with the whitespace that follows each, NFC."""
    text = nfc(text.replace("\r\n", "\n"))
    return [(m.group(1), m.group(2)) for m in _WORDS.finditer(text)]


def _run(words: list[tuple[str, str]], tag: str | None) -> Markup:
    """A run of words, escaped, wrapped in `tag`; the run's last whitespace stays outside."""
    if not words:
        return Markup("")
    inner = Markup("").join(escape(w) + escape(space) for w, space in words[:-1]) + escape(words[-1][0])
    outside = escape(words[-1][1])
    if tag is None:
        return inner + outside
    return Markup("<{0}>{1}</{0}>").format(Markup(tag), inner) + outside


def word_diff(old: str, new: str) -> tuple[Markup, Markup]:
    """The old text with removed words in <del>, the new with added words in <ins>."""
    a, b = tokens(old), tokens(new)
    matcher = SequenceMatcher(None, [w for w, _ in a], [w for w, _ in b], autojunk=False)
    left, right = Markup(""), Markup("")
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            left += _run(a[i1:i2], None)
            right += _run(b[j1:j2], None)
        else:
            left += _run(a[i1:i2], "del")
            right += _run(b[j1:j2], "ins")
    return left, right


def _plain(text: str) -> Markup:
    return _run(tokens(text), None)


def text_rows(old: str, new: str) -> list[Row]:
    """Rows for a text: paragraphs aligned first, then words within the paragraphs that changed;
    long unchanged stretches fold into one "gap" row."""
    pa = [p for p in _PARAGRAPHS.split(nfc(old or "").strip()) if p]
    pb = [p for p in _PARAGRAPHS.split(nfc(new or "").strip()) if p]
    if len(pa) <= 1 and len(pb) <= 1:
        left, right = word_diff(old or "", new or "")
        return [Row("change", left, right)]
    rows: list[Row] = []
    opcodes = SequenceMatcher(None, pa, pb, autojunk=False).get_opcodes()
    for index, (op, i1, i2, j1, j2) in enumerate(opcodes):
        if op == "equal":
            same = pa[i1:i2]
            head = same[:CONTEXT_PARAGRAPHS] if index > 0 else []
            tail = same[-CONTEXT_PARAGRAPHS:] if index < len(opcodes) - 1 else []
            if len(head) + len(tail) >= len(same):
                head, tail = same, []
            for text in head:
                rows.append(Row("same", _plain(text), _plain(text)))
            folded = len(same) - len(head) - len(tail)
            if folded:
                rows.append(Row("gap", folded=folded))
            for text in tail:
                rows.append(Row("same", _plain(text), _plain(text)))
        else:
            left, right = word_diff("\n\n".join(pa[i1:i2]), "\n\n".join(pb[j1:j2]))
            rows.append(Row("change", left, right))
    return rows


# --- values as people read them -------------------------------------------------------------


def _names(model: type, keys: list[Any]) -> dict[Any, str]:
    """Names of related records by the key a revision keeps (slug; id for images)."""
    if not keys:
        return {}
    if model is MediaAsset:
        assets = db.session.scalars(select(MediaAsset).where(MediaAsset.id.in_(keys))).all()
        return {a.id: str(a) for a in assets}
    rows: list[Any] = list(db.session.scalars(select(model).where(model.slug.in_(keys))))  # type: ignore[attr-defined]
    return {r.slug: (r.full_name if model is Locality else r.name) for r in rows}


def _missing(key: Any, model: type) -> str:
    return f"Ảnh số {key} (đã xóa)" if model is MediaAsset else f"{key} (không còn)"


def _related_rows(name: str, old: Any, new: Any) -> list[Row]:
    model = snapshots.RELATED[name]
    if isinstance(old, list) or isinstance(new, list):
        a, b = list(old or []), list(new or [])
        names = _names(model, sorted(set(a) | set(b), key=str))
        label = {k: names.get(k) or _missing(k, model) for k in set(a) | set(b)}

        def listing(keys: list[Any], tag: str, other: list[Any]) -> Markup:
            items = sorted(keys, key=lambda k: label[k].casefold())
            parts = [
                Markup("<{0}>{1}</{0}>").format(Markup(tag), label[k]) if k not in other else escape(label[k])
                for k in items
            ]
            return Markup("; ").join(parts) if parts else Markup(EMPTY)

        return [Row("change", listing(a, "del", b), listing(b, "ins", a))]
    names = _names(model, [k for k in (old, new) if k is not None])

    def one(key: Any) -> str:
        return EMPTY if key is None else names.get(key) or _missing(key, model)

    return [Row("change", *word_diff(one(old), one(new)))]


def _readable(record_type: type, name: str, value: Any) -> str:
    """A plain value as it reads: enum labels, dates dd/mm/yyyy, empty as a dash."""
    if value is None or value == "":
        return EMPTY
    try:
        typed = snapshots.read(record_type, name, value)
    except (AttributeError, KeyError, ValueError, TypeError):  # a field the model no longer has
        typed = value
    if hasattr(typed, "label"):
        return str(typed.label)
    if isinstance(typed, (date, datetime)):
        return format_date(typed)
    return str(value)


_TEXTS = {"title", "slug", "summary", "body_md", "byline", "broadcast_summary", "bio_md", "reason"}


def compare(record_type: type, old: dict[str, Any], new: dict[str, Any]) -> Comparison:
    """Field by field, what differs between two snapshots of one kind of record."""
    changed, unchanged = [], []
    names = list(new) + [n for n in old if n not in new]
    for name in names:
        a, b = old.get(name), new.get(name)
        label = LABELS.get(name, name)
        if a == b or (isinstance(a, list) and isinstance(b, list) and sorted(a) == sorted(b)):
            unchanged.append(label)
            continue
        if name in snapshots.RELATED:
            rows = _related_rows(name, a, b)
        elif name in _TEXTS:
            rows = text_rows(a or "", b or "")
        else:
            rows = text_rows(_readable(record_type, name, a), _readable(record_type, name, b))
        changed.append(FieldDiff(name, label, rows))
    return Comparison(changed, unchanged)


# --- "what was approved" against "now" ------------------------------------------------------


@dataclass
class Baseline:
    """A story's revision at a moment that matters (its last publish, a request for changes)."""

    revision: Revision
    at: datetime  # the moment (of the audit row)
    action: str


def last_action_at(story_ids: list[int], actions: tuple[str, ...]) -> dict[int, datetime]:
    """For each story, when one of `actions` last happened to it (from the audit log)."""
    if not story_ids:
        return {}
    rows = db.session.execute(
        select(AuditLog.object_id, db.func.max(AuditLog.at))
        .where(
            AuditLog.object_type == Story.__name__,
            AuditLog.object_id.in_(story_ids),
            AuditLog.action.in_(actions),
        )
        .group_by(AuditLog.object_id)
    ).all()
    return {sid: at for sid, at in rows if sid is not None}


def baseline(story: Story, action: str = "publish") -> Baseline | None:
    """The last revision kept at or before the story's last `action` (None when it never
    happened, or no revision is that old)."""
    at = last_action_at([story.id], (action,)).get(story.id)
    if at is None:
        return None
    revision = db.session.scalar(
        select(Revision)
        .where(
            Revision.object_type == Story.__name__,
            Revision.object_id == story.id,
            Revision.created_at <= at,
        )
        .order_by(Revision.created_at.desc(), Revision.id.desc())
        .limit(1)
    )
    return Baseline(revision, at, action) if revision is not None else None


def against_now(story: Story, action: str = "publish") -> tuple[Baseline, Comparison] | None:
    """The story as it was at its last `action` against the story as it is now."""
    found = baseline(story, action)
    if found is None:
        return None
    return found, compare(Story, found.revision.data, snapshots.snapshot(story))


__all__ = [
    "Baseline",
    "Comparison",
    "FieldDiff",
    "Row",
    "against_now",
    "baseline",
    "compare",
    "last_action_at",
    "text_rows",
    "tokens",
    "word_diff",
]
