"""Due dates, late penalties and extensions: when a hand-in came, and what it costs.

The grading settings may hold a late policy (``[late]``: ``due``, ``penalty`` percent per
started ``per`` day or hour, a ``cap`` and a ``last`` date accepted; see the README). An
extensions file (CSV ``learner,due,reason``) gives a learner a due date of their own; the
last date accepted moves by as much. The time of a hand-in comes only from a source the
learner does not control: a times file (CSV ``learner`` or ``lms_id``, and
``submitted_at``, exported from the LMS or written by the instructor's collection) or,
when only that is known, the LMS's late mark, which counts as one period late. A time the
learner's own machine wrote (the dates inside a hand-in) is shown, never used.

The points taken are rounded down to the hundredth, in the learner's favour; a hand-in
after the last date accepted earns nothing.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from fractions import Fraction
from pathlib import Path
from typing import Any

from .records import LearnerRecord, cents, from_cents

PERIODS = {"day": timedelta(days=1), "hour": timedelta(hours=1)}
LATE_KEYS = {"due", "penalty", "per", "cap", "last"}


class DeadlineError(ValueError):
    """A late policy, extensions or times file that cannot be used; says what and where."""


@dataclass(frozen=True)
class LatePolicy:
    """When work is due, what each started period late costs, and when it is no longer taken."""

    due: datetime
    penalty: float = 0
    per: str = "day"
    cap: float = 100
    last: datetime | None = None


@dataclass(frozen=True)
class Extension:
    """A learner's own due date, and why they have it."""

    due: datetime
    reason: str
    line: int


@dataclass(frozen=True)
class HandInTime:
    """When a learner handed in, by a source they do not control, or only the LMS's mark
    that the hand-in was late; and the time their own machine wrote, for showing."""

    submitted: datetime | None = None
    source: str = ""
    marked_late: bool = False
    learner_clock: str = ""


@dataclass(frozen=True)
class Lateness:
    """How late one learner's hand-in was, and the share of their points it costs."""

    due: datetime
    submitted: datetime | None
    source: str
    periods: int
    percent: float
    accepted: bool
    per: str = "day"
    extension: str = ""
    learner_clock: str = ""

    def in_words(self) -> str:
        """One sentence on when the hand-in came and what it costs."""
        when = f"handed in {self.submitted.isoformat()}" if self.submitted else "handed in"
        due = f"due {self.due.isoformat()}" + (f" ({self.extension})" if self.extension else "")
        source = f" (by {self.source})" if self.source else ""
        if not self.source:
            return f"no hand-in time known: graded as on time ({due})."
        if not self.accepted:
            return f"{when}{source}, after the last date accepted ({due}): no points."
        if not self.periods:
            return f"{when}{source}, on time ({due})."
        unit = self.per + ("s" if self.periods != 1 else "")
        at_least = "at least " if self.submitted is None else ""
        return (
            f"{when}{source}, {at_least}{self.periods} {unit} late ({due}): "
            f"{self.percent:g}% of the points taken."
        )

    def to_json(self) -> dict[str, Any]:
        """The lateness as ``results.json`` holds it."""
        return {
            "due": self.due.isoformat(),
            "submitted": self.submitted.isoformat() if self.submitted else None,
            "time_source": self.source,
            "periods_late": self.periods,
            "percent": self.percent,
            "accepted": self.accepted,
            "per": self.per,
            "extension": self.extension,
            "learner_clock": self.learner_clock,
        }


def load_policy(path: Path, table: Any) -> LatePolicy:
    """The ``[late]`` table of a settings file, checked."""
    if not isinstance(table, dict):
        raise DeadlineError(f"{path}: [late] must be a table")
    unknown = set(table) - LATE_KEYS
    if unknown:
        raise DeadlineError(f"{path}: unknown settings in [late]: {sorted(unknown)}")
    if "due" not in table:
        raise DeadlineError(f"{path}: [late] needs a due date (due = 2027-01-15T23:59:00+01:00)")
    due = aware(path, "late.due", table["due"])
    last = aware(path, "late.last", table["last"]) if "last" in table else None
    if last is not None and last < due:
        raise DeadlineError(f"{path}: late.last ({last}) is before late.due ({due})")
    per = table.get("per", "day")
    if per not in PERIODS:
        raise DeadlineError(f"{path}: late.per must be one of {', '.join(PERIODS)}, not {per!r}")
    penalty, cap = table.get("penalty", 0), table.get("cap", 100)
    for name, value in (("penalty", penalty), ("cap", cap)):
        if type(value) not in (int, float) or not 0 <= value <= 100:
            raise DeadlineError(f"{path}: late.{name} must be a percentage from 0 to 100")
    return LatePolicy(due, penalty, per, cap, last)


def aware(path: Path, where: str, value: Any) -> datetime:
    """A TOML date-time with its offset: a due date without a time zone is ambiguous."""
    if not isinstance(value, datetime):
        raise DeadlineError(f"{path}: {where} must be a date and time, e.g. 2027-01-15T23:59:00Z")
    if value.tzinfo is None:
        raise DeadlineError(f"{path}: {where} needs its time zone (e.g. +01:00 or Z)")
    return value


def parse_time(text: str) -> datetime | None:
    """An ISO 8601 date-time with its offset (``Z`` allowed), or None."""
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if value.tzinfo is not None else None


def read_csv(path: Path, required: set[str]) -> list[tuple[int, dict[str, str]]]:
    """A CSV file's rows with their line numbers, after checking its columns."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise DeadlineError(f"{path}: {error}") from None
    rows = csv.DictReader(io.StringIO(text))
    if not required <= set(rows.fieldnames or []):
        raise DeadlineError(f"{path}: the columns must include {', '.join(sorted(required))}")
    return list(enumerate(rows, start=2))


def load_extensions(path: Path | None) -> dict[str, Extension]:
    """Each learner's extension from a CSV ``learner,due,reason``; one per learner."""
    extensions: dict[str, Extension] = {}
    for line, row in read_csv(path, {"learner", "due"}) if path else []:
        due = parse_time(row["due"] or "")
        if due is None:
            raise DeadlineError(
                f"{path}, line {line}: due {row['due']!r} is not a date and time with its "
                "time zone (e.g. 2027-01-20T23:59:00+01:00)"
            )
        learner = row["learner"]
        if learner in extensions:
            raise DeadlineError(
                f"{path}, line {line}: a second extension for {learner!r}; the first is on "
                f"line {extensions[learner].line}"
            )
        extensions[learner] = Extension(due, (row.get("reason") or "").strip(), line)
    return extensions


def load_times(path: Path | None, ids: dict[str, str]) -> dict[str, HandInTime]:
    """Each learner's hand-in time from a CSV with ``submitted_at`` and either ``learner``
    or ``lms_id`` (mapped to a learner through ``ids``, the roster's LMS id to learner)."""
    if path is None:
        return {}
    rows = read_csv(path, {"submitted_at"})
    times: dict[str, HandInTime] = {}
    for line, row in rows:
        lms_id = row.get("lms_id") or ""
        learner = row.get("learner") or ids.get(lms_id) or (f"canvas-{lms_id}" if lms_id else "")
        if not learner:  # an id on no roster line is graded as canvas-<id>, as its hand-in is
            raise DeadlineError(f"{path}, line {line}: no learner (a learner or an lms_id column)")
        if not (row.get("submitted_at") or "").strip():
            continue  # the LMS exports learners who handed nothing in with no time
        submitted = parse_time(row["submitted_at"])
        if submitted is None:
            raise DeadlineError(
                f"{path}, line {line}: submitted_at {row['submitted_at']!r} is not a date "
                "and time with its time zone"
            )
        if learner in times:
            raise DeadlineError(f"{path}, line {line}: a second time for {learner!r}")
        times[learner] = HandInTime(submitted, f"{Path(path).name}, line {line}")
    return times


def lateness(
    policy: LatePolicy, handed_in: HandInTime | None, extension: Extension | None
) -> Lateness:
    """How late a hand-in was under the policy and the learner's extension, if any."""
    due, last = policy.due, policy.last
    if extension is not None:
        if last is not None:
            last += max(extension.due - due, timedelta(0))
        due = extension.due
    reason = f"extended: {extension.reason}" if extension and extension.reason else ""
    reason = reason or ("extended" if extension else "")
    handed_in = handed_in or HandInTime()
    submitted = handed_in.submitted
    periods, accepted = 0, True
    if submitted is not None:
        accepted = last is None or submitted <= last
        if submitted > due:
            periods = math.ceil((submitted - due) / PERIODS[policy.per])
    elif handed_in.marked_late and extension is None:
        periods = 1  # the LMS measured against the course's due date, not an extension's
    percent = min(policy.cap, periods * policy.penalty) if accepted else 100
    source = handed_in.source
    return Lateness(
        due,
        submitted,
        source,
        periods,
        percent,
        accepted,
        policy.per,
        reason,
        handed_in.learner_clock,
    )


def apply(
    policy: LatePolicy,
    learners: list[LearnerRecord],
    times: dict[str, HandInTime],
    extensions: dict[str, Extension],
) -> list[str]:
    """Set each learner's lateness and penalty (in place) from the times known, the LMS's
    late marks (``handin`` of each record) and the extensions; returns what the instructor
    should know: learners graded as on time for want of a time, late marks counted as one
    period, and extensions or times naming nobody graded."""
    names = {learner.learner for learner in learners}
    no_time, marked_only = [], []
    for learner in learners:
        known = times.get(learner.learner)
        if known is None:
            marked = bool(learner.handin.get("marked_late"))
            lms = learner.handin.get("lms", "")
            source = "" if not lms else f"{lms}'s late mark" if marked else f"{lms}, not late"
            known = HandInTime(marked_late=marked, source=source)
            if marked or not lms:
                (marked_only if marked else no_time).append(learner.learner)
        clock = learner.handin.get("learner_clock", "")
        known = HandInTime(known.submitted, known.source, known.marked_late, clock)
        result = lateness(policy, known, extensions.get(learner.learner))
        learner.late = {**result.to_json(), "in_words": result.in_words()}
        raw = cents(learner.raw_points)
        taken = (
            raw if not result.accepted else int(Fraction(raw) * Fraction(str(result.percent)) / 100)
        )
        learner.penalty = from_cents(max(taken, 0))
    warnings = []
    if no_time:
        warnings.append(
            f"no hand-in time for {', '.join(no_time)}: graded as on time (give --times, "
            "a CSV of learner,submitted_at from the LMS or your collection)"
        )
    if marked_only:
        warnings.append(
            f"the LMS marked {', '.join(marked_only)} late, with no time: counted as one "
            f"{policy.per} late, or on time under an extension (give --times for the exact "
            "penalty)"
        )
    warnings += [
        f"extension for {name!r} (line {extension.line}): no such learner graded"
        for name, extension in extensions.items()
        if name not in names
    ]
    warnings += [
        f"hand-in time for {name!r}: no such learner graded" for name in times if name not in names
    ]
    return warnings
