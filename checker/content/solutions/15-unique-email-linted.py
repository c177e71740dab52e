"""make email unique

Revision ID: a7c3e9f1b5d2
Revises: c4d8e2f6a913
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7c3e9f1b5d2'
down_revision = 'c4d8e2f6a913'
branch_labels = None
depends_on = None


def upgrade():
    # The concurrent build waits for older transactions: limits that end a wait, not the work.
    with op.get_context().autocommit_block():
        op.execute("SET lock_timeout = '5s'")
        op.execute("SET statement_timeout = '10min'")
        try:
            # A build its lock_timeout cancelled left an invalid index: drop it, build again.
            op.execute('DROP INDEX CONCURRENTLY IF EXISTS uq_user_email')
            op.create_index(
                'uq_user_email', 'user', ['email'], unique=True, postgresql_concurrently=True
            )
        finally:
            op.execute("RESET statement_timeout")
            op.execute("RESET lock_timeout")
    # Attaching the built index takes its lock for a moment: short limits.
    op.execute("SET LOCAL lock_timeout = '5s'")
    op.execute("SET LOCAL statement_timeout = '5s'")
    op.execute('ALTER TABLE "user" ADD CONSTRAINT uq_user_email UNIQUE USING INDEX uq_user_email')


def downgrade():
    op.drop_constraint('uq_user_email', 'user', type_='unique')
