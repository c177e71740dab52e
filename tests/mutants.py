"""Small wrong versions of each exercise's solution: the mutants the checks must kill.

A mutant changes one thing a learner could plausibly get wrong, generated from the
solution's syntax tree: a statement removed, duplicated or moved; upgrade and downgrade
swapped; a literal, a type, a length, a nullability or a default changed; an operation
added; the batch context or the ``autocommit_block`` dropped; a copied value transformed
(``TRIM``, ``LOWER``, ``NULLIF``, ``COALESCE``, ``.strip()``, ``.lower()``); a
comparison or a condition inverted. ``tests/mutants_equivalent.py`` lists the mutants
that are right answers after all, each with the reason a reviewer can check.

Used by ``tests/judge/test_mutants.py`` and ``benchmarks/mutation_score.py``.
"""

from __future__ import annotations

import ast
import copy
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from right_answers import RIGHT_ANSWERS

from checker.content.catalogue import EXERCISES


@dataclass(frozen=True)
class Mutant:
    exercise_id: str
    label: str
    source: str


# The mutants that are right answers after all: (exercise ids, a pattern of mutant labels,
# the reason). Labels name the function, the line and column in the solution, and what
# changed, so each rule can be checked against the solution it names.
# right answers whose style the solution lacks (copying with SQL), mutated too
MUTATED_RIGHT_ANSWERS = {
    ("06-rename-bio", "copied with SQL into a new column, the old one dropped"),
    ("04-rename-username", "copied with SQL into a new column, the old one dropped"),
}

BATCH_OPERATIONS = {  # batch_op method -> where op's own method takes the table name
    "add_column": 0,
    "drop_column": 0,
    "alter_column": 0,
    "create_index": 1,
    "create_unique_constraint": 1,
    "create_check_constraint": 1,
    "drop_constraint": 1,
}
TYPE_SWAPS = {
    "String": "Text",
    "Text": "String",
    "Integer": "BigInteger",
    "BigInteger": "Integer",
    "Boolean": "Integer",
    "Enum": "String",
}
METHOD_SWAPS = {"upper": "lower", "lower": "upper", "title": "upper", "capitalize": "title"}
COMPARISON_SWAPS = {
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
    ast.Lt: ast.LtE,
    ast.Gt: ast.GtE,
}
SQL_COPY = re.compile(r"SET\s+(\"?\w+\"?)\s*=\s*(\"?\w+\"?)", re.IGNORECASE)
SQL_TRANSFORMS = ("TRIM({})", "LOWER({})", "NULLIF({}, '')", "COALESCE({}, '')", "UPPER({})")


def mutants(exercise_id: str) -> list[Mutant]:
    """Every distinct mutant of the exercise's solution (and of its copying right answers)."""
    sources = [EXERCISES[exercise_id].solution]
    sources += [
        r.source
        for r in RIGHT_ANSWERS
        if r.exercise_id == exercise_id and (r.exercise_id, r.label) in MUTATED_RIGHT_ANSWERS
    ]
    found: dict[str, Mutant] = {}
    for number, source in enumerate(sources):
        tree = ast.parse(source)
        original = ast.unparse(tree)
        prefix = "" if number == 0 else "copying answer: "
        for label, mutated in mutations(tree, source):
            if mutated != original and mutated not in found:
                labels = {m.label for m in found.values()}
                label = prefix + label
                while label in labels:
                    label += " again"
                found[mutated] = Mutant(exercise_id, label, mutated)
    return list(found.values())


def mutations(tree: ast.Module, source: str) -> Iterator[tuple[str, str]]:
    """(label, mutated source) for each mutation of the module."""
    for operator in (
        statement_mutations,
        swapped_functions,
        literal_mutations,
        type_mutations,
        keyword_removals,
        batch_removals,
        autocommit_removals,
        extra_operations,
        expression_mutations,
    ):
        yield from operator(tree)
    yield from sql_transforms(source)


def edited(tree: ast.Module, change: Callable[[ast.Module], bool]) -> str | None:
    """The source after ``change`` edits a copy of the tree (None when it changes nothing)."""
    mutated = copy.deepcopy(tree)
    if not change(mutated):
        return None
    ast.fix_missing_locations(mutated)
    try:
        return ast.unparse(mutated)
    except Exception:  # an edit the unparser cannot write is no mutant
        return None


def bodies(tree: ast.Module) -> list[tuple[str, list[ast.stmt]]]:
    """Every statement list inside the module's functions, with where it is."""
    found = []
    for function in tree.body:
        if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for node in ast.walk(function):
                for field in ("body", "orelse"):
                    block = getattr(node, field, None)
                    if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
                        found.append((function.name, block))
    return found


def located(tree: ast.Module) -> list[tuple[str, int, int]]:
    """(function, block number, statement number) of every statement in a function."""
    return [
        (function, b, s)
        for b, (function, block) in enumerate(bodies(tree))
        for s in range(len(block))
        if not isinstance(block[s], ast.Expr) or not isinstance(block[s].value, ast.Constant)
    ]


def statement_mutations(tree: ast.Module) -> Iterator[tuple[str, str]]:
    for _, b, s in located(tree):
        statement = bodies(tree)[b][1][s]
        shown = f"{where(tree, statement)}: `{ast.unparse(statement).splitlines()[0][:60]}`"

        def remove(t: ast.Module, b: int = b, s: int = s) -> bool:
            block = bodies(t)[b][1]
            del block[s]
            if not block:
                block.append(ast.Pass())
            return True

        def duplicate(t: ast.Module, b: int = b, s: int = s) -> bool:
            block = bodies(t)[b][1]
            block.insert(s, copy.deepcopy(block[s]))
            return True

        def swap(t: ast.Module, b: int = b, s: int = s) -> bool:
            block = bodies(t)[b][1]
            if s + 1 >= len(block):
                return False
            block[s], block[s + 1] = block[s + 1], block[s]
            return True

        for name, change in (("removed", remove), ("duplicated", duplicate), ("moved down", swap)):
            mutated = edited(tree, change)
            if mutated:
                yield f"{shown} {name}", mutated


def swapped_functions(tree: ast.Module) -> Iterator[tuple[str, str]]:
    def swap(t: ast.Module) -> bool:
        functions = {f.name: f for f in t.body if isinstance(f, ast.FunctionDef)}
        if not {"upgrade", "downgrade"} <= set(functions):
            return False
        up, down = functions["upgrade"], functions["downgrade"]
        up.body, down.body = down.body, up.body
        return True

    mutated = edited(tree, swap)
    if mutated:
        yield "upgrade() and downgrade() swapped", mutated


def function_nodes(tree: ast.Module) -> list[ast.AST]:
    """Every node inside the module's functions, in a stable order."""
    return [
        node
        for function in tree.body
        if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef))
        for node in ast.walk(function)
    ]


def nth(tree: ast.Module, index: int) -> ast.AST:
    return function_nodes(tree)[index]


def where(tree: ast.Module, node: ast.AST) -> str:
    """Where a node is, for a label: the function and the line of the solution it is on."""
    for function in tree.body:
        if isinstance(function, ast.FunctionDef) and any(n is node for n in ast.walk(function)):
            keyword = next(
                (
                    k.arg
                    for k in ast.walk(function)
                    if isinstance(k, ast.keyword) and any(n is node for n in ast.walk(k.value))
                ),
                None,
            )
            inside = f" in {keyword}=" if keyword else ""
            return f"{function.name}() {node.lineno - function.lineno}:{node.col_offset}{inside}"
    return "module"


def literal_mutations(tree: ast.Module) -> Iterator[tuple[str, str]]:
    for index, node in enumerate(function_nodes(tree)):
        if not isinstance(node, ast.Constant) or isinstance(node.value, type(...)):
            continue
        value = node.value
        if isinstance(value, bool):
            replacements = [not value]
        elif isinstance(value, int):
            replacements = [value + 1, value - 1]
        elif isinstance(value, str):
            if len(value) > 200 or "\n" in value:
                continue
            replacements = ["", value + "x"] if value else ["x"]
        elif value is None:
            replacements = ["x"]
        else:
            continue
        for replacement in replacements:

            def change(
                t: ast.Module, index: int = index, replacement: object = replacement
            ) -> bool:
                nth(t, index).value = replacement
                return True

            mutated = edited(tree, change)
            if mutated:
                yield f"{where(tree, node)}: literal {value!r} -> {replacement!r}", mutated


def type_mutations(tree: ast.Module) -> Iterator[tuple[str, str]]:
    for index, node in enumerate(function_nodes(tree)):
        if not (isinstance(node, ast.Attribute) and node.attr in TYPE_SWAPS):
            continue
        if not (isinstance(node.value, ast.Name) and node.value.id == "sa"):
            continue

        def change(t: ast.Module, index: int = index) -> bool:
            target = nth(t, index)
            target.attr = TYPE_SWAPS[target.attr]
            return True

        mutated = edited(tree, change)
        if mutated:
            yield f"{where(tree, node)}: sa.{node.attr} -> sa.{TYPE_SWAPS[node.attr]}", mutated


def keyword_removals(tree: ast.Module) -> Iterator[tuple[str, str]]:
    for index, node in enumerate(function_nodes(tree)):
        if not isinstance(node, ast.Call):
            continue
        for position, keyword in enumerate(node.keywords):
            if keyword.arg is None:
                continue
            given = f"={keyword.value.value!r}" if isinstance(keyword.value, ast.Constant) else "="

            def remove(t: ast.Module, index: int = index, position: int = position) -> bool:
                del nth(t, index).keywords[position]
                return True

            mutated = edited(tree, remove)
            if mutated:
                yield f"{where(tree, node)}: `{keyword.arg}{given}` left out", mutated
        if isinstance(node.func, ast.Attribute) and node.func.attr == "Column":
            given = {k.arg for k in node.keywords}
            if "nullable" not in given:

                def not_null(t: ast.Module, index: int = index) -> bool:
                    nth(t, index).keywords.append(ast.keyword("nullable", ast.Constant(False)))
                    return True

                mutated = edited(tree, not_null)
                if mutated:
                    yield f"{where(tree, node)}: column made NOT NULL", mutated
            if "unique" not in given:

                def unique(t: ast.Module, index: int = index) -> bool:
                    nth(t, index).keywords.append(ast.keyword("unique", ast.Constant(True)))
                    return True

                mutated = edited(tree, unique)
                if mutated:
                    yield f"{where(tree, node)}: column made unique", mutated


def batch_removals(tree: ast.Module) -> Iterator[tuple[str, str]]:
    """The batch context dropped: each ``batch_op.x(...)`` becomes ``op.x(table, ...)``."""
    for index, node in enumerate(function_nodes(tree)):
        if not (
            isinstance(node, ast.With)
            and is_call_to(node.items[0].context_expr, "batch_alter_table")
        ):
            continue

        def unwrap(t: ast.Module, index: int = index) -> bool:
            with_node = nth(t, index)
            table = with_node.items[0].context_expr.args[0]
            alias = with_node.items[0].optional_vars
            for inner in ast.walk(with_node):
                if (
                    isinstance(inner, ast.Call)
                    and isinstance(inner.func, ast.Attribute)
                    and isinstance(inner.func.value, ast.Name)
                    and isinstance(alias, ast.Name)
                    and inner.func.value.id == alias.id
                ):
                    inner.func.value = ast.Name("op", ast.Load())
                    position = BATCH_OPERATIONS.get(inner.func.attr)
                    if position is None:
                        return False
                    inner.args.insert(position, copy.deepcopy(table))
            replace_statement(t, with_node, with_node.body)
            return True

        mutated = edited(tree, unwrap)
        if mutated:
            yield f"{where(tree, node)}: the batch context dropped", mutated


def autocommit_removals(tree: ast.Module) -> Iterator[tuple[str, str]]:
    for index, node in enumerate(function_nodes(tree)):
        if not (
            isinstance(node, ast.With)
            and is_call_to(node.items[0].context_expr, "autocommit_block")
        ):
            continue

        def unwrap(t: ast.Module, index: int = index) -> bool:
            with_node = nth(t, index)
            replace_statement(t, with_node, with_node.body)
            return True

        mutated = edited(tree, unwrap)
        if mutated:
            yield (
                "autocommit_block dropped: the work runs inside the migration's transaction",
                mutated,
            )


def extra_operations(tree: ast.Module) -> Iterator[tuple[str, str]]:
    extras = {
        "an extra column added": "op.add_column('user', sa.Column('extra', sa.Integer()))",
        "an extra index added": "op.create_index('ix_user_extra', 'user', ['id'])",
        "one user deleted": "op.execute('DELETE FROM \"user\" WHERE id = 2')",
        "a value overwritten": (
            "op.execute('UPDATE \"user\" SET email = email || \\'.x\\' WHERE id = 3')"
        ),
    }
    for function in ("upgrade", "downgrade"):
        for label, statement in extras.items():

            def add(t: ast.Module, function: str = function, statement: str = statement) -> bool:
                target = next(
                    (f for f in t.body if isinstance(f, ast.FunctionDef) and f.name == function),
                    None,
                )
                if target is None:
                    return False
                target.body.append(ast.parse(statement).body[0])
                return True

            mutated = edited(tree, add)
            if mutated:
                yield f"{function}(): {label}", mutated


def expression_mutations(tree: ast.Module) -> Iterator[tuple[str, str]]:
    """Transformed values and inverted conditions, in the code around the operations."""
    for index, node in enumerate(function_nodes(tree)):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in METHOD_SWAPS
        ):

            def swap(t: ast.Module, index: int = index) -> bool:
                call = nth(t, index)
                call.func.attr = METHOD_SWAPS[call.func.attr]
                return True

            mutated = edited(tree, swap)
            if mutated:
                swapped = METHOD_SWAPS[node.func.attr]
                yield f"{where(tree, node)}: .{node.func.attr}() -> .{swapped}()", mutated
        if isinstance(node, ast.Compare) and type(node.ops[0]) in COMPARISON_SWAPS:

            def invert(t: ast.Module, index: int = index) -> bool:
                compare = nth(t, index)
                compare.ops[0] = COMPARISON_SWAPS[type(compare.ops[0])]()
                return True

            mutated = edited(tree, invert)
            if mutated:
                yield f"{where(tree, node)}: `{ast.unparse(node)[:50]}` inverted", mutated
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Slice):

            def whole(t: ast.Module, index: int = index) -> bool:
                subscript = nth(t, index)
                replace_expression(t, subscript, subscript.value)
                return True

            mutated = edited(tree, whole)
            if mutated:
                yield f"{where(tree, node)}: `{ast.unparse(node)[:40]}` taken whole", mutated
        if (
            isinstance(node, ast.Name)
            and isinstance(node.ctx, ast.Load)
            and node.id
            in (
                "username",
                "value",
                "name",
            )
        ):

            def stripped(t: ast.Module, index: int = index) -> bool:
                name = nth(t, index)
                call = ast.Call(ast.Attribute(copy.deepcopy(name), "strip", ast.Load()), [], [])
                replace_expression(t, name, call)
                return True

            mutated = edited(tree, stripped)
            if mutated:
                yield f"{where(tree, node)}: `{node.id}` stripped of spaces", mutated


def sql_transforms(source: str) -> Iterator[tuple[str, str]]:
    """A copy in SQL (``SET new = old``) that transforms the value on the way."""
    for match in SQL_COPY.finditer(source):
        for transform in SQL_TRANSFORMS:
            changed = transform.format(match.group(2))
            replaced = source[: match.start(2)] + changed + source[match.end(2) :]
            try:
                yield (
                    f"the copy made with {transform.format('...')}",
                    ast.unparse(ast.parse(replaced)),
                )
            except SyntaxError:
                continue


def is_call_to(node: ast.AST, method: str) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == method
    )


def replace_statement(tree: ast.Module, old: ast.stmt, new: list[ast.stmt]) -> None:
    for _, block in bodies(tree):
        for position, statement in enumerate(block):
            if statement is old:
                block[position : position + 1] = new
                return


def replace_expression(tree: ast.Module, old: ast.expr, new: ast.expr) -> None:
    for parent in ast.walk(tree):
        for field, value in ast.iter_fields(parent):
            if value is old:
                setattr(parent, field, new)
                return
            if isinstance(value, list) and old in value:
                value[value.index(old)] = new
                return


def is_killed(mutant: Mutant) -> bool:
    """Whether a check, visible or hidden, fails the mutant: judged up to the first that
    fails."""
    exercise = EXERCISES[mutant.exercise_id]
    return not exercise.judge(mutant.source, hidden=True, until_failure=True).passed
