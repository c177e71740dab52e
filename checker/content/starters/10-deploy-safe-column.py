"""add is_active to user

Revision ID: a3e5c7f9b1d2
Revises: 5e1f0c2a9b01
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a3e5c7f9b1d2'
down_revision = '5e1f0c2a9b01'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
