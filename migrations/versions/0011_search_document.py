"""search_document, search_word: the PostgreSQL search backend (SEARCH_BACKEND=postgresql)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 22:30:00

The tables are made on every database (the models name them); the tsvector, text[] and
trigram parts exist on PostgreSQL only, and SQLite gets plain text columns that stay empty.
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    postgres = op.get_bind().dialect.name == 'postgresql'
    if postgres:
        op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
    op.create_table(
        'search_document',
        sa.Column('id', sa.String(length=40), nullable=False),
        sa.Column('type', sa.String(length=20), nullable=False),
        sa.Column('updated', sa.Text(), nullable=False),
        sa.Column('label', sa.Text(), nullable=False),
        sa.Column('url', sa.Text(), nullable=False),
        sa.Column('meta', sa.Text(), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('alias', sa.Text(), nullable=False),
        sa.Column('facets', postgresql.ARRAY(sa.Text()) if postgres else sa.Text(), nullable=False),
        sa.Column('date', sa.DateTime(), nullable=False),
        sa.Column('tsv', postgresql.TSVECTOR() if postgres else sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('search_document', schema=None) as batch_op:
        batch_op.create_index('ix_search_document_tsv', ['tsv'], unique=False, postgresql_using='gin',
                              postgresql_with={'fastupdate': 'off'})
        batch_op.create_index('ix_search_document_facets', ['facets'], unique=False, postgresql_using='gin',
                              postgresql_with={'fastupdate': 'off'})
        batch_op.create_index('ix_search_document_date', ['date'], unique=False)
    op.create_table(
        'search_word',
        sa.Column('word', sa.Text(), nullable=False),
        sa.Column('folded', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('word'),
    )
    with op.batch_alter_table('search_word', schema=None) as batch_op:
        batch_op.create_index(
            'ix_search_word_trgm', ['folded'], unique=False,
            postgresql_using='gin', postgresql_ops={'folded': 'gin_trgm_ops'},
            postgresql_with={'fastupdate': 'off'},
        )
        batch_op.create_index('ix_search_word_folded', ['folded'], unique=False)


def downgrade():
    op.drop_table('search_word')
    op.drop_table('search_document')
