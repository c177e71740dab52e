"""Quiz questions and how an answer to one is judged.

Answer keys are stored only as salted SHA-256 digests, so reading the package does not
show them: of the normalised right answer, or for a select-all question of each right
option, so that a right but incomplete selection can be told apart from a wrong one. An
answer is judged by normalising it the same way and comparing digests. A typed command is
read as a shell reads it, without its prompt or variable assignments; a question whose
answer is a command of the course's program (``command_line``) also reads it as that
program's parser does, so that ``$ flask --app sample_app db init``, ``python -m flask db
init`` and ``flask db init`` are one answer, and a command the program would refuse (an
unknown option, a missing value) is none. For a text question, ``options`` are common wrong
answers, each with feedback of its own.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import posixpath
import re
import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import click
from click.core import ParameterSource

SALT = "migrations-course/quiz/v1"
ASSIGNMENT = re.compile(r"[a-z_][a-z0-9_]*=")
PYTHON = re.compile(r"(.*/)?(python[0-9.]*|py)(\.exe)?")  # by any path, or Windows' `py`
LAUNCHER_VERSION = re.compile(r"(.*/)?py(\.exe)? -[0-9.]+")  # py -3 -m flask
# A shell's prompt, a virtual environment's before it: `$` (sh, bash), `%` (zsh), `❯` (with a
# user@host and folder before them), PowerShell's `PS C:\app>` and cmd's `C:\app>`.
PROMPT = re.compile(r"^(\([^)]*\)\s*)?((\S+@\S+[^$%❯]*)?[$%❯]\s*|(PS )?[A-Za-z]:\\[^>]*>\s*)")
WINDOWS_PROGRAM = re.compile(r"^(?:[\w.:~-]*\\)+([\w.-]+?)(?:\.exe)?(?=\s|$)")  # its folders
NOT_A_RUN = ("--help", "--version")  # prints something, runs nothing
MAX_NUMBER_DIGITS = 100  # a number answer is written out in full to be judged
MAX_NUMBER_CHARS = 1000
MAX_TEXT_CHARS = 1000  # a command, typed: reading one costs time that grows with its length
KINDS = ("single", "multiple", "text", "number")
CASE_FEEDBACK = (
    "A terminal reads a command as typed, capitals included: it would refuse this one, or do "
    "something else. Type it in lower case."
)


@dataclass(frozen=True)
class Option:
    """One choice of a question, with the feedback shown when it is chosen."""

    text: str
    feedback: str


@dataclass(frozen=True)
class CommandLine:
    """How a program reads its command line, for the text questions whose answer is one of
    its commands: its click command tree (only parsed, never run; parameters with no
    effects when parsed), the parameters that leave the command the same one (the app
    to load, a message), and the value a parameter takes when it is not typed, where its
    parser leaves that to the program (Flask-Migrate's ``--directory``: the app's folder).
    A parameter typed with its default value leaves the command the same one too."""

    program: click.Command
    unchanged_by: frozenset[str] = frozenset()
    defaults: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Question:
    """One quiz question. ``keys`` are digests of the accepted, normalised answers;
    ``command_line`` reads a text answer that is a command of a course's program."""

    id: str
    prompt: str
    kind: str
    keys: tuple[str, ...]
    options: tuple[Option, ...] = ()
    explanation: str = ""
    command_line: CommandLine | None = None


@dataclass(frozen=True)
class Verdict:
    """Whether an answer is right, and the feedback it earns.

    ``incomplete`` marks a select-all answer whose choices are all right but not all
    the right ones; ``feedback`` holds the feedback of each option chosen (or typed).
    """

    question_id: str
    answer: Any
    correct: bool
    feedback: tuple[str, ...]
    explanation: str
    incomplete: bool = False

    def heading(self) -> str:
        """The verdict in words: right, right so far, or not yet."""
        if self.correct:
            return "Correct."
        if self.incomplete:
            return "Not complete: the options you chose are right, and another one is right too."
        return "Not quite. Try again."

    def in_words(self) -> str:
        """What the learner saw in the notebook, as plain text: the heading, the feedback of
        each option chosen, and the explanation once the answer is right."""
        explanation = (self.explanation,) if self.correct and self.explanation else ()
        return " ".join((self.heading(), *self.feedback, *explanation))


class InvalidAnswer(ValueError):
    """The answer does not fit the question (an unknown option, not a number, ...)."""


def normalise(question: Question, answer: Any) -> str:
    """The canonical text of an answer, the same however it was typed or clicked."""
    if question.kind == "single":
        texts = [option.text for option in question.options]
        if type(answer) is not str or answer not in texts:
            raise InvalidAnswer(f"choose one of: {texts}")
        return answer
    if question.kind == "multiple":
        texts = [option.text for option in question.options]
        if isinstance(answer, str) or not all(type(a) is str and a in texts for a in answer):
            raise InvalidAnswer(f"choose any of: {texts}")
        return "\n".join(sorted(set(answer)))
    if question.kind == "text":
        if type(answer) is not str:
            raise InvalidAnswer("type your answer as text")
        if len(answer) > MAX_TEXT_CHARS:
            raise InvalidAnswer(f"type an answer of at most {MAX_TEXT_CHARS} characters")
        return command_words(answer, question.command_line)
    if type(answer) not in (int, float, str, Decimal):
        raise InvalidAnswer("type a number")
    try:
        typed = str(answer).strip()
        number = Decimal(typed if len(typed) <= MAX_NUMBER_CHARS else "NaN")
    except (InvalidOperation, ValueError):  # ValueError: an int too long to write out
        raise InvalidAnswer("type a number") from None
    if not number.is_finite() or abs(number.adjusted()) > MAX_NUMBER_DIGITS:
        raise InvalidAnswer(f"type a number of at most {MAX_NUMBER_DIGITS} digits")
    return format(number.normalize(), "f")


def command_words(typed: str, command_line: CommandLine | None = None) -> str:
    """A typed command as its words, without quotes, a shell prompt (``$``, ``(.venv) $``,
    ``%``, PowerShell's or cmd's, a notebook's ``!``), the folders of a program named by a
    Windows path, variable assignments before it, or a ``;`` or comment after it;
    read by ``command_line``'s parser when given (``parsed_command``), which keeps their
    case as a terminal does (``flask DB init`` is refused), and in lower case otherwise."""
    text = PROMPT.sub("", typed.strip().strip("`"), count=1).removeprefix("!")
    text = WINDOWS_PROGRAM.sub(r"\1", text, count=1)
    try:
        words = shlex.split(text, comments=True)
    except ValueError:  # unbalanced quotes: read it as plain words
        words = text.strip("'\"").split()
    if words and words[-1] == ";":  # a shell's end of command
        words.pop()
    elif words and words[-1].endswith(";"):
        words[-1] = words[-1].removesuffix(";")
    words = list(itertools.dropwhile(lambda word: ASSIGNMENT.match(word.lower()), words))
    if command_line is not None:
        return parsed_command(words, command_line)
    return " ".join(word.lower() for word in words)


def parsed_command(words: list[str], command_line: CommandLine) -> str:
    """The command as its program's parser reads it: its path of commands, then each
    argument and each option given a value other than its default (the parameters
    ``unchanged_by`` left out). A command the parser refuses, or that only prints help or a
    version, is returned as typed, behind a mark no key carries."""
    program = command_line.program.name or ""
    if LAUNCHER_VERSION.fullmatch(" ".join(words[:2])):
        words = [words[0], *words[2:]]
    if words[:3] and PYTHON.fullmatch(words[0]) and words[1:3] == ["-m", program]:
        words = [program, *words[3:]]
    elif words and f"/{words[0].removesuffix('.exe')}".endswith(f"/{program}"):
        words = [program, *words[1:]]
    refused = "refused: " + " ".join(words)
    if words[:1] != [program] or any(word in NOT_A_RUN for word in words):
        return refused if words[:1] == [program] else " ".join(words)
    try:
        reached = parse_only(command_line.program).main(
            words[1:], prog_name=program, standalone_mode=False
        )
    except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
        return refused
    path: list[str] = []
    for context in reached:
        path += [context.info_name or "", *parameter_words(context, command_line)]
    return " ".join(path)


def parse_only(command: click.Command) -> click.Command:
    """A copy of a click command tree with the same parameters, whose commands do nothing
    but return the contexts they were reached through, from the program's down."""
    if isinstance(command, click.Group):
        return click.Group(
            command.name,
            params=command.params,
            commands={name: parse_only(sub) for name, sub in command.commands.items()},
        )
    return click.Command(command.name, params=command.params, callback=reached_contexts)


def reached_contexts(**_: Any) -> list[click.Context]:
    """The contexts of the command being run, from the program's down."""
    found: list[click.Context] = []
    context: click.Context | None = click.get_current_context()
    while context is not None:
        found.insert(0, context)
        context = context.parent
    return found


def parameter_words(context: click.Context, command_line: CommandLine) -> list[str]:
    """The words of one command's parameters in ``context``, those typed with a value other
    than the default only: arguments' values, and options as ``--name value`` (a flag as
    ``--name``)."""
    words: list[str] = []
    unchanged_by = command_line.unchanged_by
    for parameter in context.command.params:
        name, value = parameter.name or "", context.params.get(parameter.name or "")
        typed = context.get_parameter_source(name) is ParameterSource.COMMANDLINE
        if name in unchanged_by or not typed or value is None or value == ():
            continue
        if value == parameter.default or same_path(value, command_line.defaults.get(name)):
            continue
        if isinstance(parameter, click.Argument):
            words += [str(item) for item in value] if isinstance(value, tuple) else [str(value)]
        elif value is True:
            words.append(f"--{name.replace('_', '-')}")
        else:
            items = value if isinstance(value, tuple) else (value,)
            words += [f"--{name.replace('_', '-')}", *(str(item) for item in items)]
    return words


def same_path(value: object, default: str | None) -> bool:
    """Whether a typed value names the same folder as a default (``migrations/``,
    ``./migrations``)."""
    return (
        isinstance(value, str)
        and default is not None
        and (posixpath.normpath(value) == posixpath.normpath(default))
    )


def option_key(text: str) -> str:
    """What a select-all question stores a digest of, for each right option."""
    return f"option\n{text}"


def digest(question_id: str, normalised: str) -> str:
    """The salted SHA-256 digest under which a right answer is stored."""
    return hashlib.sha256(f"{SALT}\n{question_id}\n{normalised}".encode()).hexdigest()


def is_key(question: Question, normalised: str) -> bool:
    """Whether a normalised answer (or, for select-all, option) is one of the keys."""
    candidate = digest(question.id, normalised)
    return any(hmac.compare_digest(candidate, key) for key in question.keys)


def judge(question: Question, answer: Any) -> Verdict:
    """Whether ``answer`` is right, with the feedback of every option it chose."""
    normalised = normalise(question, answer)
    if question.kind == "multiple":
        chosen = set(answer)
        right = {o.text for o in question.options if is_key(question, option_key(o.text))}
        correct = chosen == right
        incomplete = bool(chosen) and chosen < right
        feedback = tuple(o.feedback for o in question.options if o.text in chosen)
        return Verdict(question.id, answer, correct, feedback, question.explanation, incomplete)
    correct = is_key(question, normalised)
    if question.kind == "text":
        chosen = [
            o
            for o in question.options
            if command_words(o.text, question.command_line) == normalised
        ]
    else:
        chosen = [o for o in question.options if o.text == answer]
    feedback = tuple(option.feedback for option in chosen)
    if question.kind == "text" and not correct and only_the_case_differs(question, answer):
        feedback += (CASE_FEEDBACK,)
    return Verdict(question.id, answer, correct, feedback, question.explanation)


def only_the_case_differs(question: Question, answer: str) -> bool:
    """Whether a wrong command would be right in lower case (a terminal would refuse it)."""
    return question.command_line is not None and is_key(
        question, command_words(answer.lower(), question.command_line)
    )
