"""add password_hash to user

Revision ID: 7b3c2e4d9f03
Revises: 5e1f0c2a9b01
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7b3c2e4d9f03'
down_revision = '5e1f0c2a9b01'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
