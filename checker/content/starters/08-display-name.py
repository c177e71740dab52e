"""add display_name to user

Revision ID: e6c9a1d4f7b8
Revises: 5e1f0c2a9b01
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e6c9a1d4f7b8'
down_revision = '5e1f0c2a9b01'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
