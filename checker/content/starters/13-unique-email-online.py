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
    pass


def downgrade():
    pass
