"""add is_active to user

Revision ID: b8d4f0a2c6e3
Revises: 5e1f0c2a9b01
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b8d4f0a2c6e3'
down_revision = '5e1f0c2a9b01'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("SET LOCAL lock_timeout = '2s'")
    op.execute("SET LOCAL statement_timeout = '5s'")
    # A constant default: the catalog only, no row written; the old code's inserts get it.
    op.add_column(
        'user', sa.Column('is_active', sa.Boolean(), server_default=sa.true(), nullable=False)
    )


def downgrade():
    op.drop_column('user', 'is_active')
