"""drop unique constraint on email

Revision ID: d5b8f0c3e6a7
Revises: 0a7b9c1d2e34
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd5b8f0c3e6a7'
down_revision = '0a7b9c1d2e34'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
