"""story: retracted_at (the public notice's date) and revised_at (the "Cập nhật" date)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 18:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

READER_TEXT = {'title', 'summary', 'body_md'}


def upgrade():
    with op.batch_alter_table('story', schema=None) as batch_op:
        batch_op.add_column(sa.Column('retracted_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('revised_at', sa.DateTime(), nullable=True))
    conn = op.get_bind()
    story = sa.table(
        'story',
        sa.column('id', sa.Integer),
        sa.column('status', sa.String),
        sa.column('published_at', sa.DateTime),
        sa.column('updated_at', sa.DateTime),
        sa.column('retracted_at', sa.DateTime),
        sa.column('revised_at', sa.DateTime),
    )
    audit = sa.table(
        'audit_log',
        sa.column('at', sa.DateTime),
        sa.column('action', sa.String),
        sa.column('object_type', sa.String),
        sa.column('object_id', sa.Integer),
        sa.column('detail', sa.JSON),
    )
    # Both dates come from the audit log, which every workflow step and every edit writes: a
    # retraction's own row; the last edit after publication that changed the text a reader reads.
    retracted = dict(conn.execute(
        sa.select(audit.c.object_id, sa.func.max(audit.c.at))
        .where(audit.c.object_type == 'Story', audit.c.action == 'retract')
        .group_by(audit.c.object_id)
    ).all())
    published = dict(conn.execute(
        sa.select(story.c.id, story.c.published_at).where(story.c.published_at.is_not(None))
    ).all())
    revised: dict[int, object] = {}
    edits = conn.execute(
        sa.select(audit.c.object_id, audit.c.at, audit.c.detail)
        .where(audit.c.object_type == 'Story', audit.c.action == 'edit')
    )
    for story_id, at, detail in edits:
        fields = set((detail or {}).get('fields') or [])
        when = published.get(story_id)
        if when is not None and at > when and fields & READER_TEXT:
            revised[story_id] = max(at, revised.get(story_id, at))
    for story_id, at in revised.items():
        conn.execute(story.update().where(story.c.id == story_id).values(revised_at=at))
    for story_id, status, updated_at in conn.execute(
        sa.select(story.c.id, story.c.status, story.c.updated_at).where(story.c.status == 'retracted')
    ).all():
        # a story imported as retracted has no retraction row: its last change is the best date known
        conn.execute(
            story.update().where(story.c.id == story_id).values(retracted_at=retracted.get(story_id, updated_at))
        )


def downgrade():
    with op.batch_alter_table('story', schema=None) as batch_op:
        batch_op.drop_column('revised_at')
        batch_op.drop_column('retracted_at')
