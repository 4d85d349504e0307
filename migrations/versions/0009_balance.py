"""exemplar: gender, work_role, sector, collective_size (the directive's balance, /thong-ke)

Revision ID: 0009
Revises: 0007
Create Date: 2026-12-01 21:45:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    # nullable: rows from before are "not recorded yet" (counted as "Chưa rõ")
    with op.batch_alter_table('exemplar', schema=None) as batch_op:
        batch_op.add_column(sa.Column('gender', sa.Enum('male', 'female', 'unstated', name='gender', native_enum=False, length=20), nullable=True))
        batch_op.add_column(sa.Column('work_role', sa.Enum('direct', 'management', name='workrole', native_enum=False, length=20), nullable=True))
        batch_op.add_column(sa.Column('sector', sa.Enum('state', 'non_state', name='sector', native_enum=False, length=20), nullable=True))
        batch_op.add_column(sa.Column('collective_size', sa.Enum('small', 'other', name='collectivesize', native_enum=False, length=20), nullable=True))


def downgrade():
    with op.batch_alter_table('exemplar', schema=None) as batch_op:
        batch_op.drop_column('collective_size')
        batch_op.drop_column('sector')
        batch_op.drop_column('work_role')
        batch_op.drop_column('gender')
