"""new users are inactive until they confirm

Revision ID: f4b6d8a0c2e5
Revises: c3f5a7e9b2d4
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f4b6d8a0c2e5'
down_revision = 'c3f5a7e9b2d4'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
