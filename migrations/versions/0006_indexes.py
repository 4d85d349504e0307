"""indexes for every filter, join and sort of the public site; the data generation token

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 18:30:00

"""
import secrets

from alembic import op


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

INDEXES = [
    ('ix_story_exemplar_exemplar_id', 'story_exemplar', ['exemplar_id', 'story_id']),
    ('ix_story_movement_movement_id', 'story_movement', ['movement_id', 'story_id']),
    ('ix_field_name', 'field', ['name']),
    ('ix_movement_start_year', 'movement', ['start_year']),
    ('ix_movement_name', 'movement', ['name']),
    ('ix_locality_parent_id', 'locality', ['parent_id']),
    ('ix_locality_replaced_by_id', 'locality', ['replaced_by_id']),
    ('ix_locality_name', 'locality', ['name', 'kind']),
    ('ix_media_asset_uploaded_by_id', 'media_asset', ['uploaded_by_id']),
    ('ix_exemplar_name', 'exemplar', ['name', 'id']),
    ('ix_exemplar_locality_id', 'exemplar', ['locality_id']),
    ('ix_exemplar_portrait_id', 'exemplar', ['portrait_id']),
    ('ix_story_public', 'story', ['status', 'published_at', 'id']),
    ('ix_story_featured_public', 'story', ['featured', 'status', 'published_at', 'id']),
    ('ix_story_field_public', 'story', ['field_id', 'status', 'published_at', 'id']),
    ('ix_story_locality_public', 'story', ['locality_id', 'status', 'published_at', 'id']),
    ('ix_story_status_publish_at', 'story', ['status', 'publish_at']),
    ('ix_story_cover_id', 'story', ['cover_id']),
    ('ix_story_author_id', 'story', ['author_id']),
    ('ix_commendation_form', 'commendation', ['form', 'decision_date']),
    ('ix_commendation_level', 'commendation', ['level', 'decision_date']),
    ('ix_commendation_movement_id', 'commendation', ['movement_id', 'decision_date']),
    ('ix_commendation_revoked_decision_no', 'commendation', ['revoked_decision_no']),
    ('ix_coverage_item_story_id', 'coverage_item', ['story_id']),
]


def upgrade():
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)
    # a database that already holds content gets its data generation (showcase/generation.py);
    # an empty one stays empty (a backup can only be restored into an empty database)
    op.execute(
        "INSERT INTO setting (\"key\", value) SELECT 'data_generation', '%s' "
        "WHERE EXISTS (SELECT 1 FROM story) OR EXISTS (SELECT 1 FROM exemplar)" % secrets.token_hex(8)
    )


def downgrade():
    op.execute("DELETE FROM setting WHERE \"key\" = 'data_generation'")
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
