"""add bio to user (its downgrade does nothing)

Revision ID: 5f6a7b8c9d04
Revises: 9e8d7c6b5a40
Create Date: 2026-11-06 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5f6a7b8c9d04'
down_revision = '9e8d7c6b5a40'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('bio', sa.String(length=200), nullable=True))


def downgrade():
    pass
