"""add display_name to user

Revision ID: e6c9a1d4f7b8
Revises: 5e1f0c2a9b01
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e6c9a1d4f7b8'
down_revision = '5e1f0c2a9b01'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('display_name', sa.String(length=80), nullable=True))

    user = sa.table(
        'user',
        sa.column('id', sa.Integer),
        sa.column('username', sa.String),
        sa.column('display_name', sa.String),
    )
    rows = op.get_bind().execute(sa.select(user.c.id, user.c.username)).all()
    for id_, username in rows:
        display_name = username[:1].upper() + username[1:]
        op.execute(user.update().where(user.c.id == id_).values(display_name=display_name))

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.alter_column('display_name', existing_type=sa.String(length=80), nullable=False)


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('display_name')
