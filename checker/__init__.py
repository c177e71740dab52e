"""The migrations course's support code and its checker, in packages by role.

- ``lessons``: what lesson notebooks call (a scratch workspace per lesson, views of it);
- ``notebook``: the learner's API (exercises, quizzes, the ``%%answer`` magic, rendering);
- ``course``: what a course is to the engine, and finding the installed ones by name;
- ``content``: this course, one module per lesson (exercises, quiz questions, files);
- ``judge``: exercise kinds and their named checks, the sandbox, what the checker observes;
- ``grading``: grading a whole class into a gradebook and feedback;
- ``authoring``: generating a course's notebooks and building its release;
- ``db``: databases everyone uses (read-only views, the embedded PostgreSQL server);
- ``engines``: grading engines that run one upload per container (Gradescope, PrairieLearn);
- ``api`` and ``cli``: ``list_exercises``, ``check``, ``grade``, and ``python -m checker``.
- ``kernel``: the course's Jupyter kernel (IPython's, collecting the processes it ends).

The judge imports only ``db``; ``course`` the judge; content (a course) the judge and
``course``; the engine (grading, authoring, the notebook side, the API) never imports
content: it is handed a course. The command line imports only the API (and how a report
is rendered). ``tests/course/test_layout.py`` holds the code to these rules.
"""

__version__ = "0.1.0"
