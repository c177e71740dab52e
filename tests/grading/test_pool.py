"""The grading pool gives every task a result or a failure of its own, whatever the task
returns: a result the worker cannot send back costs its own item, not the batch."""

from __future__ import annotations

import threading

from checker.grading.pool import Failure, GradingPool


def test_a_result_that_cannot_be_sent_back_is_a_failure_of_its_own_item():
    with GradingPool(1, 30, isolation=None) as pool:
        lock = dict(pool.run(threading.Lock, [("lock", ())]))
        text = dict(pool.run(str, [("text", (1,))]))
    assert isinstance(lock["lock"], Failure)
    assert lock["lock"].reason.startswith("its result could not be sent back (")
    assert text == {"text": "1"}
