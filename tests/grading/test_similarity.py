"""Matching answers: compared as tokens, with layout, comments, docstrings and revision
ids aside; short answers and answers most of the class shares left out."""

from __future__ import annotations

import time

from checker.grading.records import ExerciseRecord, LearnerRecord
from checker.grading.similarity import (
    MAX_CHARACTERS,
    MAX_SHINGLES,
    shingles,
    similar_pairs,
    tokens,
)

SCRIPT = '''"""add a column

Revision ID: {revision}
"""
from alembic import op
import sqlalchemy as sa

revision = "{revision}"
down_revision = "0123456789ab"


def upgrade():
    with op.batch_alter_table("user") as batch:  {comment}
        batch.add_column(sa.Column("{column}", sa.String(length=128), nullable=True))


def downgrade():
    with op.batch_alter_table("user") as batch:
        batch.drop_column("{column}")
'''


def script(revision: str = "aaaaaaaaaaaa", column: str = "nickname", comment: str = "") -> str:
    return SCRIPT.format(revision=revision, column=column, comment=comment and f"# {comment}")


def learner(name: str, answer: str) -> LearnerRecord:
    return LearnerRecord(name, [ExerciseRecord("03-x", "x", "passed", 1, 1, "", answer=answer)])


def test_layout_comments_docstrings_and_revision_ids_do_not_matter():
    assert tokens(script()) == tokens(script("bbbbbbbbbbbb", comment="mine"))
    assert tokens(script()) != tokens(script(column="alias"))


def test_a_copied_answer_is_found_and_a_different_one_is_not():
    class_ = [
        learner("ann", script("aaaaaaaaaaaa", "nickname")),
        learner("bob", script("bbbbbbbbbbbb", "nickname", "copied")),
        learner("cat", "def upgrade():\n    op.execute('ALTER TABLE user ADD nick TEXT')\n" * 6),
        learner("dan", script("dddddddddddd", "alias")),
    ]
    pairs = similar_pairs(class_, threshold=0.99)
    assert [(p.learners, p.exercises) for p in pairs] == [(("ann", "bob"), [("03-x", 1.0)])]
    near = similar_pairs(class_)  # one identifier renamed: 0.79 alike
    assert {p.learners for p in near} == {("ann", "bob"), ("ann", "dan"), ("bob", "dan")}


def test_answers_most_of_the_class_shares_and_short_answers_say_nothing():
    shared = [learner(name, script(name[0] * 12)) for name in ("ann", "bob", "cat", "dan")]
    assert similar_pairs([*shared, learner("eve", script(column="alias"))]) == []
    short = [learner("ann", "x = 1\n"), learner("bob", "x = 1\n")]
    assert similar_pairs(short) == []


def test_a_huge_answer_is_tokenized_in_linear_time_and_compared_by_few_shingles():
    started = time.perf_counter()
    found = tokens("\n".join(f"a{n}" for n in range(500_000)))
    assert len(found) <= MAX_CHARACTERS // 2
    assert len(shingles(tuple(found))) == MAX_SHINGLES
    assert time.perf_counter() - started < 5


def test_a_copy_padded_with_thousands_of_repeated_tokens_is_still_found():
    padding = "_PADDING = [" + ", ".join(["0"] * 2_600) + "]\n"
    original = script("aaaaaaaaaaaa")
    padded = script("bbbbbbbbbbbb").replace("def upgrade():", padding + "\n\ndef upgrade():")
    pairs = similar_pairs([learner("ann", original), learner("bob", padded)])
    assert [pair.learners for pair in pairs] == [("ann", "bob")]
