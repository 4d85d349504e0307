"""What changes data. Views, the admin, the API, the CLI and the importer all call these, and
nothing else adds, changes, deletes or commits a row."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from showcase.extensions import db


@contextmanager
def transaction() -> Iterator[None]:
    """One unit of work: commit what the services did inside it, or roll all of it back."""
    try:
        yield
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise


def commit() -> None:
    """Keep what the services did so far (e.g. the audit row of a refused attempt)."""
    db.session.commit()


def rollback() -> None:
    """Drop what the services did so far."""
    db.session.rollback()
