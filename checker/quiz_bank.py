"""The quiz questions of lessons 01-11 (two per lesson), keyed by stable ids.

Keys are digests made with ``quizzes.digest``; the right answers are not stored here."""

from .quizzes import Option, Question

QUESTIONS: dict[str, Question] = {
    question.id: question
    for question in (
        Question(
            id="01-create-all",
            prompt="Why does `db.create_all()` not add `password_hash` to the existing `user` table?",
            kind="single",
            keys=("1e8ae1401cdeb1c641b828b18803905d0b33b0e3321cab60d81c7f84ef74d554",),
            options=(
                Option(
                    "It only creates tables that do not exist; it never alters an existing one",
                    "It looked for a `user` table, found one, and moved on.",
                ),
                Option(
                    "It needs `flask db upgrade` to be run first",
                    "`create_all()` does not use Alembic at all; it issues `CREATE TABLE` for missing tables only.",
                ),
                Option(
                    "SQLite cannot add columns",
                    "SQLite can add a column (`ALTER TABLE ... ADD COLUMN`); `create_all()` just never tries.",
                ),
                Option(
                    "The model change was not saved",
                    "The model was saved: the app failed precisely because the model had the new column.",
                ),
            ),
            explanation="`create_all()` compares table *names* only.",
        ),
        Question(
            id="01-drift",
            prompt="The model has a column the table lacks. Which of these happen? Select all that apply.",
            kind="multiple",
            keys=("15c2faaa0dbfecfd6b1e4469b72875310e19728b22c87469bcdaee8f1f8b4807",),
            options=(
                Option(
                    "`db.create_all()` reports the difference",
                    "It reports nothing: it is silent about tables that exist.",
                ),
                Option(
                    "Queries on the model fail with `no such column`",
                    "Every SELECT lists the model's columns, including the missing one.",
                ),
                Option(
                    "The app can still start",
                    "Nothing checks the schema at start-up; the failure comes with the first query.",
                ),
                Option(
                    "The rows in the table are deleted",
                    "No data is touched; the table is simply out of date.",
                ),
            ),
            explanation="The database is not changed and nothing warns you until a query touches the missing column.",
        ),
        Question(
            id="02-init-app",
            prompt="In an application factory, which line gives the app the `flask db` commands?",
            kind="single",
            keys=("24bf7aff6d82aca5504430cbab978ee91eb36a4908292012ddf9f6b9b1d135b7",),
            options=(
                Option(
                    "`migrate.init_app(app, db)`",
                    "It registers the `db` command group with that app.",
                ),
                Option(
                    "`db.init_app(app)`",
                    "That attaches Flask-SQLAlchemy, not Flask-Migrate.",
                ),
                Option(
                    "`from flask_migrate import Migrate`",
                    "Importing the class does nothing to the app.",
                ),
                Option(
                    "`db.create_all()`",
                    "That creates missing tables; it has nothing to do with migrations.",
                ),
            ),
            explanation="`Migrate(app, db)` does the same in one step when there is no factory.",
        ),
        Question(
            id="02-init-command",
            prompt="Which command creates the `migrations/` folder? Type it as you would in a terminal.",
            kind="text",
            keys=("e124284dc4f501f9048b7020411bf0f7e1d8a8bcc67d8aec94885a63ba31327c",),
            explanation="It runs once per project; commit the folder it creates.",
        ),
        Question(
            id="03-migrate-vs-upgrade",
            prompt='You ran `flask db migrate -m "add bio"`. What has changed in the database?',
            kind="single",
            keys=("6fe686c7073a2c24a765ba5cd671abc91dff7abd16b00301bc97f801df77d546",),
            options=(
                Option(
                    "Nothing in its tables: only a script was written",
                    "`migrate` writes a script; `upgrade` applies it.",
                ),
                Option(
                    "The `bio` column was added",
                    "Not yet: that happens when you run `flask db upgrade`.",
                ),
                Option(
                    "The `alembic_version` row now names the new revision",
                    "The version changes only when a migration is applied.",
                ),
            ),
            explanation="Review the script between the two commands.",
        ),
        Question(
            id="03-version-rows",
            prompt="Two migrations have been applied to a database, one after the other. How many rows does its `alembic_version` table hold?",
            kind="number",
            keys=("fbc40975904d16728b8f4ed8c9a662792e0ba3037c2bdd60e29d64794f3552f9",),
            explanation="Alembic records where the database is now, not every step it took to get there.",
        ),
        Question(
            id="04-downgrade-data",
            prompt="A migration added `password_hash`, and some users have one. What does `flask db downgrade` followed by `flask db upgrade` leave in that column?",
            kind="single",
            keys=("8c52259ee221443211f5c21861d68f40abca74b27ae77c1763825a038a9affba",),
            options=(
                Option(
                    "NULL for every user",
                    "The downgrade dropped the column and its values; the upgrade made an empty one.",
                ),
                Option(
                    "The values as before",
                    "A dropped column's values are gone; the upgrade only recreates the structure.",
                ),
                Option(
                    "An error: the column already exists",
                    "The downgrade removed it, so the upgrade can add it again.",
                ),
            ),
            explanation="Downgrade is an undo for the schema, not for the data.",
        ),
        Question(
            id="04-not-up-to-date",
            prompt='`flask db migrate` says "Target database is not up to date". Which statements are true? Select all that apply.',
            kind="multiple",
            keys=("71ccc0dc10be09c46660e99cedfd6d63d8c396f94a85388a9129d970f8dc3fc3",),
            options=(
                Option(
                    "A migration script exists that the database has not had",
                    "The database is behind the scripts.",
                ),
                Option(
                    "`flask db upgrade` before generating fixes it",
                    "Bring the database to head, then generate.",
                ),
                Option(
                    "Deleting `migrations/` fixes it",
                    "That throws away the history every other database depends on.",
                ),
                Option(
                    "The models have a syntax error",
                    "A syntax error would show a Python traceback, not this message.",
                ),
            ),
            explanation="Autogenerate compares the models with a database at head; it refuses one that is behind.",
        ),
        Question(
            id="05-rename",
            prompt="You rename the nullable model attribute `bio` to `about` and run `flask db migrate`. What does the script do?",
            kind="single",
            keys=("10889dcbf3165650b9c207e26407267fb1950045be95794ea5fef18f505dc9bd",),
            options=(
                Option(
                    "It renames the column with `alter_column`",
                    "Autogenerate cannot tell a rename from a column that went away and another that appeared.",
                ),
                Option(
                    "It adds `about` and drops `bio`, losing every bio",
                    "That is what autogenerate sees: one column removed, one added. Applied as it is, the data is gone.",
                ),
                Option(
                    "Nothing: a rename is not a schema change",
                    "The table's column names change, so the schema does change.",
                ),
            ),
            explanation="Renames must be written by hand: lesson 06.",
        ),
        Question(
            id="05-detects",
            prompt="Which changes does autogenerate detect, as Flask-Migrate configures it? Select all that apply.",
            kind="multiple",
            keys=("f08b2a630505ba8ab7fee1d7ef7e8223ac7fdbedade669133e4b4d87c0048a78",),
            options=(
                Option("A new nullable column", "Added and removed columns are always detected."),
                Option(
                    "A column type change from VARCHAR(80) to VARCHAR(100)",
                    "Type changes are compared because Flask-Migrate turns on `compare_type`.",
                ),
                Option("A new index", "Indexes and unique constraints are compared."),
                Option(
                    "A changed server default",
                    "Server defaults are not compared unless `compare_server_default` is turned on.",
                ),
                Option(
                    "A table rename, as a rename",
                    "A renamed table looks like one table dropped and another created.",
                ),
            ),
            explanation="Review every generated script all the same: detection is not understanding.",
        ),
        Question(
            id="06-rename-op",
            prompt="Which operation renames the column `bio` to `about` and keeps its values?",
            kind="single",
            keys=("64987661b0926a49cac5b63179f0b8c0131f55a0a2817d852b42414d84c78ea5",),
            options=(
                Option(
                    "`batch_op.alter_column('bio', new_column_name='about')`",
                    "A rename in place: the values stay in the column, which now has another name.",
                ),
                Option(
                    "`batch_op.add_column(sa.Column('about', ...))` then `batch_op.drop_column('bio')`",
                    "The new column starts empty and the old one takes its values with it.",
                ),
                Option(
                    "`op.rename_table('bio', 'about')`",
                    "`rename_table` renames tables, not columns.",
                ),
            ),
            explanation="Write the rename by hand; autogenerate cannot.",
        ),
        Question(
            id="06-empty-revision",
            prompt="Which command creates a new, empty migration script for you to fill in by hand? Type it with its -m option left out.",
            kind="text",
            keys=("f3ea8bd631e54cf1b44c33687e3c1f54a38c4cf8f9701d8defa4a83b2c6ce1d2",),
            explanation="It writes a script with empty upgrade() and downgrade() functions and the right down_revision.",
        ),
        Question(
            id="07-move-and-copy",
            prompt="On SQLite, what does batch mode do to change a column's type?",
            kind="single",
            keys=("cfebd1987e5d161224bb8c51d56cd43f4cd209ed82f466fc55d450663ac254db",),
            options=(
                Option(
                    "Creates a new table, copies the rows into it, drops the old table and renames the new one",
                    'That is "move and copy": SQLite cannot alter the column in place.',
                ),
                Option(
                    "Runs ALTER TABLE ... ALTER COLUMN",
                    "SQLite has no ALTER COLUMN; that is why batch mode exists.",
                ),
                Option(
                    "Exports the table to a file and imports it back",
                    "Everything happens inside the database, with SQL.",
                ),
            ),
            explanation="The table is rebuilt, so batch mode must be able to name every constraint it recreates or drops.",
        ),
        Question(
            id="07-naming",
            prompt='A migration fails with "Constraint must have a name". What fixes it? Select all that apply.',
            kind="multiple",
            keys=("ecb1da19410c4145808a6723a947de693cfb7dc011ad065d1ef8e83d63ded111",),
            options=(
                Option(
                    "A naming convention on the app's MetaData, for constraints created from now on",
                    "New constraints then always get predictable names.",
                ),
                Option(
                    "A naming_convention passed to batch_alter_table, to name the old unnamed constraints it reflects",
                    "That lets the migration refer to a constraint the database never named.",
                ),
                Option(
                    "Editing the migration that created the table, after it has been applied everywhere",
                    "Never edit an applied migration: databases that ran it will not run it again.",
                ),
                Option(
                    "Turning batch mode off",
                    "Without batch mode SQLite cannot drop the constraint at all.",
                ),
            ),
            explanation="Name constraints from the start; repair old ones with a naming convention in the batch.",
        ),
        Question(
            id="08-local-tables",
            prompt="Why does a data migration describe the tables it needs with `sa.table(...)` instead of importing the app's models?",
            kind="single",
            keys=("db4d361c354eced276e2a38850f4afbf20f2d66124c45b42becb2eb8bfe4d96b",),
            options=(
                Option(
                    "The models will change later, and the migration must keep working against the schema of its own time",
                    "A migration runs against the database as it was at that revision; the models describe today's schema.",
                ),
                Option(
                    "Importing models inside a migration is a syntax error",
                    "It is valid Python; it just ties the migration to code that keeps changing.",
                ),
                Option("`sa.table` is faster", "Speed is not the reason."),
            ),
            explanation="A migration is history: it must not depend on what the models say today.",
        ),
        Question(
            id="08-expand-contract",
            prompt="A NOT NULL column must be added to a table that has rows, and filled from existing data. Which steps belong in the migration? Select all that apply.",
            kind="multiple",
            keys=("2faf3a355d29eee52c0b883a372f90f47dd0d0cce4cf7a9435be9a8125dee565",),
            options=(
                Option(
                    "Add the column as nullable",
                    "That is the expand step: existing rows get NULL for now.",
                ),
                Option("Fill every existing row", "That is the data migration."),
                Option(
                    "Make the column NOT NULL",
                    "That is the contract step, once every row has a value.",
                ),
                Option("Drop and recreate the table", "That loses the rows."),
            ),
            explanation="Expand, migrate the data, contract.",
        ),
        Question(
            id="09-multiple-heads",
            prompt="Two migrations in the history both revise the same parent. What does `flask db upgrade` do?",
            kind="single",
            keys=("ced45ad525da978997e1eb5476ba37836ae22c8a4eaf1450d1cfe288c109aa84",),
            options=(
                Option(
                    "It refuses: there are multiple head revisions",
                    'It cannot tell which head "head" means, so it stops and asks for a target.',
                ),
                Option(
                    "It applies them in alphabetical order",
                    "Alembic never guesses an order between branches.",
                ),
                Option(
                    "It applies the newest file only",
                    "File dates play no part in Alembic's history.",
                ),
            ),
            explanation="Merge the heads, then upgrade.",
        ),
        Question(
            id="09-merge-command",
            prompt="Type the command that writes a merge migration for all current heads (leave out the -m option).",
            kind="text",
            keys=("dd704e56cd72399afe2096171548f41a2ce917f74678637edaef79f024cfde1a",),
            explanation="The merge script's down_revision names both heads, and its upgrade() is usually empty.",
        ),
        Question(
            id="10-stamp",
            prompt="What does `flask db stamp head` do to a database?",
            kind="single",
            keys=("4f9d8dc41830556b9b76e73d71c3e63b217fecd33f2d652180ff0a4bb66a7ac8",),
            options=(
                Option(
                    "Writes the head revision into alembic_version, without running any migration",
                    "It changes the record of where the database is, and nothing else.",
                ),
                Option("Runs every migration up to head", "That is `flask db upgrade`."),
                Option(
                    "Checks that the schema matches the head revision, then records it",
                    "Stamp checks nothing: it trusts you.",
                ),
            ),
            explanation="Stamp only a database whose schema you know matches that revision.",
        ),
        Question(
            id="10-deploy-order",
            prompt="A release adds a migration. In which order do you deploy it?",
            kind="single",
            keys=("76d7c5556e7a3c5f5711b20ccbd2e558899d3dd15268e066f2ad9075e93a5d62",),
            options=(
                Option(
                    "Back up the database, run `flask db upgrade`, then start the new code",
                    "The new code expects the new schema; the old code must survive the new schema for a moment.",
                ),
                Option(
                    "Start the new code, then run `flask db upgrade`",
                    "Until the upgrade runs, the new code queries columns that do not exist yet.",
                ),
                Option(
                    "Run `flask db migrate` on the production server",
                    "Migrations are generated and reviewed in development, and committed; production only applies them.",
                ),
            ),
            explanation="Migrations must be compatible with the code still running while they apply.",
        ),
        Question(
            id="11-transactional-ddl",
            prompt="A migration adds a column, then fails on its next statement. What is left behind?",
            kind="single",
            keys=("450722043346544154f17391a5e7627a6e0e4628d4e63ae9c9746d06a522dd5c",),
            options=(
                Option(
                    "On PostgreSQL nothing; on SQLite the new column stays, and alembic_version still names the old revision",
                    "PostgreSQL runs DDL inside the transaction and rolls it all back; Alembic runs DDL on SQLite without a transaction, so each statement stays.",
                ),
                Option(
                    "On both databases, nothing",
                    "Alembic runs DDL on SQLite without a transaction, so the first step stays.",
                ),
                Option(
                    "On both databases, the new column stays",
                    "PostgreSQL rolls back the whole migration, column included.",
                ),
            ),
            explanation="Keep SQLite migrations small, and test them on a copy.",
        ),
        Question(
            id="11-enum",
            prompt="A PostgreSQL enum type `user_role` needs a new value. What does the migration contain?",
            kind="single",
            keys=("b99ac19b32382a0830b64822c42433694983630c7f46fe525d0cd399e87b9999",),
            options=(
                Option(
                    "`op.execute(\"ALTER TYPE user_role ADD VALUE 'moderator'\")`, written by hand",
                    "Autogenerate does not see the new value; the SQL is written by hand.",
                ),
                Option(
                    "Whatever `flask db migrate` generates",
                    "Autogenerate does not compare the values of an enum type.",
                ),
                Option(
                    "`batch_op.alter_column('role', type_=...)`",
                    "That changes which type the column uses, not the values of the type.",
                ),
            ),
            explanation="Removing a value is harder still: PostgreSQL has no DROP VALUE.",
        ),
    )
}
