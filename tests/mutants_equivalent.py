"""The mutants of ``tests/mutants.py`` that are right answers after all, each with the reason a
reviewer can check against the solution (labels name the function, the line and column in the
solution, and what changed). ``tests/judge/test_mutants.py`` fails when a listed mutant is
killed (the entry is wrong) or an unlisted one survives (a check is missing)."""

from __future__ import annotations

MESSAGE_ONLY = "a docstring or an assertion's message changes no behaviour"
SAME_ASSIGNMENT = "assigning the same dictionary twice changes nothing"
BATCH_APPLIES_TOGETHER = "batch mode applies its operations together when the block ends; a constraint on a column dropped in the same batch goes with the column"
DROP_BY_NAME = "drop_constraint finds the constraint by name; type_ is needed only on MySQL"
SAME_VALUES_AGAIN = "each step computes the same value again or adds the same names to a set, and the tables are listed before their first use either way"
EXISTING_ONLY_DESCRIBES = "existing_type and existing_nullable only describe the column as it is; batch mode reflects the table itself, so no statement changes"
IDEMPOTENT_IN_BATCH = "idempotent here: batch mode keeps one column and one constraint per name, a rename of a column already renamed is skipped, and copying a value twice leaves it the same"
NULLABLE_DEFAULT = "nullable=True is the default"
POSTGRESQL_ALTERS = "on PostgreSQL batch mode emits the same ALTER TABLE as op does"
EITHER_PARENT = "on a merge, downgrading to either parent is as good: the stairway comes back up"
SAME_APP = "repeating a step of the factory on the same app, or attaching the extensions in another order, makes the same app"
SAME_VERDICTS = "running a step of the test twice, releasing the engine or not, or asserting the heads after the stairway instead of before it, passes and fails on the same histories"
SCHEMA_DEFAULT = "schema=None is the default: the same table"
SQLITE_ADDS_AND_DROPS = "the block only adds or drops a column, which SQLite (3.35 and newer, as Python ships it) does with ALTER TABLE; batch mode is needed for what SQLite cannot alter"
LIGHTWEIGHT_TABLE = "the lightweight sa.table() only writes the queries: its types, defining it twice, or adding the column after it changes nothing in the database"
CHECKFIRST = "the type does not exist before create() and exists before drop(), so checking first changes nothing"
SAME_DISPLAY_NAME = "writing the same display name twice leaves the same value"

SAME_LIMIT_TWICE = "setting a limit twice, or the two limits in the other order, sets the same limits before the statements that need them"
RESET_LEFT_OUT = "the statement asks for no RESET: the attaching step runs under its own SET LOCAL limits all the same, and the build's limits stay on the migration's connection, which flask db upgrade closes as its process ends (an app that ran its migrations on its own pool would keep them: a case the exercise does not set)"
COPIED_TWICE = "copying username into login a second time leaves the same values"
LEFTOVER_UNSTATED = "a failed build (its lock_timeout ran out, or two users shared an address) leaves an invalid index; the statement asks a run after it only to keep the app writing, not to succeed, and without the DROP such a run stops at the index it finds, blocking no one; the solution drops it first, as the cheat sheet advises, and on a database without one the statement does nothing"
BUILT_AGAIN = "the second pass drops the index the first one built and builds it again: slower, the same index; dropping an index that is no longer there does nothing"
EQUIVALENT: dict[tuple[str, str], str] = {
    (
        "01-missing-columns",
        "missing_columns() 2:4: `inspector = inspect(engine)` duplicated",
    ): SAME_VALUES_AGAIN,
    (
        "01-missing-columns",
        "missing_columns() 3:4: `tables_in_database = set(inspector.get_table_names())` duplicated",
    ): SAME_VALUES_AGAIN,
    (
        "01-missing-columns",
        "missing_columns() 3:4: `tables_in_database = set(inspector.get_table_names())` moved down",
    ): SAME_VALUES_AGAIN,
    (
        "01-missing-columns",
        "missing_columns() 4:4: `missing = set()` duplicated",
    ): SAME_VALUES_AGAIN,
    (
        "01-missing-columns",
        "missing_columns() 5:4: `for table in metadata.tables.values():` duplicated",
    ): SAME_VALUES_AGAIN,
    (
        "01-missing-columns",
        "missing_columns() 10:4: `return missing` duplicated",
    ): SAME_VALUES_AGAIN,
    (
        "01-missing-columns",
        "missing_columns() 6:8: `present = set()` duplicated",
    ): SAME_VALUES_AGAIN,
    (
        "01-missing-columns",
        "missing_columns() 7:8: `if table.name in tables_in_database:` duplicated",
    ): SAME_VALUES_AGAIN,
    (
        "01-missing-columns",
        "missing_columns() 9:8: `missing |= {f'{table.name}.{c.name}' for c in table.columns ` duplicated",
    ): SAME_VALUES_AGAIN,
    (
        "01-missing-columns",
        "missing_columns() 8:12: `present = {column['name'] for column in inspector.get_column` duplicated",
    ): SAME_VALUES_AGAIN,
    (
        "01-missing-columns",
        "missing_columns() 1:4: literal 'The columns the models define but the database lacks, as {\"table.column\", ...}.' -> ''",
    ): MESSAGE_ONLY,
    (
        "01-missing-columns",
        "missing_columns() 1:4: literal 'The columns the models define but the database lacks, as {\"table.column\", ...}.' -> 'The columns the models define but the database lacks, as {\"table.column\", ...}.x'",
    ): MESSAGE_ONLY,
    ("02-wire-migrate", "create_app() 1:4: `app = Flask(__name__)` duplicated"): SAME_APP,
    (
        "02-wire-migrate",
        "create_app() 2:4: `app.config['SQLALCHEMY_DATABASE_URI'] = database_url` duplicated",
    ): SAME_APP,
    ("02-wire-migrate", "create_app() 3:4: `db.init_app(app)` moved down"): SAME_APP,
    ("02-wire-migrate", "create_app() 4:4: `migrate.init_app(app, db)` duplicated"): SAME_APP,
    ("02-wire-migrate", "create_app() 4:4: `migrate.init_app(app, db)` moved down"): SAME_APP,
    ("02-wire-migrate", "create_app() 5:4: `from . import models` duplicated"): SAME_APP,
    ("02-wire-migrate", "create_app() 7:4: `return app` duplicated"): SAME_APP,
    ("03-add-password-hash", "upgrade() 1:9: `schema=None` left out"): SCHEMA_DEFAULT,
    ("03-add-password-hash", "upgrade() 2:28: `nullable=True` left out"): NULLABLE_DEFAULT,
    ("03-add-password-hash", "downgrade() 1:9: `schema=None` left out"): SCHEMA_DEFAULT,
    ("03-add-password-hash", "upgrade() 1:4: the batch context dropped"): SQLITE_ADDS_AND_DROPS,
    ("03-add-password-hash", "downgrade() 1:4: the batch context dropped"): SQLITE_ADDS_AND_DROPS,
    ("03-add-role", "upgrade() 1:9: `schema=None` left out"): SCHEMA_DEFAULT,
    ("03-add-role", "downgrade() 1:9: `schema=None` left out"): SCHEMA_DEFAULT,
    ("03-add-role", "upgrade() 1:4: the batch context dropped"): SQLITE_ADDS_AND_DROPS,
    ("03-add-role", "downgrade() 1:4: the batch context dropped"): SQLITE_ADDS_AND_DROPS,
    ("04-restore-lost-revision", "upgrade() 1:9: `schema=None` left out"): SCHEMA_DEFAULT,
    ("04-restore-lost-revision", "upgrade() 2:28: `nullable=True` left out"): NULLABLE_DEFAULT,
    ("04-restore-lost-revision", "downgrade() 1:9: `schema=None` left out"): SCHEMA_DEFAULT,
    ("04-restore-lost-revision", "upgrade() 1:4: the batch context dropped"): SQLITE_ADDS_AND_DROPS,
    (
        "04-restore-lost-revision",
        "downgrade() 1:4: the batch context dropped",
    ): SQLITE_ADDS_AND_DROPS,
    ("05-review-autogenerated", "upgrade() 1:9: `schema=None` left out"): SCHEMA_DEFAULT,
    ("05-review-autogenerated", "upgrade() 2:28: `nullable=True` left out"): NULLABLE_DEFAULT,
    ("05-review-autogenerated", "downgrade() 1:9: `schema=None` left out"): SCHEMA_DEFAULT,
    ("05-review-autogenerated", "upgrade() 1:4: the batch context dropped"): SQLITE_ADDS_AND_DROPS,
    (
        "05-review-autogenerated",
        "downgrade() 1:4: the batch context dropped",
    ): SQLITE_ADDS_AND_DROPS,
    (
        "06-rename-bio",
        "upgrade() 2:8: `batch_op.alter_column('bio', new_column_name='about', existi` duplicated",
    ): IDEMPOTENT_IN_BATCH,
    (
        "06-rename-bio",
        "downgrade() 2:8: `batch_op.alter_column('about', new_column_name='bio', existi` duplicated",
    ): IDEMPOTENT_IN_BATCH,
    (
        "06-rename-bio",
        "upgrade() 3:61 in existing_type=: literal 200 -> 201",
    ): EXISTING_ONLY_DESCRIBES,
    (
        "06-rename-bio",
        "upgrade() 3:61 in existing_type=: literal 200 -> 199",
    ): EXISTING_ONLY_DESCRIBES,
    (
        "06-rename-bio",
        "downgrade() 3:61 in existing_type=: literal 500 -> 501",
    ): EXISTING_ONLY_DESCRIBES,
    (
        "06-rename-bio",
        "downgrade() 3:61 in existing_type=: literal 500 -> 499",
    ): EXISTING_ONLY_DESCRIBES,
    (
        "06-rename-bio",
        "upgrade() 3:44 in existing_type=: sa.String -> sa.Text",
    ): EXISTING_ONLY_DESCRIBES,
    (
        "06-rename-bio",
        "downgrade() 3:44 in existing_type=: sa.String -> sa.Text",
    ): EXISTING_ONLY_DESCRIBES,
    ("06-rename-bio", "upgrade() 1:9: `schema=None` left out"): SCHEMA_DEFAULT,
    ("06-rename-bio", "upgrade() 2:8: `existing_type=` left out"): EXISTING_ONLY_DESCRIBES,
    (
        "06-rename-bio",
        "upgrade() 3:44 in existing_type=: `length=200` left out",
    ): EXISTING_ONLY_DESCRIBES,
    ("06-rename-bio", "downgrade() 1:9: `schema=None` left out"): SCHEMA_DEFAULT,
    ("06-rename-bio", "downgrade() 2:8: `existing_type=` left out"): EXISTING_ONLY_DESCRIBES,
    (
        "06-rename-bio",
        "downgrade() 3:44 in existing_type=: `length=500` left out",
    ): EXISTING_ONLY_DESCRIBES,
    (
        "06-rename-bio",
        "copying answer: upgrade() 2:4: `op.execute('UPDATE \"user\" SET about = bio')` duplicated",
    ): IDEMPOTENT_IN_BATCH,
    (
        "06-rename-bio",
        "copying answer: downgrade() 2:4: `op.execute('UPDATE \"user\" SET bio = about')` duplicated",
    ): IDEMPOTENT_IN_BATCH,
    (
        "06-rename-bio",
        "copying answer: upgrade() 3:4: the batch context dropped",
    ): SQLITE_ADDS_AND_DROPS,
    (
        "06-rename-bio",
        "copying answer: downgrade() 3:4: the batch context dropped",
    ): SQLITE_ADDS_AND_DROPS,
    (
        "04-rename-username",
        "upgrade() 5:4: `with op.batch_alter_table('user', schema=None) as batch_op:` duplicated",
    ): IDEMPOTENT_IN_BATCH,
    (
        "04-rename-username",
        "upgrade() 2:8: `batch_op.drop_constraint('uq_user_username', type_='unique')` moved down",
    ): BATCH_APPLIES_TOGETHER,
    (
        "04-rename-username",
        "upgrade() 3:8: `batch_op.alter_column('username', new_column_name='login', e` duplicated",
    ): IDEMPOTENT_IN_BATCH,
    (
        "04-rename-username",
        "upgrade() 6:8: `batch_op.create_unique_constraint('uq_user_login', ['login']` duplicated",
    ): IDEMPOTENT_IN_BATCH,
    (
        "04-rename-username",
        "downgrade() 5:4: `with op.batch_alter_table('user', schema=None) as batch_op:` duplicated",
    ): IDEMPOTENT_IN_BATCH,
    (
        "04-rename-username",
        "downgrade() 2:8: `batch_op.drop_constraint('uq_user_login', type_='unique')` moved down",
    ): BATCH_APPLIES_TOGETHER,
    (
        "04-rename-username",
        "downgrade() 3:8: `batch_op.alter_column('login', new_column_name='username', e` duplicated",
    ): IDEMPOTENT_IN_BATCH,
    (
        "04-rename-username",
        "downgrade() 6:8: `batch_op.create_unique_constraint('uq_user_username', ['user` duplicated",
    ): IDEMPOTENT_IN_BATCH,
    (
        "04-rename-username",
        "upgrade() 4:84 in existing_nullable=: literal False -> True",
    ): EXISTING_ONLY_DESCRIBES,
    (
        "04-rename-username",
        "upgrade() 4:61 in existing_type=: literal 80 -> 81",
    ): EXISTING_ONLY_DESCRIBES,
    (
        "04-rename-username",
        "upgrade() 4:61 in existing_type=: literal 80 -> 79",
    ): EXISTING_ONLY_DESCRIBES,
    (
        "04-rename-username",
        "downgrade() 4:84 in existing_nullable=: literal False -> True",
    ): EXISTING_ONLY_DESCRIBES,
    (
        "04-rename-username",
        "downgrade() 4:61 in existing_type=: literal 80 -> 81",
    ): EXISTING_ONLY_DESCRIBES,
    (
        "04-rename-username",
        "downgrade() 4:61 in existing_type=: literal 80 -> 79",
    ): EXISTING_ONLY_DESCRIBES,
    (
        "04-rename-username",
        "upgrade() 4:44 in existing_type=: sa.String -> sa.Text",
    ): EXISTING_ONLY_DESCRIBES,
    (
        "04-rename-username",
        "downgrade() 4:44 in existing_type=: sa.String -> sa.Text",
    ): EXISTING_ONLY_DESCRIBES,
    ("04-rename-username", "upgrade() 1:9: `schema=None` left out"): SCHEMA_DEFAULT,
    ("04-rename-username", "upgrade() 2:8: `type_='unique'` left out"): DROP_BY_NAME,
    ("04-rename-username", "upgrade() 3:8: `existing_type=` left out"): EXISTING_ONLY_DESCRIBES,
    (
        "04-rename-username",
        "upgrade() 3:8: `existing_nullable=False` left out",
    ): EXISTING_ONLY_DESCRIBES,
    ("04-rename-username", "upgrade() 5:9: `schema=None` left out"): SCHEMA_DEFAULT,
    (
        "04-rename-username",
        "upgrade() 4:44 in existing_type=: `length=80` left out",
    ): EXISTING_ONLY_DESCRIBES,
    ("04-rename-username", "downgrade() 1:9: `schema=None` left out"): SCHEMA_DEFAULT,
    ("04-rename-username", "downgrade() 2:8: `type_='unique'` left out"): DROP_BY_NAME,
    ("04-rename-username", "downgrade() 3:8: `existing_type=` left out"): EXISTING_ONLY_DESCRIBES,
    (
        "04-rename-username",
        "downgrade() 3:8: `existing_nullable=False` left out",
    ): EXISTING_ONLY_DESCRIBES,
    ("04-rename-username", "downgrade() 5:9: `schema=None` left out"): SCHEMA_DEFAULT,
    (
        "04-rename-username",
        "downgrade() 4:44 in existing_type=: `length=80` left out",
    ): EXISTING_ONLY_DESCRIBES,
    (
        "04-rename-username",
        "copying answer: upgrade() 2:4: `op.execute('UPDATE \"user\" SET login = username')` duplicated",
    ): IDEMPOTENT_IN_BATCH,
    (
        "04-rename-username",
        "copying answer: upgrade() 4:8: `batch_op.drop_constraint('uq_user_username', type_='unique')` removed",
    ): BATCH_APPLIES_TOGETHER,
    (
        "04-rename-username",
        "copying answer: upgrade() 4:8: `batch_op.drop_constraint('uq_user_username', type_='unique')` moved down",
    ): BATCH_APPLIES_TOGETHER,
    (
        "04-rename-username",
        "copying answer: upgrade() 5:8: `batch_op.drop_column('username')` moved down",
    ): BATCH_APPLIES_TOGETHER,
    (
        "04-rename-username",
        "copying answer: upgrade() 6:8: `batch_op.alter_column('login', existing_type=sa.String(80), ` duplicated",
    ): IDEMPOTENT_IN_BATCH,
    (
        "04-rename-username",
        "copying answer: upgrade() 6:8: `batch_op.alter_column('login', existing_type=sa.String(80), ` moved down",
    ): BATCH_APPLIES_TOGETHER,
    (
        "04-rename-username",
        "copying answer: upgrade() 9:8: `batch_op.create_unique_constraint('uq_user_login', ['login']` duplicated",
    ): IDEMPOTENT_IN_BATCH,
    (
        "04-rename-username",
        "copying answer: downgrade() 2:4: `op.execute('UPDATE \"user\" SET username = login')` duplicated",
    ): IDEMPOTENT_IN_BATCH,
    (
        "04-rename-username",
        "copying answer: downgrade() 4:8: `batch_op.drop_constraint('uq_user_login', type_='unique')` removed",
    ): BATCH_APPLIES_TOGETHER,
    (
        "04-rename-username",
        "copying answer: downgrade() 4:8: `batch_op.drop_constraint('uq_user_login', type_='unique')` moved down",
    ): BATCH_APPLIES_TOGETHER,
    (
        "04-rename-username",
        "copying answer: downgrade() 5:8: `batch_op.drop_column('login')` moved down",
    ): BATCH_APPLIES_TOGETHER,
    (
        "04-rename-username",
        "copying answer: downgrade() 6:8: `batch_op.alter_column('username', existing_type=sa.String(80` duplicated",
    ): IDEMPOTENT_IN_BATCH,
    (
        "04-rename-username",
        "copying answer: downgrade() 6:8: `batch_op.alter_column('username', existing_type=sa.String(80` moved down",
    ): BATCH_APPLIES_TOGETHER,
    (
        "04-rename-username",
        "copying answer: downgrade() 9:8: `batch_op.create_unique_constraint('uq_user_username', ['user` duplicated",
    ): IDEMPOTENT_IN_BATCH,
    (
        "04-rename-username",
        "copying answer: upgrade() 7:45 in existing_type=: literal 80 -> 81",
    ): EXISTING_ONLY_DESCRIBES,
    (
        "04-rename-username",
        "copying answer: upgrade() 7:45 in existing_type=: literal 80 -> 79",
    ): EXISTING_ONLY_DESCRIBES,
    (
        "04-rename-username",
        "copying answer: downgrade() 7:48 in existing_type=: literal 80 -> 81",
    ): EXISTING_ONLY_DESCRIBES,
    (
        "04-rename-username",
        "copying answer: downgrade() 7:48 in existing_type=: literal 80 -> 79",
    ): EXISTING_ONLY_DESCRIBES,
    (
        "04-rename-username",
        "copying answer: upgrade() 7:35 in existing_type=: sa.String -> sa.Text",
    ): EXISTING_ONLY_DESCRIBES,
    (
        "04-rename-username",
        "copying answer: downgrade() 7:38 in existing_type=: sa.String -> sa.Text",
    ): EXISTING_ONLY_DESCRIBES,
    (
        "04-rename-username",
        "copying answer: upgrade() 4:8: `type_='unique'` left out",
    ): DROP_BY_NAME,
    (
        "04-rename-username",
        "copying answer: upgrade() 6:8: `existing_type=` left out",
    ): EXISTING_ONLY_DESCRIBES,
    (
        "04-rename-username",
        "copying answer: downgrade() 4:8: `type_='unique'` left out",
    ): DROP_BY_NAME,
    (
        "04-rename-username",
        "copying answer: downgrade() 6:8: `existing_type=` left out",
    ): EXISTING_ONLY_DESCRIBES,
    (
        "07-unnamed-constraint",
        "upgrade() 1:4: `naming_convention = {'uq': 'uq_%(table_name)s_%(column_0_nam` duplicated",
    ): SAME_ASSIGNMENT,
    (
        "07-unnamed-constraint",
        "downgrade() 1:4: `with op.batch_alter_table('user', schema=None) as batch_op:` duplicated",
    ): SAME_ASSIGNMENT,
    (
        "07-unnamed-constraint",
        "downgrade() 2:8: `batch_op.create_unique_constraint('uq_user_email', ['email']` duplicated",
    ): SAME_ASSIGNMENT,
    ("07-unnamed-constraint", "upgrade() 3:8: `type_='unique'` left out"): DROP_BY_NAME,
    ("07-unnamed-constraint", "downgrade() 1:9: `schema=None` left out"): SCHEMA_DEFAULT,
    (
        "08-display-name",
        "upgrade() 1:4: `with op.batch_alter_table('user', schema=None) as batch_op:` moved down",
    ): LIGHTWEIGHT_TABLE,
    (
        "08-display-name",
        "upgrade() 4:4: `user = sa.table('user', sa.column('id', sa.Integer), sa.colu` duplicated",
    ): LIGHTWEIGHT_TABLE,
    (
        "08-display-name",
        "upgrade() 10:4: `rows = op.get_bind().execute(sa.select(user.c.id, user.c.use` duplicated",
    ): LIGHTWEIGHT_TABLE,
    (
        "08-display-name",
        "upgrade() 11:4: `for id_, username in rows:` duplicated",
    ): SAME_DISPLAY_NAME,
    (
        "08-display-name",
        "upgrade() 15:4: `with op.batch_alter_table('user', schema=None) as batch_op:` duplicated",
    ): IDEMPOTENT_IN_BATCH,
    (
        "08-display-name",
        "upgrade() 12:8: `display_name = username[:1].upper() + username[1:]` duplicated",
    ): LIGHTWEIGHT_TABLE,
    (
        "08-display-name",
        "upgrade() 13:8: `op.execute(user.update().where(user.c.id == id_).values(disp` duplicated",
    ): SAME_DISPLAY_NAME,
    (
        "08-display-name",
        "upgrade() 16:8: `batch_op.alter_column('display_name', existing_type=sa.Strin` duplicated",
    ): IDEMPOTENT_IN_BATCH,
    (
        "08-display-name",
        "upgrade() 16:77 in existing_type=: literal 80 -> 81",
    ): EXISTING_ONLY_DESCRIBES,
    (
        "08-display-name",
        "upgrade() 16:77 in existing_type=: literal 80 -> 79",
    ): EXISTING_ONLY_DESCRIBES,
    ("08-display-name", "upgrade() 6:24: sa.Integer -> sa.BigInteger"): LIGHTWEIGHT_TABLE,
    ("08-display-name", "upgrade() 7:30: sa.String -> sa.Text"): LIGHTWEIGHT_TABLE,
    ("08-display-name", "upgrade() 8:34: sa.String -> sa.Text"): LIGHTWEIGHT_TABLE,
    (
        "08-display-name",
        "upgrade() 16:60 in existing_type=: sa.String -> sa.Text",
    ): EXISTING_ONLY_DESCRIBES,
    ("08-display-name", "upgrade() 1:9: `schema=None` left out"): SCHEMA_DEFAULT,
    ("08-display-name", "upgrade() 15:9: `schema=None` left out"): SCHEMA_DEFAULT,
    ("08-display-name", "upgrade() 16:8: `existing_type=` left out"): EXISTING_ONLY_DESCRIBES,
    ("08-display-name", "upgrade() 2:28: `nullable=True` left out"): NULLABLE_DEFAULT,
    (
        "08-display-name",
        "upgrade() 16:60 in existing_type=: `length=80` left out",
    ): EXISTING_ONLY_DESCRIBES,
    ("08-display-name", "downgrade() 1:9: `schema=None` left out"): SCHEMA_DEFAULT,
    ("08-display-name", "upgrade() 1:4: the batch context dropped"): SQLITE_ADDS_AND_DROPS,
    ("08-display-name", "downgrade() 1:4: the batch context dropped"): SQLITE_ADDS_AND_DROPS,
    ("09-merge-heads", "upgrade() 1:4: `pass` duplicated"): IDEMPOTENT_IN_BATCH,
    ("09-merge-heads", "downgrade() 1:4: `pass` duplicated"): IDEMPOTENT_IN_BATCH,
    (
        "10-deploy-safe-column",
        "upgrade() 1:4: `with op.batch_alter_table('user', schema=None) as batch_op:` duplicated",
    ): IDEMPOTENT_IN_BATCH,
    (
        "10-deploy-safe-column",
        "upgrade() 2:8: `batch_op.add_column(sa.Column('is_active', sa.Boolean(), nul` duplicated",
    ): IDEMPOTENT_IN_BATCH,
    ("10-deploy-safe-column", "upgrade() 1:9: `schema=None` left out"): SCHEMA_DEFAULT,
    ("10-deploy-safe-column", "downgrade() 1:9: `schema=None` left out"): SCHEMA_DEFAULT,
    ("10-deploy-safe-column", "upgrade() 1:4: the batch context dropped"): SQLITE_ADDS_AND_DROPS,
    ("10-deploy-safe-column", "downgrade() 1:4: the batch context dropped"): SQLITE_ADDS_AND_DROPS,
    (
        "11-enum-column",
        "upgrade() 1:4: `user_role.create(op.get_bind(), checkfirst=True)` duplicated",
    ): CHECKFIRST,
    (
        "11-enum-column",
        "downgrade() 3:4: `user_role.drop(op.get_bind(), checkfirst=True)` duplicated",
    ): CHECKFIRST,
    ("11-enum-column", "upgrade() 1:47 in checkfirst=: literal True -> False"): CHECKFIRST,
    ("11-enum-column", "downgrade() 3:45 in checkfirst=: literal True -> False"): CHECKFIRST,
    ("11-enum-column", "upgrade() 1:4: `checkfirst=True` left out"): CHECKFIRST,
    ("11-enum-column", "upgrade() 2:9: `schema=None` left out"): SCHEMA_DEFAULT,
    ("11-enum-column", "downgrade() 3:4: `checkfirst=True` left out"): CHECKFIRST,
    ("11-enum-column", "downgrade() 1:9: `schema=None` left out"): SCHEMA_DEFAULT,
    ("11-enum-column", "upgrade() 2:4: the batch context dropped"): POSTGRESQL_ALTERS,
    ("11-enum-column", "downgrade() 1:4: the batch context dropped"): POSTGRESQL_ALTERS,
    (
        "12-test-the-history",
        "test_history() 2:4: `scripts = ScriptDirectory.from_config(config)` duplicated",
    ): SAME_VERDICTS,
    (
        "12-test-the-history",
        "test_history() 3:4: `heads = scripts.get_heads()` duplicated",
    ): SAME_VERDICTS,
    (
        "12-test-the-history",
        "test_history() 4:4: `assert len(heads) == 1, f'the history has {len(heads)} heads` duplicated",
    ): SAME_VERDICTS,
    (
        "12-test-the-history",
        "test_history() 4:4: `assert len(heads) == 1, f'the history has {len(heads)} heads` moved down",
    ): SAME_VERDICTS,
    (
        "12-test-the-history",
        "test_history() 5:4: `for script in reversed(list(scripts.walk_revisions())):` duplicated",
    ): SAME_VERDICTS,
    (
        "12-test-the-history",
        "test_history() 5:4: `for script in reversed(list(scripts.walk_revisions())):` moved down",
    ): SAME_VERDICTS,
    (
        "12-test-the-history",
        "test_history() 11:4: `engine = create_engine(config.get_main_option('sqlalchemy.ur` duplicated",
    ): SAME_VERDICTS,
    (
        "12-test-the-history",
        "test_history() 12:4: `with engine.connect() as connection:` duplicated",
    ): SAME_VERDICTS,
    (
        "12-test-the-history",
        "test_history() 12:4: `with engine.connect() as connection:` moved down",
    ): SAME_VERDICTS,
    ("12-test-the-history", "test_history() 14:4: `engine.dispose()` removed"): SAME_VERDICTS,
    ("12-test-the-history", "test_history() 14:4: `engine.dispose()` duplicated"): SAME_VERDICTS,
    ("12-test-the-history", "test_history() 14:4: `engine.dispose()` moved down"): SAME_VERDICTS,
    (
        "12-test-the-history",
        "test_history() 15:4: `assert not differences, f'the schema at the head differs fro` duplicated",
    ): SAME_VERDICTS,
    (
        "12-test-the-history",
        "test_history() 6:8: `parents = script.down_revision` duplicated",
    ): SAME_VERDICTS,
    (
        "12-test-the-history",
        "test_history() 7:8: `parent = parents[0] if isinstance(parents, tuple) else paren` duplicated",
    ): SAME_VERDICTS,
    (
        "12-test-the-history",
        "test_history() 7:8: `parent = parents[0] if isinstance(parents, tuple) else paren` moved down",
    ): SAME_VERDICTS,
    (
        "12-test-the-history",
        "test_history() 8:8: `command.upgrade(config, script.revision)` duplicated",
    ): SAME_VERDICTS,
    (
        "12-test-the-history",
        "test_history() 9:8: `command.downgrade(config, parent or 'base')` duplicated",
    ): SAME_VERDICTS,
    (
        "12-test-the-history",
        "test_history() 10:8: `command.upgrade(config, script.revision)` duplicated",
    ): SAME_VERDICTS,
    (
        "12-test-the-history",
        "test_history() 13:8: `differences = compare_metadata(MigrationContext.configure(co` duplicated",
    ): SAME_VERDICTS,
    (
        "12-test-the-history",
        "test_history() 1:4: literal \"One head; each revision up, down and up again; at the head, the schema is the models'.\" -> ''",
    ): MESSAGE_ONLY,
    (
        "12-test-the-history",
        'test_history() 1:4: literal "One head; each revision up, down and up again; at the head, the schema is the models\'." -> "One head; each revision up, down and up again; at the head, the schema is the models\'.x"',
    ): MESSAGE_ONLY,
    ("12-test-the-history", "test_history() 4:28: literal 'the history has ' -> ''"): MESSAGE_ONLY,
    (
        "12-test-the-history",
        "test_history() 4:28: literal 'the history has ' -> 'the history has x'",
    ): MESSAGE_ONLY,
    ("12-test-the-history", "test_history() 4:28: literal ' heads: ' -> ''"): MESSAGE_ONLY,
    ("12-test-the-history", "test_history() 4:28: literal ' heads: ' -> ' heads: x'"): MESSAGE_ONLY,
    (
        "12-test-the-history",
        "test_history() 15:28: literal 'the schema at the head differs from the models: ' -> ''",
    ): MESSAGE_ONLY,
    (
        "12-test-the-history",
        "test_history() 15:28: literal 'the schema at the head differs from the models: ' -> 'the schema at the head differs from the models: x'",
    ): MESSAGE_ONLY,
    ("12-test-the-history", "test_history() 7:25: literal 0 -> 1"): EITHER_PARENT,
    ("12-test-the-history", "test_history() 7:25: literal 0 -> -1"): EITHER_PARENT,
    ("13-unique-email-online", "downgrade() 1:4: `type_='unique'` left out"): DROP_BY_NAME,
    (
        "14-inactive-by-default",
        "upgrade() 1:4: `with op.batch_alter_table('user', schema=None) as batch_op:` duplicated",
    ): IDEMPOTENT_IN_BATCH,
    (
        "14-inactive-by-default",
        "upgrade() 2:8: `batch_op.alter_column('is_active', existing_type=sa.Boolean(` duplicated",
    ): IDEMPOTENT_IN_BATCH,
    (
        "14-inactive-by-default",
        "downgrade() 1:4: `with op.batch_alter_table('user', schema=None) as batch_op:` duplicated",
    ): IDEMPOTENT_IN_BATCH,
    (
        "14-inactive-by-default",
        "downgrade() 2:8: `batch_op.alter_column('is_active', existing_type=sa.Boolean(` duplicated",
    ): IDEMPOTENT_IN_BATCH,
    (
        "14-inactive-by-default",
        "upgrade() 6:30 in existing_nullable=: literal False -> True",
    ): EXISTING_ONLY_DESCRIBES,
    (
        "14-inactive-by-default",
        "downgrade() 6:30 in existing_nullable=: literal False -> True",
    ): EXISTING_ONLY_DESCRIBES,
    (
        "14-inactive-by-default",
        "upgrade() 4:26 in existing_type=: sa.Boolean -> sa.Integer",
    ): EXISTING_ONLY_DESCRIBES,
    (
        "14-inactive-by-default",
        "downgrade() 4:26 in existing_type=: sa.Boolean -> sa.Integer",
    ): EXISTING_ONLY_DESCRIBES,
    ("14-inactive-by-default", "upgrade() 1:9: `schema=None` left out"): SCHEMA_DEFAULT,
    ("14-inactive-by-default", "upgrade() 2:8: `existing_type=` left out"): EXISTING_ONLY_DESCRIBES,
    (
        "14-inactive-by-default",
        "upgrade() 2:8: `existing_nullable=False` left out",
    ): EXISTING_ONLY_DESCRIBES,
    ("14-inactive-by-default", "downgrade() 1:9: `schema=None` left out"): SCHEMA_DEFAULT,
    (
        "14-inactive-by-default",
        "downgrade() 2:8: `existing_type=` left out",
    ): EXISTING_ONLY_DESCRIBES,
    (
        "14-inactive-by-default",
        "downgrade() 2:8: `existing_nullable=False` left out",
    ): EXISTING_ONLY_DESCRIBES,
    (
        "15-required-column",
        "upgrade() 1:4: `op.execute(\"SET LOCAL lock_timeout = '2s'\")` duplicated",
    ): SAME_LIMIT_TWICE,
    (
        "15-required-column",
        "upgrade() 1:4: `op.execute(\"SET LOCAL lock_timeout = '2s'\")` moved down",
    ): SAME_LIMIT_TWICE,
    (
        "15-required-column",
        "upgrade() 2:4: `op.execute(\"SET LOCAL statement_timeout = '5s'\")` duplicated",
    ): SAME_LIMIT_TWICE,
    (
        "15-rename-expand",
        "upgrade() 1:4: `op.execute(\"SET LOCAL lock_timeout = '2s'\")` duplicated",
    ): SAME_LIMIT_TWICE,
    (
        "15-rename-expand",
        "upgrade() 1:4: `op.execute(\"SET LOCAL lock_timeout = '2s'\")` moved down",
    ): SAME_LIMIT_TWICE,
    (
        "15-rename-expand",
        "upgrade() 2:4: `op.execute(\"SET LOCAL statement_timeout = '5s'\")` duplicated",
    ): SAME_LIMIT_TWICE,
    (
        "15-rename-expand",
        "upgrade() 4:4: `op.execute('UPDATE \"user\" SET login = username')` duplicated",
    ): COPIED_TWICE,
    ("15-rename-expand", "upgrade() 3:26: `nullable=True` left out"): NULLABLE_DEFAULT,
    (
        "15-unique-email-linted",
        "upgrade() 15:4: `op.execute(\"SET LOCAL lock_timeout = '5s'\")` duplicated",
    ): SAME_LIMIT_TWICE,
    (
        "15-unique-email-linted",
        "upgrade() 15:4: `op.execute(\"SET LOCAL lock_timeout = '5s'\")` moved down",
    ): SAME_LIMIT_TWICE,
    (
        "15-unique-email-linted",
        "upgrade() 16:4: `op.execute(\"SET LOCAL statement_timeout = '5s'\")` duplicated",
    ): SAME_LIMIT_TWICE,
    (
        "15-unique-email-linted",
        "upgrade() 3:8: `op.execute(\"SET lock_timeout = '5s'\")` duplicated",
    ): SAME_LIMIT_TWICE,
    (
        "15-unique-email-linted",
        "upgrade() 3:8: `op.execute(\"SET lock_timeout = '5s'\")` moved down",
    ): SAME_LIMIT_TWICE,
    (
        "15-unique-email-linted",
        "upgrade() 4:8: `op.execute(\"SET statement_timeout = '10min'\")` duplicated",
    ): SAME_LIMIT_TWICE,
    (
        "15-unique-email-linted",
        "upgrade() 12:23: literal 'RESET statement_timeout' -> ''",
    ): RESET_LEFT_OUT,
    (
        "15-unique-email-linted",
        "upgrade() 13:23: literal 'RESET lock_timeout' -> ''",
    ): RESET_LEFT_OUT,
    (
        "15-unique-email-linted",
        "upgrade() 2:4: `with op.get_context().autocommit_block():` duplicated",
    ): BUILT_AGAIN,
    (
        "15-unique-email-linted",
        "upgrade() 7:12: `op.execute('DROP INDEX CONCURRENTLY IF EXISTS uq_user_email'` duplicated",
    ): BUILT_AGAIN,
    (
        "15-unique-email-linted",
        "upgrade() 7:12: `op.execute('DROP INDEX CONCURRENTLY IF EXISTS uq_user_email'` removed",
    ): LEFTOVER_UNSTATED,
    (
        "15-unique-email-linted",
        "upgrade() 7:23: literal 'DROP INDEX CONCURRENTLY IF EXISTS uq_user_email' -> ''",
    ): LEFTOVER_UNSTATED,
    (
        "15-unique-email-linted",
        "upgrade() 7:23: literal 'DROP INDEX CONCURRENTLY IF EXISTS uq_user_email' -> "
        "'DROP INDEX CONCURRENTLY IF EXISTS uq_user_emailx'",
    ): LEFTOVER_UNSTATED,
    ("15-unique-email-linted", "downgrade() 1:4: `type_='unique'` left out"): DROP_BY_NAME,
}
