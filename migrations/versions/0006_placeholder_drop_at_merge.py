"""placeholder for the real 0006 (indexes, another branch): drop this file at merge

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 18:30:00

"""

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
