"""What the content importer writes, and only this: every record it creates or changes goes
through `records.save` (an audit row with source=import, a revision where one is kept), new
images through the media code, and the whole import is one transaction."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import select

from showcase.extensions import db
from showcase.media import images
from showcase.media.storage import Storage
from showcase.models import Exemplar, MediaAsset, Story, StoryStatus
from showcase.services import consent, exemplars, records
from showcase.services.errors import ServiceError

SOURCE = "import"


def save(record: Any, values: dict[str, Any], created: bool) -> list[str]:
    """Save one imported record (no user: the import did it); return the names of the values
    that changed (all of them for a new record)."""
    return records.save(record, values, by=None, created=created, source=SOURCE)


def exemplar_values(exemplar: Exemplar, values: dict[str, Any]) -> dict[str, Any]:
    """An imported exemplar's values checked like an editor's (the consent record whole, dates
    not in the future): raise ServiceError."""
    return exemplars.check_consent(exemplar, values)


def check_story(story: Story | None, values: dict[str, Any], status: StoryStatus) -> None:
    """Refuse to import a story that would be public about a person without consent, or spelling
    the full name of a minor shown by initials: a new published story, or a story already
    published (or scheduled) given a person or a text."""
    people = values.get("exemplars", [])
    texts = {name: str(values.get(name) or "") for name in consent.PLACES}
    then = "rồi nhập lại"
    message = ""
    if story is None:
        if status == StoryStatus.PUBLISHED:
            message = consent.publish_refusal(None, people, texts, then=then)
    elif story.status == StoryStatus.PUBLISHED or story.publish_at is not None:
        message = " ".join(
            m
            for m in [
                consent.refusal([e for e in people if e not in story.exemplars], then),
                *consent.name_warnings(story, people, texts),
            ]
            if m
        )
    if message:
        raise ServiceError(message)


def find_image(data: bytes) -> MediaAsset | None:
    """The stored image uploaded with exactly these bytes, if any."""
    return db.session.scalar(select(MediaAsset).filter_by(sha256=hashlib.sha256(data).hexdigest()))


def new_image(data: bytes, name: str, checked: tuple[str, str, int, int], dry_run: bool) -> MediaAsset:
    """A new image for `save(…, created=True)`: stored with its renditions, or, in a dry run,
    only described from `checked` (images.inspect's answer): no file is written."""
    if not dry_run:
        return images.store_image(data, original_name=name)
    extension, content_type, width, height = checked
    return MediaAsset(
        file=Storage.key_for(data, extension),
        sha256=hashlib.sha256(data).hexdigest(),
        original_name=name[:200],
        content_type=content_type,
        width=width,
        height=height,
        renditions=[],
    )


@contextmanager
def transaction(dry_run: bool) -> Iterator[None]:
    """Run an import all or nothing: commit at the end, roll back on an error or a dry run."""
    try:
        yield
        if dry_run:
            db.session.rollback()
        else:
            db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
