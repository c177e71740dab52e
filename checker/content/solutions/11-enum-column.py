"""add role to user

Revision ID: b7d9f1a3c5e7
Revises: 5e1f0c2a9b01
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7d9f1a3c5e7'
down_revision = '5e1f0c2a9b01'
branch_labels = None
depends_on = None

user_role = sa.Enum('member', 'admin', name='user_role')


def upgrade():
    user_role.create(op.get_bind(), checkfirst=True)
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('role', user_role, nullable=False, server_default='member')
        )


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('role')
    user_role.drop(op.get_bind(), checkfirst=True)
