"""merge phone and bio, with a downgrade that raises

Revision ID: f5a6b7c8d9e0
Revises: 1b2c3d4e5f60, 2c3d4e5f6a71
Create Date: 2026-12-07 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f5a6b7c8d9e0'
down_revision = ('1b2c3d4e5f60', '2c3d4e5f6a71')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    op.drop_index('ix_user_phone', table_name='user')
