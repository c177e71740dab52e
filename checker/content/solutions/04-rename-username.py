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
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_constraint('uq_user_username', type_='unique')
        batch_op.alter_column('username', new_column_name='login',
                              existing_type=sa.String(length=80), existing_nullable=False)
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.create_unique_constraint('uq_user_login', ['login'])


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_constraint('uq_user_login', type_='unique')
        batch_op.alter_column('login', new_column_name='username',
                              existing_type=sa.String(length=80), existing_nullable=False)
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.create_unique_constraint('uq_user_username', ['username'])
