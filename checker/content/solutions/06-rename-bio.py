"""rename bio to about

Revision ID: c4a7e9b1d2f3
Revises: 8b5f3d2e0a14
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4a7e9b1d2f3'
down_revision = '8b5f3d2e0a14'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.alter_column('bio', new_column_name='about',
                              existing_type=sa.String(length=200),
                              type_=sa.String(length=500))


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.alter_column('about', new_column_name='bio',
                              existing_type=sa.String(length=500),
                              type_=sa.String(length=200))
