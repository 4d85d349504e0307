"""Keep the index equal to the database: after-commit updates, rebuild, catch-up, status.

Changes are collected on every flush and written only after the transaction commits, so a
rolled-back change never reaches the index (microblog's SearchableMixin, made flush-safe).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from flask import Flask, current_app
from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session, selectinload

from showcase.extensions import db
from showcase.models import Commendation, Exemplar, Field, Locality, Movement, Story, story_exemplars
from showcase.search.schema import exemplar_document, locality_document, locality_version, story_document
from showcase.visibility import has_published_story, is_published, story_is_public

log = logging.getLogger(__name__)
PENDING = "search_pending"
BATCH = 500


def _story_options():
    return (
        selectinload(Story.exemplars).selectinload(Exemplar.commendations),
        selectinload(Story.movements),
        selectinload(Story.field),
        selectinload(Story.locality).selectinload(Locality.replaced),
    )


def _exemplar_options():
    return (
        selectinload(Exemplar.commendations),
        selectinload(Exemplar.locality).selectinload(Locality.replaced),
        selectinload(Exemplar.stories).selectinload(Story.movements),
        selectinload(Exemplar.stories).selectinload(Story.field),
    )


def _locality_options():
    return (selectinload(Locality.parent), selectinload(Locality.replaced).selectinload(Locality.replaced))


def locality_documents(session: Session, locality_ids: Iterable[int]) -> tuple[list[dict], list[str]]:
    """Documents for these localities: a unit that exists today is one; a merged unit is a name
    of its successor (whose document is rewritten) and has none of its own."""
    ids = set(locality_ids)
    if not ids:
        return [], []
    current = _current_units(session, ids)
    units = session.scalars(
        select(Locality).where(Locality.id.in_(current)).options(*_locality_options())
    ).all()
    return [locality_document(u) for u in units], [f"locality:{i}" for i in ids - current]


def _current_units(session: Session, ids: set[int]) -> set[int]:
    """The units that exist today among these localities and the successors of merged ones."""
    rows = session.scalars(select(Locality).where(Locality.id.in_(ids))).all() if ids else []
    current = {u.id for u in rows if u.replaced_by_id is None}
    for unit in rows:  # a merged unit's name, or its own merged units, live in today's unit
        seen = set()
        while unit.replaced_by is not None and unit.id not in seen:
            seen.add(unit.id)
            unit = unit.replaced_by
        if unit.replaced_by_id is None:
            current.add(unit.id)
    return current


def _public_stories_of(exemplar: Exemplar) -> list[Story]:
    return [s for s in exemplar.stories if story_is_public(s)]


def _touched(
    session: Session, story_ids: Iterable[int], exemplar_ids: Iterable[int]
) -> tuple[set[int], set[int]]:
    """The stories and exemplars whose documents these rows change: a story's document shows its
    exemplars' names and commendations, an exemplar's shows its stories (one level, no further)."""
    story_ids, exemplar_ids = set(story_ids), set(exemplar_ids)
    if exemplar_ids:
        rows = session.execute(
            select(story_exemplars.c.story_id).where(story_exemplars.c.exemplar_id.in_(exemplar_ids))
        )
        story_ids |= {r[0] for r in rows}
    if story_ids:
        rows = session.execute(
            select(story_exemplars.c.exemplar_id).where(story_exemplars.c.story_id.in_(story_ids))
        )
        exemplar_ids |= {r[0] for r in rows}
    return story_ids, exemplar_ids


def document_ids(
    session: Session, story_ids: Iterable[int], exemplar_ids: Iterable[int], locality_ids: Iterable[int] = ()
) -> set[str]:
    """The ids of the documents documents_for would write or delete, without building them."""
    stories, exemplars = _touched(session, story_ids, exemplar_ids)
    places = set(locality_ids)
    return (
        {f"story:{i}" for i in stories}
        | {f"exemplar:{i}" for i in exemplars}
        | {f"locality:{i}" for i in places | _current_units(session, places)}
    )


def documents_for(
    session: Session, story_ids: Iterable[int], exemplar_ids: Iterable[int], locality_ids: Iterable[int] = ()
) -> tuple[list[dict], list[str]]:
    """Build the documents to write and the ids to delete for these rows."""
    story_ids, exemplar_ids = _touched(session, story_ids, exemplar_ids)
    upserts, deletes = [], []
    if story_ids:
        public = set(session.scalars(select(Story.id).where(Story.id.in_(story_ids), is_published())))
        stories = session.scalars(select(Story).where(Story.id.in_(public)).options(*_story_options())).all()
        upserts += [story_document(s) for s in stories]
        deletes += [f"story:{i}" for i in story_ids - public]
    if exemplar_ids:
        public = set(
            session.scalars(select(Exemplar.id).where(Exemplar.id.in_(exemplar_ids), has_published_story()))
        )
        exemplars = session.scalars(
            select(Exemplar).where(Exemplar.id.in_(public)).options(*_exemplar_options())
        ).all()
        upserts += [exemplar_document(e, _public_stories_of(e)) for e in exemplars]
        deletes += [f"exemplar:{i}" for i in exemplar_ids - public]
    more, gone = locality_documents(session, locality_ids)
    return upserts + more, deletes + gone


def all_documents(session: Session) -> Iterator[dict]:
    """Every document the index should hold, built in batches."""
    ids = session.scalars(select(Story.id).where(is_published()).order_by(Story.id)).all()
    for start in range(0, len(ids), BATCH):
        stories = session.scalars(
            select(Story).where(Story.id.in_(ids[start : start + BATCH])).options(*_story_options())
        ).all()
        yield from (story_document(s) for s in stories)
        session.expunge_all()
    ids = session.scalars(select(Exemplar.id).where(has_published_story()).order_by(Exemplar.id)).all()
    for start in range(0, len(ids), BATCH):
        exemplars = session.scalars(
            select(Exemplar).where(Exemplar.id.in_(ids[start : start + BATCH])).options(*_exemplar_options())
        ).all()
        yield from (exemplar_document(e, _public_stories_of(e)) for e in exemplars)
        session.expunge_all()
    current = select(Locality).where(Locality.replaced_by_id.is_(None)).options(*_locality_options())
    yield from (locality_document(u) for u in session.scalars(current))
    session.expunge_all()


def _backend():
    return current_app.extensions["search"]


def rebuild(procs: int = 1) -> int:
    """Recreate the index from the database; return the number of documents."""
    with Session(db.engine) as session:
        return _backend().rebuild(all_documents(session), procs=procs)


def expected_versions(session: Session) -> dict[str, str]:
    """What the index should hold: document id → version, read from the database."""
    versions: dict[str, str] = {}
    stories = dict(session.execute(select(Story.id, Story.updated_at).where(is_published())).all())
    for sid, updated in stories.items():
        versions[f"story:{sid}"] = updated.isoformat()
    exemplars = dict(session.execute(select(Exemplar.id, Exemplar.updated_at)).all())
    links = session.execute(select(story_exemplars.c.story_id, story_exemplars.c.exemplar_id)).all()
    for sid, eid in links:
        if sid not in stories:
            continue
        story_key = f"story:{sid}"
        versions[story_key] = max(versions[story_key], exemplars[eid].isoformat())
        ex_key = f"exemplar:{eid}"
        versions[ex_key] = max(versions.get(ex_key, exemplars[eid].isoformat()), stories[sid].isoformat())
    current = select(Locality).where(Locality.replaced_by_id.is_(None)).options(*_locality_options())
    for unit in session.scalars(current):
        versions[f"locality:{unit.id}"] = locality_version(unit)
    return versions


@dataclass
class CatchUp:
    added: int
    updated: int
    deleted: int
    complete: bool


def catch_up() -> CatchUp:
    """Bring the index level with the database: add, refresh and delete what differs."""
    backend = _backend()
    if not backend.exists() or not backend.readable():  # missing, damaged or of an older version
        rebuild()
        return CatchUp(backend.count(), 0, 0, True)
    with Session(db.engine) as session:
        expected = expected_versions(session)
        indexed = backend.versions()
        missing = [k for k in expected if k not in indexed]
        stale = [k for k in expected if k in indexed and indexed[k] != expected[k]]
        extra = [k for k in indexed if k not in expected]
        ids: dict[str, set[int]] = {"story": set(), "exemplar": set(), "locality": set()}
        for key in missing + stale:
            kind, _, num = key.partition(":")
            ids[kind].add(int(num))
        complete = True
        for start in range(0, max(len(ids["story"]), 1), BATCH):
            chunk = sorted(ids["story"])[start : start + BATCH]
            upserts, _ = documents_for(session, chunk, [])
            upserts = [d for d in upserts if d["type"] == "story"]
            complete &= backend.apply(upserts, [])
        upserts, _ = documents_for(session, [], ids["exemplar"], ids["locality"])
        complete &= backend.apply(upserts, extra)
    return CatchUp(len(missing), len(stale), len(extra), complete)


def status() -> dict:
    """Documents in the index against what the database publishes, and the watermark."""
    backend = _backend()
    with Session(db.engine) as session:
        expected = expected_versions(session)
    result = {
        "published_stories": sum(1 for k in expected if k.startswith("story:")),
        "public_exemplars": sum(1 for k in expected if k.startswith("exemplar:")),
        "exists": backend.exists(),
        "indexed_stories": 0,
        "indexed_exemplars": 0,
        "watermark": None,
        "differences": len(expected),
    }
    if result["exists"]:
        indexed = backend.versions()
        result["indexed_stories"] = sum(1 for k in indexed if k.startswith("story:"))
        result["indexed_exemplars"] = sum(1 for k in indexed if k.startswith("exemplar:"))
        result["watermark"] = max(
            (v for k, v in indexed.items() if not k.startswith("locality:")), default=None
        )
        result["differences"] = sum(1 for k in expected if indexed.get(k) != expected[k]) + sum(
            1 for k in indexed if k not in expected
        )
    return result


# --- after-commit updates ---------------------------------------------------------------


def _collect(session: Session, _context) -> None:
    pending = session.info.setdefault(PENDING, {"stories": set(), "exemplars": set(), "taxonomy": set()})
    for obj in list(session.new) + list(session.dirty) + list(session.deleted):
        if isinstance(obj, Story):
            pending["stories"].add(obj.id)
        elif isinstance(obj, Exemplar):
            # a new story only changes the exemplar's collection; that story is indexed anyway
            if obj in session.dirty and not session.is_modified(obj, include_collections=False):
                continue
            pending["exemplars"].add(obj.id)
        elif isinstance(obj, Commendation):
            pending["exemplars"].add(obj.exemplar_id)
        elif isinstance(obj, (Field, Movement, Locality)):
            pending["taxonomy"].add((type(obj), obj.id))
            if isinstance(obj, Locality):  # the unit it used to merge into must forget its name
                for old in inspect(obj).attrs.replaced_by_id.history.deleted or ():
                    pending["taxonomy"].add((Locality, old))


def _affected_by_taxonomy(session: Session, changed: set) -> tuple[set[int], set[int]]:
    """Stories and exemplars whose documents show a changed field, movement or locality."""
    ids = {model: {i for m, i in changed if m is model} for model in (Field, Movement, Locality)}
    stories, exemplars = set(), set()
    if ids[Field]:
        stories |= set(session.scalars(select(Story.id).where(Story.field_id.in_(ids[Field]))))
    if ids[Movement]:
        query = select(Story.id).join(Story.movements).where(Movement.id.in_(ids[Movement]))
        stories |= set(session.scalars(query))
    if ids[Locality]:
        stories |= set(session.scalars(select(Story.id).where(Story.locality_id.in_(ids[Locality]))))
        query = select(Exemplar.id).where(Exemplar.locality_id.in_(ids[Locality]))
        exemplars |= set(session.scalars(query))
    return stories, exemplars


def _neighbours(session: Session, ids: set[int]) -> set[int]:
    """Units whose documents name these: their children (the parent's name) and merged units."""
    if not ids:
        return set()
    query = select(Locality.id).where(Locality.parent_id.in_(ids) | Locality.replaced_by_id.in_(ids))
    return set(session.scalars(query))


def _apply_pending(session: Session) -> None:
    pending = session.info.pop(PENDING, None)
    if not pending or not current_app or "search" not in current_app.extensions:
        return
    stories, exemplars = pending["stories"] - {None}, pending["exemplars"] - {None}
    if not (stories or exemplars or pending["taxonomy"]):
        return
    if not _backend().exists():  # the first search rebuilds it whole, from the database
        return
    try:
        with Session(db.engine) as fresh:
            more_stories, more_exemplars = _affected_by_taxonomy(fresh, pending["taxonomy"])
            places = {i for model, i in pending["taxonomy"] if model is Locality and i is not None}
            places |= _neighbours(fresh, places)
            upserts, deletes = documents_for(
                fresh, stories | more_stories, exemplars | more_exemplars, places
            )
        _backend().apply(upserts, deletes)  # on a lock timeout, catch-up repairs it
    except Exception:  # the commit stands; catch-up repairs the index later
        log.exception("search index update failed; run `flask search catch-up`")


def _discard_pending(session: Session) -> None:
    session.info.pop(PENDING, None)


_listening = threading.Lock()


def init_sync() -> None:
    """Attach the flush/commit/rollback hooks to the shared session (once per process)."""
    with _listening:
        if not event.contains(db.session, "after_flush", _collect):
            event.listen(db.session, "after_flush", _collect)
            event.listen(db.session, "after_commit", _apply_pending)
            event.listen(db.session, "after_rollback", _discard_pending)


# --- a missing or corrupt index ---------------------------------------------------------

_rebuilding = threading.Event()


def rebuild_in_background(app: Flask) -> None:
    """Start one rebuild thread for this process unless one is running."""
    if _rebuilding.is_set():
        return
    _rebuilding.set()

    def run() -> None:
        try:
            with app.app_context():
                rebuild()
        except Exception:
            log.exception("search index rebuild failed")
        finally:
            _rebuilding.clear()

    threading.Thread(target=run, name="search-rebuild", daemon=True).start()


def is_rebuilding() -> bool:
    return _rebuilding.is_set()


def ensure_index(app: Flask) -> None:
    """Rebuild a missing or unreadable index in the background."""
    backend = app.extensions["search"]
    if not backend.exists():
        rebuild_in_background(app)
        return
    try:
        with backend.reading():
            pass
    except Exception:
        rebuild_in_background(app)
