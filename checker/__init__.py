"""The migrations course's support code and its checker, in packages by role.

- ``lessons``: what lesson notebooks call (a scratch workspace per lesson, views of it);
- ``notebook``: the learner's API (exercises, quizzes, the ``%%answer`` magic, rendering);
- ``content``: the course itself, one module per lesson (exercises, quiz questions, files);
- ``judge``: exercise kinds and their named checks, the sandbox, what the checker observes;
- ``grading``: grading a whole class into a gradebook and feedback;
- ``db``: databases everyone uses (read-only views, the embedded PostgreSQL server);
- ``api`` and ``cli``: ``list_exercises``, ``check``, ``grade``, and ``python -m checker``.

The judge imports only ``db``; content imports the judge; grading imports content and
the judge; the API imports grading; the command line imports only the API (and how a
report is rendered). ``tests/test_layout.py`` holds the code to these rules.
"""

__version__ = "0.1.0"
