"""add bio to user

Revision ID: 8b5f3d2e0a14
Revises: 6a2b1d3c8e02
Create Date: 2026-11-02 09:15:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8b5f3d2e0a14'
down_revision = '6a2b1d3c8e02'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('bio', sa.String(length=200), nullable=True))


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('bio')
