"""Broken or hostile answers get a clear outcome; the checker never crashes; nothing is lost."""

from __future__ import annotations

import time

import pytest

from checker.content.catalogue import EXERCISES
from checker.judge.kinds.base import same_code
from checker.judge.outcomes import TOO_DEEP, Outcome

SCRIPT = EXERCISES["03-add-password-hash"]
MODULE = EXERCISES["01-missing-columns"]


def with_upgrade(text: str) -> str:
    return SCRIPT.solution.replace("def upgrade():\n", f"def upgrade():\n{text}", 1)


def test_syntax_error_names_its_line():
    source = SCRIPT.solution.replace("def downgrade():", "def downgrade()")
    line = source.splitlines().index("def downgrade()") + 1
    report = SCRIPT.judge(source)
    assert report.outcome is Outcome.ERROR
    assert report.message == f"The answer has a syntax error: line {line}: expected ':'."
    assert report.detail == "    def downgrade()"


def test_script_without_upgrade():
    report = SCRIPT.judge(SCRIPT.solution.replace("def upgrade():", "def up():"))
    assert report.outcome is Outcome.FAILED
    assert "defines no upgrade() function" in report.message


def with_long_sum(terms: int) -> str:
    """The solution with one expression of ``terms`` terms: a tree as deep."""
    return SCRIPT.solution.replace(
        "def upgrade():", "_W = " + "+".join(["1"] * terms) + "\n\n\ndef upgrade():", 1
    )


@pytest.mark.parametrize("terms", [700, 1_500])
def test_an_expression_deeper_than_the_recursion_limit_is_read_as_python_runs_it(terms):
    assert SCRIPT.judge(with_long_sum(terms)).outcome is Outcome.PASSED
    assert not same_code(with_long_sum(terms), SCRIPT.starter)


def test_an_expression_too_deep_for_python_costs_only_its_answer_and_says_why():
    deep = with_long_sum(5_000)
    report = SCRIPT.judge(deep)
    assert report.outcome is Outcome.ERROR
    assert report.message == TOO_DEEP
    assert not same_code(deep, SCRIPT.starter)


def test_script_without_revision_id():
    report = SCRIPT.judge(SCRIPT.solution.replace("revision = '7b3c2e4d9f03'", ""))
    assert report.outcome is Outcome.FAILED
    assert "revision = 'abc123def456'" in report.message


def test_endless_loop_times_out_in_seconds():
    started = time.perf_counter()
    report = SCRIPT.judge(with_upgrade("    while True:\n        pass\n"), timeout=1.5)
    assert report.outcome is Outcome.TIMED_OUT
    assert "ran for more than 1.5 s" in report.message
    assert time.perf_counter() - started < 10


def test_sys_exit_is_reported_not_obeyed():
    report = SCRIPT.judge("import sys\nsys.exit(3)\n" + SCRIPT.solution)
    assert report.outcome is Outcome.ERROR
    assert "the code called sys.exit(3)" in report.detail


def test_os_exit_is_reported():
    report = SCRIPT.judge(with_upgrade("    import os\n    os._exit(7)\n"))
    assert report.outcome is Outcome.ERROR
    assert "ended the checking process abruptly (exit status 7)" in report.message


def test_memory_bomb_is_stopped():
    report = SCRIPT.judge(with_upgrade("    hoard = 'x' * (4 * 1024 ** 3)\n"))
    assert report.outcome is Outcome.ERROR
    assert "ran out of memory" in report.detail


def test_error_in_learner_code_points_at_the_learner_line():
    source = with_upgrade("    undefined_helper()\n")
    report = SCRIPT.judge(source)
    assert report.outcome is Outcome.ERROR
    line = source.splitlines().index("    undefined_helper()") + 1
    assert report.detail.splitlines() == [
        "NameError: name 'undefined_helper' is not defined",
        f"  line {line}, in upgrade()",
        "    undefined_helper()",
    ]
    assert "site-packages" not in report.detail and "checker" not in report.detail


def test_missing_and_empty_answers_are_not_attempted(tmp_path):
    assert SCRIPT.judge_file(tmp_path / "absent.py").outcome is Outcome.NOT_ATTEMPTED
    empty = tmp_path / "empty.py"
    empty.write_text("  \n")
    assert SCRIPT.judge_file(empty).outcome is Outcome.NOT_ATTEMPTED


def test_a_byte_order_mark_before_a_right_answer_is_no_part_of_it(tmp_path):
    answer = tmp_path / "saved_on_windows.py"
    answer.write_bytes(SCRIPT.solution.encode("utf-8-sig"))
    assert SCRIPT.judge_file(answer).outcome is Outcome.PASSED


def test_non_utf8_answer(tmp_path):
    answer = tmp_path / "latin1.py"
    answer.write_bytes("# café\n".encode("latin-1") + SCRIPT.solution.encode())
    report = SCRIPT.judge_file(answer)
    assert report.outcome is Outcome.ERROR
    assert "not UTF-8" in report.message


def test_writes_outside_the_scratch_folder_are_refused(tmp_path):
    answer = tmp_path / "answer.py"
    source = with_upgrade(f"    open({str(answer)!r}, 'w').write('wiped')\n")
    answer.write_text(source)
    report = SCRIPT.judge_file(answer)
    assert report.outcome is Outcome.ERROR
    assert "writing outside the scratch folder is not allowed" in report.detail
    assert answer.read_text() == source


@pytest.mark.parametrize(
    ("statement", "refused"),
    [
        ("os.fork()", "starting processes is not allowed"),
        ("os.system('true')", "starting programs is not allowed"),
        ("os.kill(os.getppid(), 9)", "sending signals is not allowed"),
        ("ctypes.CDLL(None)", "loading C libraries is not allowed"),
        ("sqlite3.connect('/tmp/elsewhere.db')", "writing outside the scratch folder"),
    ],
)
def test_processes_signals_and_other_databases_are_refused(statement, refused):
    source = "import os, ctypes, sqlite3\n" + with_upgrade(f"    {statement}\n")
    report = SCRIPT.judge(source)
    assert report.outcome is Outcome.ERROR
    assert refused in report.detail


def test_function_that_raises():
    source = MODULE.solution.replace("    inspector = inspect(engine)\n", "    1 / 0\n")
    report = MODULE.judge(source)
    assert report.outcome is Outcome.ERROR
    assert "ZeroDivisionError: division by zero" in report.detail


def test_monkeypatching_the_checker_from_the_answer_gains_nothing():
    """Verification runs in the checker's own process; the answer runs in a child."""
    wrong = SCRIPT.solution.replace(
        "        batch_op.drop_column('password_hash')\n", "        pass\n"
    )
    rigged = wrong + (
        "\nimport checker.judge.schema as schema, checker.judge.rows as rows\n"
        "schema.schema_differences = lambda *args: []\n"
        "rows.compare_rows = lambda *args: None\n"
    )
    report = SCRIPT.judge(rigged)
    assert report.outcome is Outcome.FAILED
    assert "column user.password_hash should not be there" in report.checks[3].message


def test_a_profile_or_trace_function_is_refused():
    """Either would see the checker's own steps return, and could rewrite what they observed."""
    for setter in ("sys.setprofile", "sys.settrace"):
        report = SCRIPT.judge(SCRIPT.solution + f"\nimport sys\n{setter}(lambda *args: None)\n")
        assert report.outcome is Outcome.ERROR, setter
        assert "watching the checker's own functions is not allowed" in report.detail, setter


SQLITE_EXERCISES = sorted(
    i for i, e in EXERCISES.items() if getattr(e, "database_kind", "sqlite") == "sqlite"
)


@pytest.mark.parametrize("exercise_id", SQLITE_EXERCISES)
def test_check_leaves_no_scratch_files_behind(exercise_id, tmp_path, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    EXERCISES[exercise_id].judge(EXERCISES[exercise_id].solution)
    assert list(tmp_path.iterdir()) == []


def test_oversized_answer_file_is_not_read(tmp_path):
    answer = tmp_path / "answer.py"
    answer.write_text(SCRIPT.solution + "#" * 2**20)
    report = SCRIPT.judge_file(answer)
    assert report.outcome is Outcome.ERROR
    assert "larger than 1 MB" in report.message


def test_a_table_definition_too_long_to_reflect_fails_its_check_at_once(tmp_path):
    """SQLite's reflection takes time growing with the square of a definition's length (a
    300 KB table name: minutes of the checker's own time); such a database is refused."""
    answer = tmp_path / "long_name.py"
    answer.write_text(
        with_upgrade("    op.execute('CREATE TABLE \"t' + 'x' * 300000 + '\" (id INTEGER)')\n")
    )
    started = time.monotonic()
    report = SCRIPT.judge_file(answer)
    assert report.outcome is Outcome.FAILED
    assert "the checker reads at most 4096 in one" in report.message + str(report.checks)
    assert time.monotonic() - started < 60


def test_a_message_built_from_what_the_answer_left_is_bounded(tmp_path):
    """An enum of 20,000 labels is named in the message, cut: not megabytes per check."""
    enum = EXERCISES["11-enum-column"]
    many = "'member', 'admin', *[f'label{n:05}' for n in range(20000)],"
    report = enum.judge(enum.solution.replace("'member', 'admin',", many))
    assert report.outcome is Outcome.FAILED
    assert all(len(check.message) < 2100 for check in report.checks)
    assert any("more characters left out" in check.message for check in report.checks)
