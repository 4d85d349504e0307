"""commendation: code, the permanent public code of /khen-thuong/<code> and its QR

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 21:45:00

"""
import secrets

from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

# the same alphabet and length as showcase/codes.py (kept here: a migration must not change
# when the application's code does)
ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ'
LENGTH = 8


def upgrade():
    with op.batch_alter_table('commendation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('code', sa.String(length=16), nullable=True))
    conn = op.get_bind()
    commendation = sa.table('commendation', sa.column('id', sa.Integer), sa.column('code', sa.String))
    used: set[str] = set()
    for (row_id,) in conn.execute(sa.select(commendation.c.id).order_by(commendation.c.id)).all():
        code = ''
        while not code or code in used:
            code = ''.join(secrets.choice(ALPHABET) for _ in range(LENGTH))
        used.add(code)
        conn.execute(commendation.update().where(commendation.c.id == row_id).values(code=code))
    with op.batch_alter_table('commendation', schema=None) as batch_op:
        batch_op.alter_column('code', existing_type=sa.String(length=16), nullable=False)
        batch_op.create_unique_constraint('uq_commendation_code', ['code'])


def downgrade():
    with op.batch_alter_table('commendation', schema=None) as batch_op:
        batch_op.drop_constraint('uq_commendation_code', type_='unique')
        batch_op.drop_column('code')
