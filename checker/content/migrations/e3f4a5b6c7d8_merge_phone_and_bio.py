"""merge phone and bio

Revision ID: e3f4a5b6c7d8
Revises: 1b2c3d4e5f60, 2c3d4e5f6a71
Create Date: 2026-11-06 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e3f4a5b6c7d8'
down_revision = ('1b2c3d4e5f60', '2c3d4e5f6a71')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
