"""add phone to user, irreversibly

Revision ID: 0c1d2e3f4a5b
Revises: 6a2b1d3c8e02
Create Date: 2026-12-07 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0c1d2e3f4a5b'
down_revision = '6a2b1d3c8e02'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('phone', sa.String(length=20), nullable=True))


def downgrade():
    raise NotImplementedError("an irreversible migration: the phone numbers would be lost")
