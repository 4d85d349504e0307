"""`flask db upgrade` builds exactly the schema the models describe (SQLite and PostgreSQL)."""

from __future__ import annotations

import re
from datetime import datetime

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import JSON, Boolean, DateTime, Integer, MetaData, inspect, text

from showcase import config, create_app
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


def legacy_world(conn) -> None:
    """A few rows written with the schema the database has now (reflected, not the models': a
    column added by a later migration does not exist yet): places, a field, a movement, an
    exemplar and a story about them."""
    tables = MetaData()
    tables.reflect(conn)

    def insert(table_name: str, /, **values) -> int:
        table = tables.tables[table_name]
        for column in table.columns:
            if column.name in values or column.nullable or column.server_default is not None:
                continue
            if column.primary_key and isinstance(column.type, Integer):
                continue
            if isinstance(column.type, Boolean):
                values[column.name] = False
            elif isinstance(column.type, DateTime):
                values[column.name] = datetime(2024, 5, 1, 3, 0)
            elif isinstance(column.type, Integer):
                values[column.name] = 1
            elif isinstance(column.type, JSON):
                values[column.name] = []
            else:
                values[column.name] = ""
        result = conn.execute(table.insert().values(**values))
        return result.inserted_primary_key[0] if result.inserted_primary_key else 0

    city = insert("locality", slug="hai-phong", name="Hải Phòng", kind="city")
    ward = insert("locality", slug="phuong-do-son", name="Đồ Sơn", kind="ward", parent_id=city)
    field = insert("field", slug="y-te", name="Y tế")
    movement = insert("movement", slug="nong-thon-moi", name="Nông thôn mới", start_year=2011)
    exemplar = insert(
        "exemplar", slug="bac-si-lan-toa", name="Bác sĩ Lan Tỏa", kind="individual", locality_id=ward
    )
    story = insert(
        "story",
        slug="nguoi-thay-thuoc-lang-bien",
        title="Người thầy thuốc làng biển",
        status="in_review",
        field_id=field,
        locality_id=ward,
    )
    insert("story_exemplar", story_id=story, exemplar_id=exemplar)
    insert("story_movement", story_id=story, movement_id=movement)
    conn.commit()


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
            with db.engine.connect() as conn:
                legacy_world(conn)
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
        # every constraint there was is still there (later migrations may add tables of their own)
        tables_before = {table for table, _kind, _columns in old}
        assert {key for key in names if key[0] in tables_before} == set(old)
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
