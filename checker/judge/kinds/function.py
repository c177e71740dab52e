"""Function exercises: the answer is a module defining a function, called on real databases."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from sqlalchemy import MetaData, create_engine, insert
from sqlalchemy.pool import NullPool

from .. import sandbox
from ..checks import Check, with_points
from ..outcomes import CheckFailed
from .base import Exercise


@dataclass(frozen=True)
class FunctionCase:
    """A check: call the learner's function on a database of one layout, with models of another."""

    name: str
    description: str
    database_layout: str
    models_layout: str
    expected: frozenset[str]
    hidden: bool = False
    points: int = 1


@dataclass(frozen=True)
class FunctionTrial:
    """The learner's module, saved in the scratch folder, and the sandbox that imports it."""

    session: sandbox.Session
    private: Path
    module: str
    source: str


class FunctionExercise(Exercise):
    """The answer defines ``function_name(engine, metadata)`` returning a set of strings,
    and leaves the database it reads as it was.

    Each case is one check, declared as data: ``cases``. ``metadata_source`` names the
    function (``module:function``) that builds a layout's MetaData, in the checker and in
    the sandbox alike.
    """

    function_name: ClassVar[str]
    cases: ClassVar[tuple[FunctionCase, ...]]
    metadata_source: ClassVar[str]

    def metadata(self, layout: str) -> MetaData:
        """A fresh MetaData holding the tables of ``layout``."""
        raise NotImplementedError

    def database_rows(self, metadata: MetaData) -> dict[str, list[dict[str, Any]]]:
        """The rows a case's database holds, by table: a function that changes one is
        caught (``verify_untouched``). None by default."""
        return {}

    def checks(self) -> list[Check]:
        declared = [Check(c.name, c.description, c.points, c.hidden) for c in self.cases]
        return with_points(declared, self.points)

    def prepare(self, source: str, private: Path, session: sandbox.Session) -> FunctionTrial:
        session.scratch.write("answer.py", source.encode("utf-8"))
        return FunctionTrial(session, private, session.scratch.child_path("answer.py"), source)

    def run_check(self, check: Check, trial: FunctionTrial) -> None:
        case = next(case for case in self.cases if case.name == check.name)
        database = trial.private / f"{case.name}.db"
        engine = create_engine(f"sqlite:///{database}", poolclass=NullPool)
        metadata = self.metadata(case.database_layout)
        metadata.create_all(engine)
        with engine.begin() as connection:
            for name, rows in self.database_rows(metadata).items():
                connection.execute(insert(metadata.tables[name]), rows)
        engine.dispose()
        trial.session.scratch.write(database.name, database.read_bytes())
        result = self.run_step(
            trial.session,
            "call_function",
            trial.module,
            self.function_name,
            self.metadata_source,
            {
                "database": trial.session.scratch.child_path(database.name),
                "layout": case.models_layout,
            },
            what=f"Your {self.function_name}()",
            source=trial.source,
        )
        self.verify_case(case, result)
        self.verify_untouched(trial, database)

    def verify_untouched(self, trial: FunctionTrial, database: Path) -> None:
        """The function left its database as it was given: it reports, it does not repair."""
        after = database.with_name(f"{database.stem}-after.db")
        if not trial.session.scratch.copy_out(database.name, after):
            raise CheckFailed(f"{self.function_name}() removed the database it was given.")
        if after.read_bytes() != database.read_bytes():
            raise CheckFailed(
                f"{self.function_name}() changed the database it was given (its tables or "
                "rows): it should only read it."
            )

    def verify_case(self, case: FunctionCase, result: dict[str, Any]) -> None:
        """The function returned exactly the expected set of strings."""
        if "value" not in result:
            kind = result.get("type", "?")
            raise CheckFailed(
                f"{self.function_name}() returned {kind}; it should return a set of strings."
            )
        value = result["value"]
        if not isinstance(value, list) or any(type(item) is not str for item in value):
            raise CheckFailed("the result could not be read as a set of strings.")
        found = frozenset(value)
        if found == case.expected:
            return
        problems = []
        if case.expected - found:
            problems.append(f"it misses {sorted(case.expected - found)}")
        if found - case.expected:
            problems.append(f"it wrongly reports {sorted(found - case.expected)}")
        raise CheckFailed(
            f"with a database of layout {case.database_layout!r} and models of layout "
            f"{case.models_layout!r}, {' and '.join(problems)}."
        )
