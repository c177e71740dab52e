"""rename username to login

Revision ID: c9e5a1b3d7f4
Revises: 5e1f0c2a9b01
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c9e5a1b3d7f4'
down_revision = '5e1f0c2a9b01'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.alter_column('username', new_column_name='login')


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.alter_column('login', new_column_name='username')
