"""note for release a

Revision ID: e1f2a3b4c5d6
Revises: 5e1f0c2a9b01
Create Date: 2026-11-06 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e1f2a3b4c5d6'
down_revision = '5e1f0c2a9b01'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
