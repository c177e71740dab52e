"""create post table

Revision ID: 7f4e2a1c9d03
Revises: 6a2b1d3c8e02
Create Date: 2026-11-02 09:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7f4e2a1c9d03'
down_revision = '6a2b1d3c8e02'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('post',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_post_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_post'))
    )


def downgrade():
    op.drop_table('post')
