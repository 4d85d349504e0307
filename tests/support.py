"""Helpers shared by the test modules: throwaway databases, apps, images, snapshots."""

from __future__ import annotations

import io
import os
import re
import uuid
from pathlib import Path

from flask import current_app
from flask.testing import FlaskClient
from PIL import Image
from sqlalchemy import create_engine, text

from showcase import create_app
from showcase.extensions import db

PG_URL = os.environ.get("TEST_DATABASE_URL")


class Database:
    """A throwaway database: a SQLite file, or a PostgreSQL schema dropped at the end."""

    def __init__(self, directory: Path) -> None:
        self.schema = None
        if PG_URL:
            self.schema = f"t_{uuid.uuid4().hex[:12]}"
            self.admin = create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1))
            with self.admin.begin() as conn:
                conn.execute(text(f'CREATE SCHEMA "{self.schema}"'))
            _trigram_extension(self.admin)
            sep = "&" if "?" in PG_URL else "?"
            # public after our schema: pg_trgm lives there, as on a production database
            self.url = f"{PG_URL}{sep}options=-csearch_path%3D{self.schema}%2Cpublic"
        else:
            self.url = f"sqlite:///{directory / 'test.sqlite3'}"

    def drop(self) -> None:
        if self.schema:
            with self.admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{self.schema}" CASCADE'))
            self.admin.dispose()


def _trigram_extension(engine) -> None:
    """pg_trgm in the public schema, once per database (the search backend's typo lookups)."""
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public"))
    except Exception:  # another test process created it at the same moment
        pass


class IsolatedClient(FlaskClient):
    """A test client whose every request gets its own application context, as in production.

    Without this, a request made while a test holds an app context reuses it: `g` (and so
    Flask-Login's cached user) and the database session would leak from one request to the next.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


def build_app(directory: Path, database: Database):
    """Create an app on `database` with every table, media under `directory`."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-" + uuid.uuid4().hex,
            "SQLALCHEMY_DATABASE_URI": database.url,
            "MEDIA_ROOT": str(directory / "media"),
            "SEARCH_INDEX_DIR": str(directory / "search_index"),
            "SERVER_NAME": "localhost",
            "ARGON2": {"time_cost": 1, "memory_cost": 1024, "parallelism": 1},  # fast, still argon2id
            "LOGIN_LIMITS": "1000 per minute",
            "LOGIN_ADDRESS_LIMITS": "1000 per minute",
            "LOGIN_SLOWDOWN": "1000 per minute",
            "API_RATE_LIMITS": "100000 per minute",  # the fuzz alone asks the API hundreds of times
            # per process: fast, and nothing shared with another test run (test_limit_storage.py
            # covers the default, a SQLite file shared by the machine's processes)
            "RATELIMIT_STORAGE_URI": "memory://",
        }
    )
    app.test_client_class = IsolatedClient
    with app.app_context():
        db.create_all()
    app.extensions["search"].rebuild([])  # an empty index, kept in step by every commit
    return app


def empty_database() -> None:
    """Delete every row of every table and empty the search index (inside an app context)."""
    db.session.remove()
    with db.engine.begin() as conn:
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(table.delete())
    current_app.extensions["search"].rebuild([])


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table, in primary-key order (to compare database states); not the
    search tables, which are derived from the others (backups leave them out too)."""
    db.session.expire_all()
    with db.engine.connect() as conn:
        return {
            table.name: [tuple(row) for row in conn.execute(table.select().order_by(*table.primary_key))]
            for table in db.metadata.sorted_tables
            if not table.info.get("derived")
        }


def image_bytes(width: int = 64, height: int = 48, fmt: str = "JPEG", color=(180, 40, 40)) -> bytes:
    """Build an image in memory."""
    buf = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buf, fmt)
    return buf.getvalue()


TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def csrf_token(client: FlaskClient, url: str = "/dang-nhap") -> str:
    """The CSRF token of the form on a page (the `csrf` fixture)."""
    html = client.get(url).get_data(as_text=True)
    match = TOKEN.search(html)
    assert match, f"no CSRF token on {url}"
    return match.group(1) or match.group(2)
