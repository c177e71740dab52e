"""rename username to login

Revision ID: 9d5e4a6f1b05
Revises: 6a2b1d3c8e02
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9d5e4a6f1b05'
down_revision = '6a2b1d3c8e02'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
