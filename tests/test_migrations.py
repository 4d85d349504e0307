"""`flask db upgrade` builds exactly the schema the models describe (SQLite and PostgreSQL)."""

from __future__ import annotations

import re

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from showcase import config, create_app
from showcase.extensions import db
from tests.node_world import make_world
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


def constraint_names(conn) -> dict[tuple[str, str, tuple[str, ...]], str | None]:
    """(table, kind, columns) → name of every primary key, foreign key and unique constraint."""
    inspector = inspect(conn)
    names: dict[tuple[str, str, tuple[str, ...]], str | None] = {}
    for table in inspector.get_table_names():
        if table == "alembic_version":
            continue
        pk = inspector.get_pk_constraint(table)
        names[(table, "pk", tuple(pk["constrained_columns"]))] = pk.get("name")
        for fk in inspector.get_foreign_keys(table):
            names[(table, "fk", tuple(fk["constrained_columns"]))] = fk.get("name")
        for unique in inspector.get_unique_constraints(table):
            names[(table, "uq", tuple(unique["column_names"]))] = unique.get("name")
    return names


def before_names() -> str:
    """The revision just before 0012 (the migration that names the constraints)."""
    source = (config.PROJECT_ROOT / "migrations" / "versions" / "0012_constraint_names.py").read_text("utf-8")
    return re.search(r'^down_revision = "(\w+)"', source, re.M).group(1)


def test_existing_constraints_are_renamed_and_no_row_is_lost(tmp_path, monkeypatch):
    """A database made before the naming convention: 0012 names its constraints, keeps its rows."""
    database = Database(tmp_path)
    try:
        app = create_app(
            {"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": database.url, "MEDIA_ROOT": str(tmp_path / "m")}
        )
        runner = app.test_cli_runner()
        before_convention = {"ix": "ix_%(column_0_label)s"}  # SQLAlchemy's default, as it was
        with monkeypatch.context() as patch:
            patch.setattr(db.metadata, "naming_convention", before_convention)
            result = runner.invoke(args=["db", "upgrade", before_names()])
            assert result.exit_code == 0, result.output
        with app.app_context():
            with db.engine.connect() as conn:
                old = constraint_names(conn)
            assert old[("story", "pk", ("id",))] != "pk_story"  # the database's own name, or none
            make_world()
            db.session.remove()
            with db.engine.connect() as conn:
                links = conn.execute(text("SELECT story_id, exemplar_id FROM story_exemplar")).all()
                stories = conn.execute(text("SELECT id, slug, title FROM story")).all()
        assert len(links) == 1
        result = runner.invoke(args=["db", "upgrade"])
        assert result.exit_code == 0, result.output
        with app.app_context():
            with db.engine.connect() as conn:
                names = constraint_names(conn)
                assert conn.execute(text("SELECT story_id, exemplar_id FROM story_exemplar")).all() == links
                assert conn.execute(text("SELECT id, slug, title FROM story")).all() == stories
                context = MigrationContext.configure(
                    conn, opts={"compare_type": True, "compare_server_default": defaults_differ}
                )
                assert compare_metadata(context, db.metadata) == []
            db.engine.dispose()
        # every constraint of the old database is still there (the tables later migrations add
        # bring their own, which the loop below checks too)
        assert {key for key in names if key[0] in {table for table, _kind, _cols in old}} == set(old)
        assert names[("story", "pk", ("id",))] == "pk_story"
        assert names[("story_exemplar", "fk", ("story_id",))] == "fk_story_exemplar_story_id_story"
        assert names[("story", "uq", ("slug",))] == "uq_story_slug"
        for (table, kind, columns), name in names.items():
            expected = {
                "pk": f"pk_{table}",
                "fk": f"fk_{table}_{'_'.join(columns)}_",
                "uq": f"uq_{table}_{'_'.join(columns)}",
            }[kind]
            assert name and name.startswith(expected), (table, kind, columns, name)
    finally:
        database.drop()
