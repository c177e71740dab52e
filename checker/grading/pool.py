"""Worker processes for grading that survive whatever one task does.

A task that raises becomes a failure for its own item; a task that runs past its time
limit is stopped inside its worker (and, if the worker does not answer, the worker is
killed); a worker that dies is replaced and its tasks tried once more. When the grader is
interrupted, every worker is killed at once (their helpers and confined children die
with them), so nothing keeps running.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, CancelledError, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from ..judge import sandbox
from ..judge.zygote import HELPER_PRELOAD

MAX_ATTEMPTS = 2
_launcher: sandbox.Launcher = sandbox.IN_PROCESS  # a worker's own, set as it starts


class TaskOverrun(BaseException):
    """A task ran past its time limit (raised inside the worker by an alarm)."""


class Failure:
    """What a task produced instead of a result: the reason, in one line."""

    def __init__(self, reason: str) -> None:
        self.reason = reason


class GradingPool:
    """``jobs`` worker processes running ``function(*arguments)`` tasks, each for at most
    ``task_seconds``; with an ``isolation`` (``sandbox.NAMESPACES`` or
    ``sandbox.SEPARATE_USER``), each worker confines learner code behind it, from a clean
    helper of its own (``worker_launcher``) that imports ``preload`` (the course's table
    layouts: no statement, case or answer); with None, learner code is trusted.
    ``environment`` is added to the workers' environment; workers start afresh for each
    ``run``, so a change applies to the next."""

    def __init__(
        self,
        jobs: int,
        task_seconds: float,
        *,
        isolation: str | None,
        preload: tuple[str, ...] = (),
    ) -> None:
        self.jobs = jobs
        self.task_seconds = task_seconds
        self.isolation = isolation
        self.preload = preload
        self.environment: dict[str, str] = {}
        self._executor: ProcessPoolExecutor | None = None

    def __enter__(self) -> GradingPool:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._shut(kill=exc_info[0] is not None)

    def run(
        self, function: Callable[..., Any], tasks: list[tuple[Any, tuple[Any, ...]]]
    ) -> Iterator[tuple[Any, Any]]:
        """Yield ``(key, result or Failure)`` for each ``(key, arguments)`` as it finishes."""
        attempts = {key: 0 for key, _ in tasks}
        pending = list(tasks)
        while pending:
            executor = self._started()
            futures: dict[Future, tuple[Any, tuple[Any, ...]]] = {
                executor.submit(_run_limited, function, arguments, self.task_seconds): (
                    key,
                    arguments,
                )
                for key, arguments in pending
            }
            pending = []
            waiting = set(futures)
            while waiting:
                done, waiting = wait(
                    waiting, timeout=self.task_seconds + 30, return_when=FIRST_COMPLETED
                )
                if not done:  # no task finished for too long: a worker hangs past its alarm
                    self._shut(kill=True)
                    continue
                for future in done:
                    key, arguments = futures[future]
                    try:
                        result = future.result()
                    except CancelledError:  # never started: a hung worker stopped the round
                        pending.append((key, arguments))
                        continue
                    except BrokenProcessPool:
                        attempts[key] += 1
                        if attempts[key] < MAX_ATTEMPTS:
                            pending.append((key, arguments))
                            continue
                        result = Failure("its grading process died")
                    except Exception as error:  # a result the worker could not send back
                        reason = type(error).__name__
                        result = Failure(f"its result could not be sent back ({reason})")
                    yield key, result
            self._shut(kill=False)

    def _started(self) -> ProcessPoolExecutor:
        if self._executor is None:
            self._executor = ProcessPoolExecutor(
                max_workers=self.jobs,
                mp_context=_worker_context(),
                initializer=_start_worker,
                initargs=(self.isolation, self.preload, dict(self.environment)),
            )
        return self._executor

    def _shut(self, *, kill: bool) -> None:
        executor, self._executor = self._executor, None
        if executor is None:
            return
        if kill:
            for process in list((executor._processes or {}).values()):
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
        executor.shutdown(wait=True, cancel_futures=True)


def _worker_context() -> multiprocessing.context.BaseContext:
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([*HELPER_PRELOAD, "checker.grading.items"])
    return context


def worker_launcher() -> sandbox.Launcher:
    """How a task in this worker starts learner code: behind the pool's isolation, from
    the worker's own clean helper, or in process when the submissions are trusted."""
    return _launcher


def _start_worker(
    isolation: str | None, preload: tuple[str, ...], environment: dict[str, str]
) -> None:
    """In each worker: learner code behind the isolation, from a clean helper of its own
    (it ends with the worker, which the pool kills or lets exit)."""
    global _launcher
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the main process decides when to stop
    os.environ.update(environment)
    if isolation is not None:
        _launcher = sandbox.Isolated(list(preload), isolation)


def _run_limited(function: Callable[..., Any], arguments: tuple[Any, ...], seconds: float) -> Any:
    """Run a task in a worker under an alarm; a failure or an overrun becomes a ``Failure``."""

    def overrun(*_: object) -> None:
        raise TaskOverrun

    previous = signal.signal(signal.SIGALRM, overrun)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return function(*arguments)
    except TaskOverrun:
        if isinstance(_launcher, sandbox.Isolated):
            _launcher.restart()  # its helper may be mid-request: start a fresh one
        return Failure(f"grading it took more than {seconds:g} s")
    except Exception as error:  # whatever went wrong, the batch goes on
        return Failure(f"{type(error).__name__}: {error}")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
