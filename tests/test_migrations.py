"""`flask db upgrade` builds exactly the schema the models describe (SQLite and PostgreSQL)."""

from __future__ import annotations

import re

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from showcase import create_app
from showcase.extensions import db
from tests.support import Database

CAST = re.compile(r"::[a-z ]+(\[\])?$")
TRUTH = {"true": "1", "false": "0"}


def plain_default(text: str | None) -> str | None:
    """A server default however it is spelled: `'[]'::json`, `'[]'`, `('0')` → `[]`, `0`."""
    if text is None:
        return None
    text = text.strip()
    while True:
        bare = CAST.sub("", text.strip("()"))
        if bare == text:
            break
        text = bare
    text = text.strip("'")
    return TRUTH.get(text.lower(), text)


def defaults_differ(
    _context, _inspected, _column, inspected: str | None, _metadata, rendered: str | None
) -> bool:
    """Compare server defaults by value (alembic's own check asks PostgreSQL `json = json`, which fails)."""
    return plain_default(inspected) != plain_default(rendered)


def test_plain_default_reads_each_spelling():
    assert plain_default("'[]'::json") == plain_default("'[]'") == "[]"
    assert plain_default("''::text") == plain_default("''") == ""
    assert plain_default("('0')") == plain_default("false") == "0"
    assert plain_default("'a'::character varying") == "a" and plain_default(None) is None


def test_upgrade_matches_models(tmp_path):
    database = Database(tmp_path)
    try:
        app = create_app(
            {"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": database.url, "MEDIA_ROOT": str(tmp_path / "m")}
        )
        result = app.test_cli_runner().invoke(args=["db", "upgrade"])
        assert result.exit_code == 0, result.output
        with app.app_context():
            with db.engine.connect() as conn:
                tables = set(inspect(conn).get_table_names())
                assert {"story", "exemplar", "commendation", "locality", "user", "audit_log"} <= tables
                context = MigrationContext.configure(
                    conn, opts={"compare_type": True, "compare_server_default": defaults_differ}
                )
                assert compare_metadata(context, db.metadata) == []
            db.engine.dispose()
    finally:
        database.drop()
