"""add password_hash to user (NOT NULL, where the models say it may be NULL)

Revision ID: b7c8d9e0f1a2
Revises: 5e1f0c2a9b01
Create Date: 2026-11-05 09:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7c8d9e0f1a2'
down_revision = '5e1f0c2a9b01'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('password_hash', sa.String(length=128), nullable=False, server_default='')
        )


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('password_hash')
