"""Hooks for every test of the checkout, the notebooks that nbval executes included (a
conftest under ``tests/`` would not reach ``notebooks/``, ``exercises/`` or ``solutions/``).

Besides each notebook's own answer store, they decide what runs where and what runs at all:

- pytest-xdist (``--dist=loadscope``) keeps together what shares state: a notebook's cells,
  a test module's or class's tests (they may share fixtures), except in the modules of
  ``SPREAD``, whose tests are independent and may each go to any worker (a scheduler of
  our own, through xdist's ``pytest_xdist_make_scheduler`` hook: its ``loadgroup`` marks
  are lost under pytest 9, which no longer reads the node id xdist rewrites);
- how many workers ``--numprocesses=auto`` starts: half as many again as the cores, since
  the tests wait on processes and timeouts for about a fifth of their time;
- a lesson is executed twice, not three times: when its re-run test
  (``tests/course/test_rerun_lessons.py``, whose first round compares every output with
  the committed one, as nbval does) is collected, nbval's run of the lesson is deselected;
- ``--lesson NN`` (``make test LESSON=NN``) keeps only what concerns lesson NN: its
  notebooks, and every test of its exercises and quiz questions.
"""

from __future__ import annotations

import collections
import os
import shutil
import tempfile
from pathlib import Path

import nbval.kernel
import pytest
from kernel_sockets import LocalSocketKernelManager
from xdist.scheduler import LoadScopeScheduling

from checker.notebook import COURSE_DIR_VARIABLE

# nbval starts its kernels with the kernel manager it imported by name: through Unix sockets
# here, so that no other test worker's kernel or connection can take a kernel's port
# (``tests/kernel_sockets.py``).
nbval.kernel.KernelManager = LocalSocketKernelManager

NOTEBOOK_STORES = pytest.StashKey[dict]()
RERUN_TEST = "test_restart_and_run_all_twice"
# Modules whose tests are independent of each other: no fixture shared beyond one test.
SPREAD = (
    "tests/course/test_rerun_lessons.py",
    "tests/judge/test_mutants.py",
    "tests/course/test_second_course.py",
)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--lesson",
        action="append",
        default=[],
        metavar="NN",
        help="Run only what concerns lesson NN (repeatable): its notebooks, and the tests of "
        "its exercises and quiz questions.",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    dropped = lessons_run_by_their_rerun_test(items)
    wanted = config.getoption("lesson")
    if wanted:
        tokens = lesson_tokens(wanted)
        dropped += [item for item in items if not any(t in item.nodeid for t in tokens)]
    if dropped:
        gone = set(map(id, dropped))
        config.hook.pytest_deselected(items=dropped)
        items[:] = [item for item in items if id(item) not in gone]


def lessons_run_by_their_rerun_test(items: list[pytest.Item]) -> list[pytest.Item]:
    """nbval's cells of every lesson whose re-run test is collected too."""
    rerun = {
        item.callspec.id
        for item in items
        if item.name.startswith(RERUN_TEST + "[") and hasattr(item, "callspec")
    }
    return [
        item
        for item in items
        if type(item).__name__ == "IPyNbCell"
        and Path(item.path).parent.name == "notebooks"
        and Path(item.path).stem in rerun
    ]


def lesson_tokens(numbers: list[str]) -> set[str]:
    """What names a lesson in a test id: its notebooks' stem, its exercise and question ids."""
    from checker.content.catalogue import COURSE

    tokens = set()
    for lesson in COURSE.lessons:
        if lesson.number in {number.zfill(2) for number in numbers}:
            tokens |= {lesson.name, *(e.id for e in lesson.exercises)}
            tokens |= {q.id for q in lesson.questions}
    if not tokens:
        raise pytest.UsageError(f"no lesson {', '.join(numbers)} in the course")
    return tokens


class SpreadScheduling(LoadScopeScheduling):
    """pytest-xdist's ``loadscope``, but each test of a ``SPREAD`` module is its own scope,
    those long tests are handed out first (in ``SPREAD``'s order), and no long test waits
    behind another on a worker while the other worker runs out of work.

    A worker holds its last test back until it knows the next one (or that none follows),
    so a worker running a long test always has one more unit waiting: it is given the
    smallest unit of short tests then, if any is left. And a worker is given a new unit when
    a single test of its own is left, not two as in xdist, which let a worker running a
    lesson re-run keep two more long tests waiting behind it.

    Only the queue of units is reordered: workers name tests by their index in their own
    collection, so the collections themselves must keep their order."""

    _spread_first = False  # the queue is put in order before the first unit is handed out

    def _split_scope(self, nodeid: str) -> str:
        if is_spread(nodeid):
            return nodeid
        return super()._split_scope(nodeid)

    def _assign_work_unit(self, node: object) -> None:
        if not self._spread_first:
            self._spread_first = True
            self.workqueue = collections.OrderedDict(
                sorted(self.workqueue.items(), key=lambda unit: spread_rank(unit[0]))
            )
        if self._holds_a_long_test(node):
            short = [scope for scope in self.workqueue if not is_spread(scope)]
            if short:  # the queue is largest first: its last such unit is the smallest
                self.workqueue.move_to_end(short[-1], last=False)
        super()._assign_work_unit(node)

    def _reschedule(self, node: object) -> None:
        waiting = self._pending_of(self.assigned_work[node])
        if waiting > 1 and self.workqueue and not node.shutting_down:
            return
        super()._reschedule(node)

    def _holds_a_long_test(self, node: object) -> bool:
        return any(
            is_spread(scope) and not all(done.values())
            for scope, done in self.assigned_work[node].items()
        )


def is_spread(nodeid: str) -> bool:
    """Whether a test (or scope) belongs to a ``SPREAD`` module."""
    return nodeid.split("::", 1)[0] in SPREAD


def spread_rank(scope: str) -> int:
    """A scope's place in the queue: ``SPREAD``'s modules first, in its order (a stable sort
    keeps the other scopes largest first, as xdist ordered them)."""
    return SPREAD.index(scope.split("::", 1)[0]) if is_spread(scope) else len(SPREAD)


@pytest.hookimpl(wrapper=True)
def pytest_xdist_auto_num_workers(config: pytest.Config):
    """Half as many workers again as xdist's ``auto`` gives (its cores), unless
    ``PYTEST_XDIST_AUTO_NUM_WORKERS`` says how many: a worker's tests spend about a fifth of
    their time waiting on the processes they start and on the lock and statement timeouts they
    check, and a third worker on two cores fills that time (``benchmarks/suite_time.py``)."""
    cores = yield
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return cores
    return cores + max(1, cores // 2)


def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> SpreadScheduling | None:
    if config.getvalue("dist") != "loadscope":
        return None
    return SpreadScheduling(config, log)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item: pytest.Item):
    """Every notebook nbval executes saves answers into an empty course store of its own
    (``COURSE_DIR``, read by its kernel when it starts), never into the checkout's: what a
    notebook prints cannot depend on the notebooks run before it, or on a developer's own
    answers."""
    if type(item).__name__ != "IPyNbCell":
        yield
        return
    before = os.environ.get(COURSE_DIR_VARIABLE)
    os.environ[COURSE_DIR_VARIABLE] = notebook_store(item.config, item.parent.nodeid)
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(COURSE_DIR_VARIABLE, None)
        else:
            os.environ[COURSE_DIR_VARIABLE] = before


def notebook_store(config: pytest.Config, notebook: str) -> str:
    """An empty course folder for one notebook's answers, made once per test session."""
    stores = config.stash.setdefault(NOTEBOOK_STORES, {})
    if notebook not in stores:
        stores[notebook] = tempfile.mkdtemp(prefix="course-store-")
    return stores[notebook]


def pytest_unconfigure(config: pytest.Config) -> None:
    for store in config.stash.get(NOTEBOOK_STORES, {}).values():
        shutil.rmtree(store, ignore_errors=True)
