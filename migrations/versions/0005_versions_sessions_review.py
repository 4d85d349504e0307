"""version counters, session epochs, preview revocation, coverage approval, photo uploader

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 15:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

VERSIONED = ('field', 'movement', 'locality', 'media_asset', 'exemplar', 'story', 'commendation',
             'user', 'coverage_item')


def upgrade():
    for table in VERSIONED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_epoch', sa.Integer(), nullable=False, server_default='0'))
    with op.batch_alter_table('story', schema=None) as batch_op:
        batch_op.add_column(sa.Column('preview_epoch', sa.Integer(), nullable=False, server_default='0'))
    with op.batch_alter_table('media_asset', schema=None) as batch_op:
        batch_op.add_column(sa.Column('uploaded_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('updated_at', sa.DateTime(), nullable=True))
        batch_op.create_foreign_key('fk_media_asset_uploaded_by_id_user', 'user', ['uploaded_by_id'], ['id'])
    op.execute('UPDATE media_asset SET updated_at = created_at')
    with op.batch_alter_table('media_asset', schema=None) as batch_op:
        batch_op.alter_column('updated_at', existing_type=sa.DateTime(), nullable=False)
    with op.batch_alter_table('coverage_item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('approved_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('approved_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_coverage_item_approved_by_id_user', 'user', ['approved_by_id'], ['id'])
    # coverage recorded before review existed was shown publicly: keep it so
    op.execute('UPDATE coverage_item SET approved_at = created_at')


def downgrade():
    with op.batch_alter_table('coverage_item', schema=None) as batch_op:
        batch_op.drop_constraint('fk_coverage_item_approved_by_id_user', type_='foreignkey')
        batch_op.drop_column('approved_by_id')
        batch_op.drop_column('approved_at')
    with op.batch_alter_table('media_asset', schema=None) as batch_op:
        batch_op.drop_constraint('fk_media_asset_uploaded_by_id_user', type_='foreignkey')
        batch_op.drop_column('updated_at')
        batch_op.drop_column('uploaded_by_id')
    with op.batch_alter_table('story', schema=None) as batch_op:
        batch_op.drop_column('preview_epoch')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('session_epoch')
    for table in VERSIONED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('version')
