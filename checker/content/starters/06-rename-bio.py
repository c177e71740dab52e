"""rename bio to about

Revision ID: c4a7e9b1d2f3
Revises: 8b5f3d2e0a14
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4a7e9b1d2f3'
down_revision = '8b5f3d2e0a14'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
