"""The course's content, lesson by lesson: exercises, quiz questions and their files.

- ``lessonNN_<name>.py``: one module per lesson notebook, holding its exercises (statement,
  hints, checks' cases) and its quiz questions;
- ``starters/<id>.py`` and ``solutions/<id>.py``: what the learner starts from, and an
  answer that passes every check (left out of releases without solutions);
- ``migrations/``: the revisions the migration exercises start from;
- ``layouts.py``: the tables the exercises start from and aim at, and the users seeded;
- ``catalogue.py``: everything collected, by stable id.

This package holds no engine: the exercise kinds and their checks live in ``checker.judge``.
Importing it does not load the lessons; ``catalogue`` does.
"""
