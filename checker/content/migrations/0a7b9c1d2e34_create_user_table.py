"""create user table

Revision ID: 0a7b9c1d2e34
Revises:
Create Date: 2026-11-02 09:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0a7b9c1d2e34'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    # Written as SQL, as the app's first release did: the constraints get no names, whatever
    # naming convention the app has today.
    op.execute(
        'CREATE TABLE "user" ('
        'id INTEGER NOT NULL, '
        'username VARCHAR(80) NOT NULL, '
        'email VARCHAR(120) NOT NULL, '
        'PRIMARY KEY (id), '
        'UNIQUE (email), '
        'UNIQUE (username))'
    )


def downgrade():
    op.drop_table('user')
