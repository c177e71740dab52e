"""drop unique constraint on email

Revision ID: d5b8f0c3e6a7
Revises: 0a7b9c1d2e34
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd5b8f0c3e6a7'
down_revision = '0a7b9c1d2e34'
branch_labels = None
depends_on = None


def upgrade():
    naming_convention = {'uq': 'uq_%(table_name)s_%(column_0_name)s'}
    with op.batch_alter_table('user', naming_convention=naming_convention) as batch_op:
        batch_op.drop_constraint('uq_user_email', type_='unique')


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.create_unique_constraint('uq_user_email', ['email'])
