"""nomination: the citizen's form (kind, when, why, evidence, consent), tracking code, public
reply, closing and purge times, links to the exemplar and story made from it; nomination_photo

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 22:00:00

"""
import hashlib
import secrets

from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('nomination', schema=None) as batch_op:
        batch_op.add_column(sa.Column('nominee_kind', sa.Enum('individual', 'collective', name='exemplarkind', native_enum=False, length=20), server_default='individual', nullable=False))
        batch_op.add_column(sa.Column('nominee_key', sa.String(length=200), server_default='', nullable=False))
        batch_op.add_column(sa.Column('deed_when', sa.String(length=200), server_default='', nullable=False))
        batch_op.add_column(sa.Column('why', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('evidence', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('links', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('consent', sa.Boolean(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('consented_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('public_reply', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('code_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('closed_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('purged_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('exemplar_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('story_id', sa.Integer(), nullable=True))
    conn = op.get_bind()
    nomination = sa.table('nomination', sa.column('id', sa.Integer), sa.column('code_hash', sa.String))
    # a nomination made before codes existed gets one nobody knows: it can only be followed in the admin
    for (row_id,) in conn.execute(sa.select(nomination.c.id)).all():
        unknown = hashlib.sha256(secrets.token_bytes(32)).hexdigest()
        conn.execute(nomination.update().where(nomination.c.id == row_id).values(code_hash=unknown))
    with op.batch_alter_table('nomination', schema=None) as batch_op:
        batch_op.alter_column('code_hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column('status', existing_type=sa.Enum('new', 'accepted', 'rejected', name='nominationstatus', native_enum=False, length=20), type_=sa.Enum('new', 'verifying', 'accepted', 'rejected', 'spam', name='nominationstatus', native_enum=False, length=20), existing_nullable=False)
        batch_op.create_unique_constraint('uq_nomination_code_hash', ['code_hash'])
        batch_op.create_foreign_key('fk_nomination_exemplar_id_exemplar', 'exemplar', ['exemplar_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key('fk_nomination_story_id_story', 'story', ['story_id'], ['id'], ondelete='SET NULL')
        batch_op.create_index('ix_nomination_status', ['status', 'created_at'], unique=False)
        batch_op.create_index('ix_nomination_nominee_key', ['nominee_key', 'locality_id'], unique=False)
        batch_op.create_index('ix_nomination_closed_at', ['closed_at'], unique=False)
    op.create_table('nomination_photo',
    sa.Column('nomination_id', sa.Integer(), nullable=False),
    sa.Column('asset_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['asset_id'], ['media_asset.id'], ),
    sa.ForeignKeyConstraint(['nomination_id'], ['nomination.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('nomination_id', 'asset_id')
    )
    with op.batch_alter_table('nomination_photo', schema=None) as batch_op:
        batch_op.create_index('ix_nomination_photo_asset_id', ['asset_id'], unique=False)


def downgrade():
    with op.batch_alter_table('nomination_photo', schema=None) as batch_op:
        batch_op.drop_index('ix_nomination_photo_asset_id')
    op.drop_table('nomination_photo')
    with op.batch_alter_table('nomination', schema=None) as batch_op:
        batch_op.drop_index('ix_nomination_closed_at')
        batch_op.drop_index('ix_nomination_nominee_key')
        batch_op.drop_index('ix_nomination_status')
        batch_op.drop_constraint('fk_nomination_story_id_story', type_='foreignkey')
        batch_op.drop_constraint('fk_nomination_exemplar_id_exemplar', type_='foreignkey')
        batch_op.drop_constraint('uq_nomination_code_hash', type_='unique')
        for column in ('story_id', 'exemplar_id', 'purged_at', 'closed_at', 'code_hash', 'public_reply',
                       'consented_at', 'consent', 'links', 'evidence', 'why', 'deed_when', 'nominee_key',
                       'nominee_kind'):
            batch_op.drop_column(column)
