"""The judge: exercise kinds and their named checks, the sandbox learner code runs in, and
what the checker observes itself.

It imports only ``checker.db`` and itself: nothing from the lesson helpers, the learner's
notebook API, the course content or grading.
"""
