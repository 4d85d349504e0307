"""consultation, consultation_candidate, consultation_comment, consultation_coverage: the public
consultation on award candidates (/lay-y-kien), its candidates, the people's comments (private to
the board) and where the press ran the list

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 00:28:19

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('consultation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('award', sa.String(length=300), nullable=False),
    sa.Column('proposing_body', sa.String(length=300), nullable=False),
    sa.Column('intro', sa.Text(), server_default='', nullable=False),
    sa.Column('opens_on', sa.Date(), nullable=False),
    sa.Column('working_days', sa.Integer(), server_default='10', nullable=False),
    sa.Column('closes_at', sa.DateTime(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'open', 'closed', 'decided', name='consultationstatus', native_enum=False, length=20), server_default='draft', nullable=False),
    sa.Column('decision', sa.String(length=300), server_default='', nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consultation')),
    sa.UniqueConstraint('slug', name=op.f('uq_consultation_slug'))
    )
    with op.batch_alter_table('consultation', schema=None) as batch_op:
        batch_op.create_index('ix_consultation_status', ['status', 'opens_on'], unique=False)

    op.create_table('consultation_coverage',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('outlet', sa.String(length=200), nullable=False),
    sa.Column('medium', sa.Enum('print', 'online', 'tv', 'radio', name='coveragemedium', native_enum=False, length=20), nullable=False),
    sa.Column('published_on', sa.Date(), nullable=False),
    sa.Column('url', sa.String(length=1000), server_default='', nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultation.id'], name=op.f('fk_consultation_coverage_consultation_id_consultation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_consultation_coverage_created_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consultation_coverage'))
    )
    with op.batch_alter_table('consultation_coverage', schema=None) as batch_op:
        batch_op.create_index('ix_consultation_coverage_consultation_id', ['consultation_id'], unique=False)

    op.create_table('consultation_candidate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), server_default='0', nullable=False),
    sa.Column('kind', sa.Enum('individual', 'collective', name='exemplarkind', native_enum=False, length=20), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('locality_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=300), server_default='', nullable=False),
    sa.Column('summary', sa.Text(), server_default='', nullable=False),
    sa.Column('exemplar_id', sa.Integer(), nullable=True),
    sa.Column('commendation_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['commendation_id'], ['commendation.id'], name=op.f('fk_consultation_candidate_commendation_id_commendation'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultation.id'], name=op.f('fk_consultation_candidate_consultation_id_consultation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['exemplar_id'], ['exemplar.id'], name=op.f('fk_consultation_candidate_exemplar_id_exemplar'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['locality_id'], ['locality.id'], name=op.f('fk_consultation_candidate_locality_id_locality')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consultation_candidate'))
    )
    with op.batch_alter_table('consultation_candidate', schema=None) as batch_op:
        batch_op.create_index('ix_consultation_candidate_consultation_id', ['consultation_id', 'position'], unique=False)
        batch_op.create_index('ix_consultation_candidate_locality_id', ['locality_id'], unique=False)

    op.create_table('consultation_comment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('candidate_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('phone', sa.String(length=30), server_default='', nullable=False),
    sa.Column('email', sa.String(length=254), server_default='', nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('consent', sa.Boolean(), server_default='0', nullable=False),
    sa.Column('status', sa.Enum('counted', 'duplicate', 'spam', name='commentstatus', native_enum=False, length=20), server_default='counted', nullable=False),
    sa.Column('note', sa.Text(), server_default='', nullable=False),
    sa.Column('name_key', sa.String(length=200), server_default='', nullable=False),
    sa.Column('content_key', sa.String(length=64), server_default='', nullable=False),
    sa.Column('ip_hash', sa.String(length=64), server_default='', nullable=False),
    sa.Column('purged_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['candidate_id'], ['consultation_candidate.id'], name=op.f('fk_consultation_comment_candidate_id_consultation_candidate'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consultation_comment'))
    )
    with op.batch_alter_table('consultation_comment', schema=None) as batch_op:
        batch_op.create_index('ix_consultation_comment_candidate_id', ['candidate_id', 'created_at'], unique=False)
        batch_op.create_index('ix_consultation_comment_name_key', ['candidate_id', 'name_key'], unique=False)



def downgrade():
    with op.batch_alter_table('consultation_comment', schema=None) as batch_op:
        batch_op.drop_index('ix_consultation_comment_name_key')
        batch_op.drop_index('ix_consultation_comment_candidate_id')

    op.drop_table('consultation_comment')
    with op.batch_alter_table('consultation_candidate', schema=None) as batch_op:
        batch_op.drop_index('ix_consultation_candidate_locality_id')
        batch_op.drop_index('ix_consultation_candidate_consultation_id')

    op.drop_table('consultation_candidate')
    with op.batch_alter_table('consultation_coverage', schema=None) as batch_op:
        batch_op.drop_index('ix_consultation_coverage_consultation_id')

    op.drop_table('consultation_coverage')
    with op.batch_alter_table('consultation', schema=None) as batch_op:
        batch_op.drop_index('ix_consultation_status')

    op.drop_table('consultation')
