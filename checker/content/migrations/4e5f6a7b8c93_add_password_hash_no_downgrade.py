"""add password_hash to user (its downgrade does nothing)

Revision ID: 4e5f6a7b8c93
Revises: 5e1f0c2a9b01
Create Date: 2026-11-05 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4e5f6a7b8c93'
down_revision = '5e1f0c2a9b01'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('password_hash', sa.String(length=128), nullable=True))


def downgrade():
    pass
