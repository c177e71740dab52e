"""add role to user

Revision ID: b7d9f1a3c5e7
Revises: 5e1f0c2a9b01
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7d9f1a3c5e7'
down_revision = '5e1f0c2a9b01'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
