"""Quizzes: judging, per-option feedback, saved progress, hashed keys, the text fallback."""

from __future__ import annotations

import inspect
import json

import pytest
from quiz_answers import RIGHT

from checker import lessons, notebook
from checker.content.catalogue import LESSON_MODULES, QUESTIONS
from checker.judge import quizzes
from checker.notebook import progress
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
    assert quizzes.judge(text, "  `Flask   DB init` ").correct
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
    [("01-create-all", "not an option"), ("01-drift", "a string"), ("03-version-rows", "many")],
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
    source = "\n".join(inspect.getsource(module) for module in LESSON_MODULES)
    assert "flask db init" not in source
    assert "Zmxhc2sgZGIgaW5pdA" not in source, "nor in base64"
    assert all(len(key) == 64 for q in QUESTIONS.values() for key in q.keys)


def test_answer_saves_progress_and_the_form_reloads_it(notebook_dir):
    shown = notebook.answer("01-create-all", RIGHT["01-create-all"])
    assert repr(shown).startswith("**Correct.**")
    record = json.loads((notebook_dir / "workspace/progress/01-create-all.json").read_text())
    assert record["answer"] == RIGHT["01-create-all"] and record["correct"] is True
    view = notebook.quiz("01-create-all")
    assert view.input.value == RIGHT["01-create-all"]
    assert "Correct." in view.feedback.value


def test_number_answered_from_code_is_saved_and_reloaded(notebook_dir):
    assert repr(notebook.answer("03-version-rows", 1)).startswith("**Correct.**")
    assert progress.saved_answer(notebook_dir, "03-version-rows") == 1
    assert notebook.quiz("03-version-rows").input.value == "1"


def test_form_submit_saves(notebook_dir):
    view = notebook.quiz("01-drift")
    for box in view.input.children:
        box.value = box.description in RIGHT["01-drift"]
    view.submit()
    assert progress.saved_answer(notebook_dir, "01-drift") == sorted(
        RIGHT["01-drift"], key=[b.description for b in view.input.children].index
    )


def test_corrupt_progress_file_is_ignored(notebook_dir):
    folder = notebook_dir / "workspace" / "progress"
    folder.mkdir(parents=True)
    (folder / "01-drift.json").write_text("{broken")
    assert progress.saved_answer(notebook_dir, "01-drift") is None
    assert isinstance(notebook.quiz("01-drift"), QuizView)


def test_text_form_is_the_same_whatever_was_saved(notebook_dir):
    before = notebook.quiz("01-create-all")._repr_mimebundle_()["text/plain"]
    notebook.answer("01-create-all", "SQLite cannot add columns")
    after = notebook.quiz("01-create-all")._repr_mimebundle_()["text/plain"]
    assert before == after
    assert "answer('01-create-all', 'one option')" in after
