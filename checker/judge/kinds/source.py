"""A revision script's identity, read from its text the way Alembic reads it from the module.

Alembic imports a script and takes the module's ``revision`` and ``down_revision`` as they
are when the import ends; ``down_revision`` may be a string, ``None``, or any iterable of
strings (a tuple, a list, a set), and one parent in a tuple is that parent
(``tuple_rev_as_scalar(to_tuple(...))`` in ``alembic.script.revision``). The checker never
runs an answer in its own process, so it replays the module's top level without running
it: plain and annotated assignments (``revision: str = '...'``), several targets, tuple
unpacking and ``del``, in order, the last one winning. A name that only running the script
could tell (an expression, an assignment inside ``if``, a loop or a function called at
import, ``globals()``) is refused with a message saying what Alembic would do.

It is over 300 lines because it replays every way a module can bind a name at import, and
the reading must stay in one place to agree with Alembic everywhere.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from ..outcomes import TOO_DEEP, AnswerProblem, Outcome

NAMES = ("revision", "down_revision")
ILLEGAL_REVISION_CHARACTERS = "@-+:"  # alembic.script.revision._revision_illegal_chars
DYNAMIC_NAMES = {"globals", "vars", "locals", "exec", "eval", "setattr", "delattr", "__import__"}
DYNAMIC_ATTRIBUTES = {"modules", "__dict__"}
DownRevision = str | tuple[str, ...] | None
BLOCKS = {
    "If": "an if block",
    "For": "a for loop",
    "AsyncFor": "a for loop",
    "While": "a while loop",
    "With": "a with block",
    "AsyncWith": "a with block",
    "Try": "a try block",
    "TryStar": "a try block",
    "Match": "a match block",
}


@dataclass(frozen=True)
class Computed:
    """A name whose value only running the script could tell, and how it is set."""

    how: str


@dataclass(frozen=True)
class ScriptIdentity:
    """A script's revision id and its parents, normalised as Alembic normalises them."""

    revision: str
    down_revision: DownRevision

    @property
    def parents(self) -> tuple[str, ...]:
        """The revisions this one follows (none for a base)."""
        down = self.down_revision
        return () if down is None else (down,) if isinstance(down, str) else down


def module_bindings(source: str) -> set[str]:
    """Names a script may bind at import (``bound_names`` of each top-level statement).
    Alembic takes ``upgrade`` and ``downgrade`` from the loaded module, so ``downgrade =
    upgrade`` or a ``partial(...)`` serves as well as a ``def``; whether the name is
    callable shows when the check runs it."""
    return set().union(*(bound_names(statement) for statement in ast.parse(source).body))


def script_identity(source: str) -> ScriptIdentity:
    """The script's ``revision`` and ``down_revision`` as Alembic would load them.

    A script without ``upgrade()`` and ``downgrade()``, or whose identity Alembic would
    refuse or only running it could tell, cannot be judged: the problem says why. So is one
    nested deeper than Python's parser reads.
    """
    try:
        return read_script_identity(source)
    except (RecursionError, MemoryError):
        raise AnswerProblem(Outcome.FAILED, TOO_DEEP) from None


def read_script_identity(source: str) -> ScriptIdentity:
    """``script_identity``, without the bound on nesting."""
    bound = module_bindings(source)
    for name in ("upgrade", "downgrade"):
        if name not in bound:
            raise AnswerProblem(
                Outcome.FAILED,
                f"The script defines no {name}() function. Every migration needs both "
                "upgrade() and downgrade(): Alembic calls them on upgrade and downgrade.",
            )
    values = top_level_values(source)
    identity = ScriptIdentity(revision_id(values), parents(values))
    if identity.revision in identity.parents:
        refuse(
            f"down_revision names the script's own revision, {identity.revision!r}: Alembic "
            "would refuse to load it (a revision cannot follow itself)."
        )
    return identity


def revision_id(values: dict[str, Any]) -> str:
    """The revision id, or the problem Alembic would have with it."""
    if "revision" not in values:
        refuse(
            'The script sets no revision: Alembic would refuse to load it ("Could not '
            "determine revision id\"). Add a line like revision = 'abc123def456'."
        )
    revision = values["revision"]
    if isinstance(revision, Computed):
        refuse(computed_message("revision", revision))
    if type(revision) is not str:
        what = (
            "would load it with that value as the id, which no command could name"
            if is_iterable(revision)
            else "would fail to load it (a revision id must be a string)"
        )
        refuse(
            f"revision is {shown(revision)}, not a string: Alembic {what}. Write it as a "
            "string, like revision = 'abc123def456'."
        )
    if not revision.strip():
        refuse(
            "revision is an empty string: Alembic would load it, but no command could name "
            "it. Give the script an id, like revision = 'abc123def456'."
        )
    illegal = sorted(set(revision) & set(ILLEGAL_REVISION_CHARACTERS))
    if illegal:
        refuse(
            f"revision {revision!r} holds {', '.join(repr(c) for c in illegal)}: Alembic would "
            'refuse to load it ("Character(s) not allowed in revision identifier").'
        )
    return revision


def parents(values: dict[str, Any]) -> DownRevision:
    """``down_revision`` normalised as Alembic does: None, one id, or a tuple of ids."""
    if "down_revision" not in values:
        refuse(
            "The script sets no down_revision: Alembic would fail to load it (the module "
            "has no attribute 'down_revision'). Add down_revision = '<the revision it "
            "follows>', or None for the first migration."
        )
    down = values["down_revision"]
    if isinstance(down, Computed):
        refuse(computed_message("down_revision", down))
    if down is None:
        return None
    named = (down,) if isinstance(down, str) else tuple(down) if is_iterable(down) else (down,)
    strange = [name for name in named if type(name) is not str]
    if strange:
        refuse(
            f"down_revision holds {shown(strange[0])}, which is not a revision id: Alembic "
            "would load the script, then fail to find that revision. Name the revision it "
            "follows as a string."
        )
    if not named:
        return None
    return named[0] if len(named) == 1 else named


def is_iterable(value: Any) -> bool:
    """Whether Alembic's ``to_tuple`` would take the value's items (a str is one id)."""
    return isinstance(value, Iterable) and not isinstance(value, str)


def refuse(message: str) -> None:
    """Stop judging: the script's identity cannot be read."""
    raise AnswerProblem(Outcome.FAILED, message)


def computed_message(name: str, value: Computed) -> str:
    """Why a name set by running code cannot be read, and what Alembic would do."""
    return (
        f"The script sets {name} {value.how}. Alembic runs the script and would use the "
        f"value it ends with, but the checker reads scripts without running them: write "
        f"{name} as a plain value, like {name} = '...', as Alembic's template does."
    )


def shown(value: Any) -> str:
    """A value as a message shows it, cut short."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def top_level_values(source: str) -> dict[str, Any]:
    """``revision`` and ``down_revision`` as the module's top level leaves them: a literal
    value, or ``Computed`` saying how running code sets them; absent when never set."""
    tree = ast.parse(source)
    values: dict[str, Any] = {}
    for statement in tree.body:
        replay(statement, values)
    for names, how in import_time_effects(tree):
        for name in names:
            values[name] = Computed(how)
    return values


def replay(statement: ast.stmt, values: dict[str, Any]) -> None:
    """Apply one top-level statement's effect on the tracked names."""
    if isinstance(statement, ast.Assign):
        for target in statement.targets:
            bind(target, statement.value, values)
    elif isinstance(statement, ast.AnnAssign):
        if statement.value is not None:
            bind(statement.target, statement.value, values)
    elif isinstance(statement, ast.AugAssign):
        bind_computed(statement.target, "with an augmented assignment (+=)", values)
    elif isinstance(statement, ast.Delete):
        for target in statement.targets:
            if isinstance(target, ast.Name):
                values.pop(target.id, None)
    elif isinstance(statement, (ast.Import, ast.ImportFrom)):
        for alias in statement.names:
            if alias.name == "*":
                for name in NAMES:
                    values[name] = Computed("through a star import (from ... import *)")
            else:
                bound = alias.asname or alias.name.split(".")[0]
                bind_name(bound, Computed("by an import"), values)
    elif isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        bind_name(statement.name, Computed(f"by a def or class named {statement.name}"), values)
    else:
        block = BLOCKS.get(type(statement).__name__, "a statement")
        for name in bound_names(statement):
            bind_name(name, Computed(f"inside {block}"), values)
    for node in executed_nodes(statement):
        if isinstance(node, ast.NamedExpr) and isinstance(node.target, ast.Name):
            bind_name(node.target.id, Computed("with := inside an expression"), values)


def bind(target: ast.expr, value: ast.expr, values: dict[str, Any]) -> None:
    """Bind an assignment's target (a name, or a tuple of names) to a value's node."""
    if isinstance(target, ast.Name):
        bind_name(target.id, literal(value), values)
    elif isinstance(target, (ast.Tuple, ast.List)):
        items = value.elts if isinstance(value, (ast.Tuple, ast.List)) else None
        starred = any(isinstance(e, ast.Starred) for e in [*target.elts, *(items or [])])
        if items is not None and len(items) == len(target.elts) and not starred:
            for element, item in zip(target.elts, items, strict=True):
                bind(element, item, values)
            return
        unpacked = literal(value)
        if (
            not starred
            and isinstance(unpacked, (tuple, list))
            and len(unpacked) == len(target.elts)
        ):
            for element, item in zip(target.elts, unpacked, strict=True):
                bind(element, ast.Constant(item), values)
            return
        bind_computed(target, "by unpacking a value", values)


def bind_computed(target: ast.expr, how: str, values: dict[str, Any]) -> None:
    """Mark every tracked name a target binds as set by running code."""
    for node in ast.walk(target):
        if isinstance(node, ast.Name):
            bind_name(node.id, Computed(how), values)


def bind_name(name: str, value: Any, values: dict[str, Any]) -> None:
    """Record a tracked name's new value."""
    if name in NAMES:
        values[name] = value


def literal(node: ast.expr) -> Any:
    """The value of a literal expression, or ``Computed`` for anything else."""
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return Computed(f"by an expression ({shown_code(node)})")


def shown_code(node: ast.expr) -> str:
    """An expression's code, cut short (its kind, when too deep to write out)."""
    try:
        code = ast.unparse(node)
    except RecursionError:
        return f"a {type(node).__name__} nested too deeply to show"
    return code if len(code) <= 40 else code[:37] + "..."


def bound_names(statement: ast.stmt) -> set[str]:
    """Names a compound statement binds anywhere in the code it runs at import."""
    names = set()
    for node in executed_nodes(statement):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.alias):
            names.add(node.asname or node.name.split(".")[0])
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
    return names


def executed_nodes(node: ast.AST) -> Iterator[ast.AST]:
    """Every node of ``node`` that runs when the module is imported: function and lambda
    bodies do not (their decorators and defaults do); class bodies do, in their own
    namespace, so names they bind are not the module's. In source order, without
    recursion: an expression may nest deeper than Python's recursion limit."""
    pending = [node]
    while pending:
        current = pending.pop()
        yield current
        if isinstance(current, (ast.FunctionDef, ast.AsyncFunctionDef)):
            parts: list[ast.AST] = [*current.decorator_list, current.args]
        elif isinstance(current, ast.Lambda):
            parts = [current.args]
        elif isinstance(current, ast.ClassDef):
            parts = [*current.decorator_list, *current.bases, *current.keywords]
        else:
            parts = list(ast.iter_child_nodes(current))
        pending += reversed(parts)


def import_time_effects(tree: ast.Module) -> list[tuple[tuple[str, ...], str]]:
    """Ways the code run at import could set the tracked names behind the assignments'
    back: ``globals()``, ``sys.modules`` or ``exec`` anywhere it runs, or a function it
    calls that declares them ``global``; calls to the script's own functions are followed."""
    functions = {
        node.name: node
        for node in tree.body
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
    }
    effects: list[tuple[tuple[str, ...], str]] = []
    pending: list[ast.AST] = list(tree.body)
    followed: set[str] = set()
    while pending:
        for node in executed_nodes(pending.pop()):
            if isinstance(node, ast.Name) and node.id in DYNAMIC_NAMES:
                effects.append((NAMES, f"in a way only running it can tell (it uses {node.id})"))
            elif isinstance(node, ast.Attribute) and node.attr in DYNAMIC_ATTRIBUTES:
                effects.append((NAMES, f"in a way only running it can tell (it uses .{node.attr})"))
            elif isinstance(node, ast.Global):
                named = tuple(name for name in node.names if name in NAMES)
                if named:
                    effects.append((named, f"from inside a function (global {', '.join(named)})"))
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                called = functions.get(node.func.id)
                if called is not None and called.name not in followed:
                    followed.add(called.name)
                    pending += called.body
    return effects


def history_heads(scripts: list[str], answer: ScriptIdentity) -> list[str]:
    """The heads of a history made of revision scripts' texts and the answer."""
    followed = {answer.revision: answer.parents}
    for source in scripts:
        identity = script_identity(source)
        followed[identity.revision] = identity.parents
    parents_of_any = {parent for named in followed.values() for parent in named}
    return sorted(node for node in followed if node not in parents_of_any)
