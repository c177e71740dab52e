"""Grading engines that run one upload per container: Gradescope and PrairieLearn.

Each module builds what its engine needs (an autograder archive, a grader image's files
and an example question) and reads what the engine hands over (its metadata, its upload
folder, ``upload``); ``checker.api.autograde`` grades the upload as local grading does
and writes the engine's results.
"""
