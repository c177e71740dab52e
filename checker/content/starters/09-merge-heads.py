"""merge phone and bio

Revision ID: f8d0b2c4e6a9
Revises: 1b2c3d4e5f60
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f8d0b2c4e6a9'
down_revision = '1b2c3d4e5f60'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
