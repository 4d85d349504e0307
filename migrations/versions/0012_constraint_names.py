"""Name every primary key, foreign key and unique constraint by the naming convention.

Constraints made before the convention (showcase/extensions.py NAMING_CONVENTION) carry the
database's own names (PostgreSQL's `story_pkey`, `story_slug_key`, `story_field_id_fkey`) or
none at all (SQLite). PostgreSQL renames them in place; SQLite rebuilds each table with the
convention (migrations/env.py keeps foreign keys unenforced meanwhile, so no row is lost).
The migration reads the live schema, so it names whatever the migrations before it made.

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

# the convention as it was when this migration was written (the models' may change later)
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def wanted_names(inspector, table: str) -> list[tuple[str | None, str]]:
    """(current name, conventional name) of each of the table's constraints."""
    pairs: list[tuple[str | None, str]] = []
    pk = inspector.get_pk_constraint(table)
    if pk.get("constrained_columns"):
        pairs.append((pk.get("name"), f"pk_{table}"))
    for fk in inspector.get_foreign_keys(table):
        columns = "_".join(fk["constrained_columns"])
        pairs.append((fk.get("name"), f"fk_{table}_{columns}_{fk['referred_table']}"))
    for unique in inspector.get_unique_constraints(table):
        pairs.append((unique.get("name"), f"uq_{table}_{'_'.join(unique['column_names'])}"))
    return pairs


def _tables(inspector) -> list[str]:
    return [t for t in inspector.get_table_names() if t != "alembic_version"]


def upgrade() -> None:
    bind = op.get_bind()
    inspector = sa.inspect(bind)
    if bind.dialect.name == "postgresql":
        for table in _tables(inspector):
            for current, wanted in wanted_names(inspector, table):
                if current and current != wanted:
                    op.execute(f'ALTER TABLE "{table}" RENAME CONSTRAINT "{current}" TO "{wanted}"')
        return
    for table in _tables(inspector):
        if any(current != wanted for current, wanted in wanted_names(inspector, table)):
            with op.batch_alter_table(table, recreate="always", naming_convention=NAMING):
                pass


def downgrade() -> None:
    """The names stay: nothing older depends on them."""
