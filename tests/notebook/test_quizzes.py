"""Quizzes: judging, per-option feedback, saved progress, hashed keys, the text fallback."""

from __future__ import annotations

import base64
import json

import pytest
from quiz_answers import RIGHT

from checker import lessons, notebook
from checker.content.catalogue import COURSE, QUESTIONS
from checker.judge import quizzes
from checker.notebook import quiz_store
from checker.notebook.quiz_form import QuizView


@pytest.fixture(autouse=True)
def notebook_dir(tmp_path, monkeypatch):
    monkeypatch.setattr(lessons, "NOTEBOOK_DIR", tmp_path)
    return tmp_path


def test_every_lesson_has_a_quiz_and_every_question_is_covered():
    assert set(RIGHT) == set(QUESTIONS)
    assert {qid[:2] for qid in RIGHT} >= {"01", "02", "03", "04", "05"}
    assert {q.kind for q in QUESTIONS.values()} == set(quizzes.KINDS)


@pytest.mark.parametrize("question_id", sorted(RIGHT))
def test_right_answer_is_correct(question_id):
    verdict = quizzes.judge(QUESTIONS[question_id], RIGHT[question_id])
    assert verdict.correct


@pytest.mark.parametrize("question_id", sorted(RIGHT))
def test_every_other_choice_is_wrong(question_id):
    question = QUESTIONS[question_id]
    if question.kind == "single":
        for option in question.options:
            if option.text != RIGHT[question_id]:
                assert not quizzes.judge(question, option.text).correct
    elif question.kind == "multiple":
        assert not quizzes.judge(question, RIGHT[question_id][:1]).correct
        assert not quizzes.judge(question, [o.text for o in question.options]).correct
    else:
        wrong = "2" if question.kind == "number" else "flask db migrate"
        assert not quizzes.judge(question, wrong).correct


def test_answers_are_normalised():
    text = QUESTIONS["02-init-command"]
    assert quizzes.judge(text, "  `flask   db init` ").correct
    number = QUESTIONS["03-version-rows"]
    assert all(quizzes.judge(number, value).correct for value in (1, "1", "1.0", " 01 ", 1.0))
    many = QUESTIONS["01-drift"]
    assert quizzes.judge(many, list(reversed(RIGHT["01-drift"]))).correct


def test_feedback_belongs_to_the_chosen_options():
    question = QUESTIONS["01-create-all"]
    verdict = quizzes.judge(question, "SQLite cannot add columns")
    assert verdict.feedback == (question.options[2].feedback,)


@pytest.mark.parametrize(
    ("question_id", "value"),
    [
        ("01-create-all", "not an option"),
        ("01-drift", "a string"),
        ("03-version-rows", "many"),
        ("03-version-rows", "1e999999999"),  # Decimal overflows writing it out
        ("03-version-rows", "1e99999"),  # a hundred thousand digits
        pytest.param("03-version-rows", 10**5000, id="an-int-too-long-for-str"),
        pytest.param("03-version-rows", "1." + "0" * 2000 + "1", id="a-number-too-long"),
    ],
)
def test_unjudgeable_answers_are_refused(question_id, value):
    with pytest.raises(quizzes.InvalidAnswer):
        quizzes.judge(QUESTIONS[question_id], value)


def test_rigged_answer_object_is_refused():
    class Anything(str):
        def __eq__(self, other):
            return True

        __hash__ = str.__hash__

    with pytest.raises(quizzes.InvalidAnswer):
        quizzes.judge(QUESTIONS["01-create-all"], Anything("x"))


def test_keys_are_not_in_the_package_in_plain_text():
    source = "\n".join(lesson.source.read_text() for lesson in COURSE.lessons)
    for question in QUESTIONS.values():
        if question.kind == "text":
            right = str(RIGHT[question.id])
            assert right not in repr(question), question.id
            assert base64.b64encode(right.encode()).decode().rstrip("=") not in source
    assert all(len(key) == 64 for q in QUESTIONS.values() for key in q.keys)


def test_answer_saves_progress_and_the_form_reloads_it(notebook_dir):
    shown = notebook.answer("01-create-all", RIGHT["01-create-all"])
    assert repr(shown).startswith("**Correct.**")
    record = json.loads((notebook_dir / "workspace/progress/01-create-all.json").read_text())
    assert record["answer"] == RIGHT["01-create-all"] and record["correct"] is True
    view = notebook.quiz("01-create-all")
    assert view.current_answer() == RIGHT["01-create-all"]
    assert "Correct." in view.feedback.value


def test_number_answered_from_code_is_saved_and_reloaded(notebook_dir):
    assert repr(notebook.answer("03-version-rows", 1)).startswith("**Correct.**")
    assert quiz_store.saved_answer(notebook_dir, "03-version-rows") == 1
    assert notebook.quiz("03-version-rows").input.value == "1"


def test_form_submit_saves(notebook_dir):
    view = notebook.quiz("01-drift")
    texts = [option.text for option in view.question.options]
    for text, box in zip(texts, view.boxes, strict=True):
        box.value = text in RIGHT["01-drift"]
    view.submit()
    saved = quiz_store.saved_answer(notebook_dir, "01-drift")
    assert saved == sorted(RIGHT["01-drift"], key=texts.index)


def test_a_single_choice_form_keeps_one_option_chosen(notebook_dir):
    view = notebook.quiz("01-create-all")
    view.boxes[0].value = True
    view.boxes[2].value = True
    assert [box.value for box in view.boxes] == [False, False, True, False]
    assert view.current_answer() == view.question.options[2].text


def test_the_form_renders_markdown_and_escapes_the_rest():
    from checker.notebook.quiz_form import inline_html

    assert inline_html("`db.create_all()` is **not** <b>") == (
        "<code>db.create_all()</code> is <b>not</b> &lt;b&gt;"
    )


def test_a_right_but_incomplete_selection_says_so():
    question = QUESTIONS["01-drift"]
    verdict = quizzes.judge(question, RIGHT["01-drift"][:1])
    assert not verdict.correct and verdict.incomplete
    shown = repr(notebook.answer("01-drift", RIGHT["01-drift"][:1]))
    assert shown.startswith("**Not complete: the options you chose are right")
    wrong = [o.text for o in question.options if o.text not in RIGHT["01-drift"]][:1]
    assert not quizzes.judge(question, wrong).incomplete


@pytest.mark.parametrize(
    ("typed", "right"),
    [
        ("flask --app sample_app db init", True),
        ("$ .venv/bin/flask db init", True),
        ("flask -A sample_app db init", True),
        ("python -m flask db init", True),
        ("FLASK_APP=sample_app flask db init", True),
        ("!flask --debug db init", True),
        ("(.venv) $ flask db init", True),
        ("flask db init;  # makes migrations/", True),
        ("flask db init -d migrations", True),  # the app's folder, named
        ("flask db init --directory ./migrations/", True),
        ("flask db init -t flask", True),  # the template init takes when none is given
        ("py -3 -m flask db init", True),  # Windows: the launcher, paths, prompts
        ("python.exe -m flask db init", True),
        (r".venv\Scripts\flask.exe db init", True),
        (r"(.venv) PS C:\app> flask db init", True),
        (r"C:\app>flask db init", True),
        ("user@mac app % flask db init", True),  # zsh
        ("❯ flask db init", True),
        (r".venv\Scripts\flask db migrate", False),
        ("flask db init --template=flask", True),
        ("flask db migrate", False),
        ("db init", False),
    ],
)
def test_typed_commands_are_read_as_a_shell_reads_them(typed, right):
    verdict = quizzes.judge(QUESTIONS["02-init-command"], typed)
    assert verdict.correct is right
    assert right or verdict.feedback, "a common wrong answer gets feedback of its own"


@pytest.mark.parametrize(
    ("question_id", "typed"),
    [
        ("02-init-command", "flask db init -m x"),  # init takes no message
        ("02-init-command", "flask -a sample_app db init"),  # Flask's option is -A
        ("02-init-command", "flask db init --help"),  # prints help, makes nothing
        ("02-init-command", "flask db init -t flask-multidb"),  # another template
        ("02-init-command", "python3 -3 -m flask db init"),  # a version flag is py's, not python's
        ("09-merge-command", "flask db -m x merge heads"),  # -m is merge's, not db's
        ("09-merge-command", "flask db merge heads --message"),  # a message needs its text
        ("06-empty-revision", "flask db revision --autogenerate"),  # that is migrate
    ],
)
def test_a_command_flask_would_refuse_or_read_otherwise_is_wrong(question_id, typed):
    assert not quizzes.judge(QUESTIONS[question_id], typed).correct


@pytest.mark.parametrize(
    ("question_id", "typed"),
    [
        ("02-init-command", "`FLASK DB INIT`"),  # no such program
        ("02-init-command", "flask DB init"),  # no such command
        ("06-empty-revision", "flask db REVISION"),
        ("09-merge-command", "flask db merge HEADS"),  # a revision named HEADS, not every head
    ],
)
def test_a_command_in_capitals_is_wrong_and_the_feedback_says_why(question_id, typed):
    verdict = quizzes.judge(QUESTIONS[question_id], typed)
    assert not verdict.correct
    assert quizzes.CASE_FEEDBACK in verdict.feedback
    assert quizzes.CASE_FEEDBACK not in quizzes.judge(QUESTIONS[question_id], "flask run").feedback


def test_options_that_name_or_describe_leave_the_command_the_same():
    question = QUESTIONS["09-merge-command"]
    for typed in ("flask db merge -m 'join the heads' heads", "flask db merge heads --rev-id ab12"):
        assert quizzes.judge(question, typed).correct, typed


def test_an_option_typed_with_its_default_value_leaves_the_command_the_same():
    assert not quizzes.judge(QUESTIONS["02-init-command"], "flask db init -d elsewhere").correct
    assert quizzes.judge(QUESTIONS["06-empty-revision"], "flask db revision --head head").correct
    assert not quizzes.judge(QUESTIONS["06-empty-revision"], "flask db revision --head +1").correct


def test_corrupt_progress_file_is_ignored(notebook_dir):
    folder = notebook_dir / "workspace" / "progress"
    folder.mkdir(parents=True)
    (folder / "01-drift.json").write_text("{broken")
    assert quiz_store.saved_answer(notebook_dir, "01-drift") is None
    assert isinstance(notebook.quiz("01-drift"), QuizView)


def test_text_form_is_the_same_whatever_was_saved(notebook_dir):
    before = notebook.quiz("01-create-all")._repr_mimebundle_()["text/plain"]
    notebook.answer("01-create-all", "SQLite cannot add columns")
    after = notebook.quiz("01-create-all")._repr_mimebundle_()["text/plain"]
    assert before == after
    assert "answer('01-create-all', 'one option')" in after


def test_a_form_has_the_same_model_id_in_every_kernel_and_run(notebook_dir):
    """A reopened notebook finds the form of a re-run quiz cell in the widget state stored
    in the notebook, because the id does not depend on the kernel; the earlier form of the
    same question in this kernel is closed, so the id is never held twice."""
    first = QuizView(QUESTIONS["01-drift"], notebook_dir)
    second = QuizView(QUESTIONS["01-drift"], notebook_dir)
    view = second._repr_mimebundle_()["application/vnd.jupyter.widget-view+json"]
    assert view["model_id"] == "course-quiz-01-drift"
    assert first.widget.comm is None and second.widget.comm is not None
    other = QuizView(QUESTIONS["01-create-all"], notebook_dir)
    assert other.widget.model_id == "course-quiz-01-create-all"


def test_a_typed_answer_longer_than_a_command_is_refused_unread():
    question = QUESTIONS["02-init-command"]
    with pytest.raises(quizzes.InvalidAnswer, match=f"at most {quizzes.MAX_TEXT_CHARS} characters"):
        quizzes.judge(question, "a= " * 330_000 + "flask db init")
    longest = "a= " * ((quizzes.MAX_TEXT_CHARS - 13) // 3) + "flask db init"
    assert len(longest) <= quizzes.MAX_TEXT_CHARS
    assert quizzes.judge(question, longest).correct
