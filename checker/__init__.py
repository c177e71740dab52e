"""The course's support code and its checker.

Lessons use ``lessons`` (scratch workspaces, views of the database); learners use
``notebook`` (exercises, quizzes); shells use ``python -m checker``. Exercise definitions
live in ``exercises``; learner code only ever runs through ``sandbox``.
"""

__version__ = "0.1.0"
