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
    op.execute("SET LOCAL lock_timeout = '2s'")
    op.execute("SET LOCAL statement_timeout = '5s'")
    op.add_column('user', sa.Column('login', sa.String(length=80), nullable=True))
    op.execute('UPDATE "user" SET login = username')


def downgrade():
    op.drop_column('user', 'login')
