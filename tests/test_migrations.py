"""`flask db upgrade` builds exactly the schema the models describe (SQLite and PostgreSQL)."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from showcase import create_app
from showcase.extensions import db
from tests.support import Database


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
                context = MigrationContext.configure(conn, opts={"compare_type": True})
                assert compare_metadata(context, db.metadata) == []
            db.engine.dispose()
    finally:
        database.drop()
