"""info_request: the public "Yêu cầu gỡ bỏ / chỉnh sửa thông tin" (kind, the story or exemplar it
is about, what is wrong, the requester's private contact, status, internal notes, who handled it,
closing and purge times).

The story status "hidden" (removed at the person's request) needs no change here: statuses are
stored as VARCHAR(20) without a CHECK constraint.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 00:27:50

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('info_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('code', sa.String(length=12), nullable=False),
    sa.Column('kind', sa.Enum('remove', 'correct', name='inforequestkind', native_enum=False, length=20), nullable=False),
    sa.Column('story_id', sa.Integer(), nullable=True),
    sa.Column('exemplar_id', sa.Integer(), nullable=True),
    sa.Column('details', sa.Text(), nullable=False),
    sa.Column('requester_name', sa.String(length=200), nullable=False),
    sa.Column('relation', sa.Enum('self', 'guardian', 'relative', 'other', name='inforequestrelation', native_enum=False, length=20), nullable=False),
    sa.Column('contact_phone', sa.String(length=30), server_default='', nullable=False),
    sa.Column('contact_email', sa.String(length=254), server_default='', nullable=False),
    sa.Column('consented_at', sa.DateTime(), nullable=True),
    sa.Column('status', sa.Enum('new', 'in_progress', 'done', 'rejected', name='inforequeststatus', native_enum=False, length=20), server_default='new', nullable=False),
    sa.Column('note', sa.Text(), server_default='', nullable=False),
    sa.Column('handled_by_id', sa.Integer(), nullable=True),
    sa.Column('handled_at', sa.DateTime(), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('purged_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['exemplar_id'], ['exemplar.id'], name=op.f('fk_info_request_exemplar_id_exemplar'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['handled_by_id'], ['user.id'], name=op.f('fk_info_request_handled_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['story_id'], ['story.id'], name=op.f('fk_info_request_story_id_story'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_info_request')),
    sa.UniqueConstraint('code', name='uq_info_request_code')
    )
    with op.batch_alter_table('info_request', schema=None) as batch_op:
        batch_op.create_index('ix_info_request_closed_at', ['closed_at'], unique=False)
        batch_op.create_index('ix_info_request_exemplar_id', ['exemplar_id'], unique=False)
        batch_op.create_index('ix_info_request_status', ['status', 'created_at'], unique=False)
        batch_op.create_index('ix_info_request_story_id', ['story_id'], unique=False)


def downgrade():
    with op.batch_alter_table('info_request', schema=None) as batch_op:
        batch_op.drop_index('ix_info_request_story_id')
        batch_op.drop_index('ix_info_request_status')
        batch_op.drop_index('ix_info_request_exemplar_id')
        batch_op.drop_index('ix_info_request_closed_at')

    op.drop_table('info_request')
