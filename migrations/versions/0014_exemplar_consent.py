"""exemplar: the person's consent (date, how, recorded by), minor and guardian's consent

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

METHODS = ("written", "electronic", "verbal", "public_record")


def upgrade():
    # nullable/empty: rows from before have no consent recorded (their stories stay published;
    # a new publication needs the record, services/consent.py)
    with op.batch_alter_table("exemplar", schema=None) as batch_op:
        batch_op.add_column(sa.Column("consent_date", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "consent_method",
                sa.Enum(*METHODS, name="consentmethod", native_enum=False, length=20),
                nullable=True,
            )
        )
        batch_op.add_column(sa.Column("consent_by", sa.String(length=200), server_default="", nullable=False))
        batch_op.add_column(sa.Column("is_minor", sa.Boolean(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("guardian_name", sa.String(length=200), server_default="", nullable=False))
        batch_op.add_column(sa.Column("guardian_consent_date", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "guardian_consent_method",
                sa.Enum(*METHODS, name="consentmethod", native_enum=False, length=20),
                nullable=True,
            )
        )


def downgrade():
    with op.batch_alter_table("exemplar", schema=None) as batch_op:
        for name in (
            "guardian_consent_method",
            "guardian_consent_date",
            "guardian_name",
            "is_minor",
            "consent_by",
            "consent_method",
            "consent_date",
        ):
            batch_op.drop_column(name)
