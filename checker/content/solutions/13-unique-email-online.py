"""make email unique

Revision ID: e1a5c9d3f7b2
Revises: c4d8e2f6a913
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e1a5c9d3f7b2'
down_revision = 'c4d8e2f6a913'
branch_labels = None
depends_on = None


def upgrade():
    # Build the index outside any transaction, without blocking writes...
    with op.get_context().autocommit_block():
        op.create_index(
            'uq_user_email', 'user', ['email'], unique=True, postgresql_concurrently=True
        )
    # ...then make it the constraint: a moment's lock, no scan.
    op.execute('ALTER TABLE "user" ADD CONSTRAINT uq_user_email UNIQUE USING INDEX uq_user_email')


def downgrade():
    op.drop_constraint('uq_user_email', 'user', type_='unique')
