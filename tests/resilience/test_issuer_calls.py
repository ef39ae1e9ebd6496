"""Calling an issuer: a timeout, retries for passing failures, a circuit breaker."""

from __future__ import annotations

from datetime import date

import anyio
import pytest

from adapters.digilocker import AnswerProblem, IssuerAnswerRefused, PullPending
from adapters.sdk import (
    Gender,
    Identity,
    InvalidLookup,
    IssuerUnavailable,
    RecordNotFound,
)
from services.clock import FrozenClock
from services.issuers import (
    CallPolicy,
    CircuitState,
    IssuerCalls,
    IssuerResting,
    IssuerTimedOut,
)
from tests.resilience.conftest import (
    BOARD,
    ROLL_NUMBER,
    URI,
    BiharBoard,
    FlakyBoard,
    SlowBoard,
    Waits,
)

AARAV = Identity(name="Aarav Sharma", dob=date(2006, 3, 14), gender=Gender.MALE)
BREAKER = CallPolicy(attempts=1, failure_threshold=3, cooldown_seconds=30)


def calls_with(policy: CallPolicy, clock: FrozenClock, waits: Waits) -> IssuerCalls:
    return IssuerCalls(policy, clock, sleep=waits)


async def fail_reads(calls: IssuerCalls, board: FlakyBoard, times: int) -> None:
    for _ in range(times):
        with pytest.raises(IssuerUnavailable):
            await calls.fetch(board, URI)


async def test_issuer_that_never_answers_is_unavailable_after_its_timeout(
    clock: FrozenClock, waits: Waits
) -> None:
    board = SlowBoard()
    board.hangs = True
    calls = calls_with(CallPolicy(), clock, waits)

    with pytest.raises(IssuerTimedOut) as raised:
        await calls.fetch(board, URI)

    assert raised.value.code == "ISSUER_UNAVAILABLE"
    assert raised.value.message == (
        f"{BOARD} did not answer in time; try again in a few minutes."
    )
    # The timeout is for the whole read: no time was left for another try.
    assert board.calls == 1
    assert calls.circuit(board).failures == 1


async def test_passing_failures_are_retried_with_growing_random_waits(
    board: FlakyBoard, clock: FrozenClock, waits: Waits
) -> None:
    board.fail_next(
        IssuerUnavailable("The board's results server answered 502."),
        IssuerUnavailable("The board's results server reset the connection."),
    )
    calls = calls_with(CallPolicy(attempts=3, first_wait_seconds=0.5), clock, waits)

    document = await calls.fetch(board, URI)

    assert document.uri == URI
    assert board.calls == 3
    assert len(waits.seconds) == 2
    assert 0 <= waits.seconds[0] <= 0.5
    assert 0 <= waits.seconds[1] <= 1.0
    assert calls.circuit(board).failures == 0


async def test_retries_stop_after_the_last_attempt(
    board: FlakyBoard, clock: FrozenClock, waits: Waits
) -> None:
    board.down = True
    calls = calls_with(CallPolicy(attempts=3), clock, waits)

    with pytest.raises(IssuerUnavailable) as raised:
        await calls.fetch(board, URI)

    assert raised.value.message == "The board's results server answered 503."
    assert board.calls == 3
    assert calls.circuit(board).failures == 3


async def test_record_not_found_is_not_retried_nor_held_against_the_issuer(
    board: FlakyBoard, clock: FrozenClock, waits: Waits
) -> None:
    calls = calls_with(CallPolicy(attempts=3), clock, waits)

    with pytest.raises(RecordNotFound):
        await calls.find(board, "HSCER", {"rollNumber": "26109999"}, AARAV)

    assert board.calls == 1
    assert waits.seconds == []
    assert calls.circuit(board).failures == 0


async def test_pending_pull_is_not_retried_nor_held_against_the_issuer(
    board: FlakyBoard, clock: FrozenClock, waits: Waits
) -> None:
    board.fail_next(
        PullPending("The board will send this result later.", transaction_id="t-81")
    )
    calls = calls_with(CallPolicy(attempts=3), clock, waits)

    with pytest.raises(PullPending):
        await calls.find(board, "HSCER", {"rollNumber": ROLL_NUMBER}, AARAV)

    assert board.calls == 1
    assert calls.circuit(board).failures == 0


async def test_refused_answer_is_not_retried_but_counts_as_a_failure(
    board: FlakyBoard, clock: FrozenClock, waits: Waits
) -> None:
    board.fail_next(
        IssuerAnswerRefused(
            "The board's answer could not be trusted.",
            problem=AnswerProblem.SIGNATURE,
            detail="DataContent signature does not verify",
        )
    )
    calls = calls_with(CallPolicy(attempts=3), clock, waits)

    with pytest.raises(IssuerAnswerRefused):
        await calls.fetch(board, URI)

    assert board.calls == 1
    assert calls.circuit(board).failures == 1


async def test_circuit_opens_after_failures_in_a_row_and_stops_calling(
    board: FlakyBoard, clock: FrozenClock, waits: Waits
) -> None:
    board.down = True
    calls = calls_with(BREAKER, clock, waits)
    await fail_reads(calls, board, 3)

    with pytest.raises(IssuerResting) as raised:
        await calls.fetch(board, URI)

    assert board.calls == 3
    assert raised.value.code == "ISSUER_UNAVAILABLE"
    assert raised.value.retry_after_seconds == 30
    assert raised.value.message == (
        f"{BOARD} has not been answering, so the locker is giving it a rest; "
        "try again in 30 seconds."
    )
    assert calls.circuit(board).state is CircuitState.OPEN


async def test_an_answer_between_failures_starts_the_count_again(
    board: FlakyBoard, clock: FrozenClock, waits: Waits
) -> None:
    calls = calls_with(BREAKER, clock, waits)
    board.down = True
    await fail_reads(calls, board, 2)
    board.down = False
    await calls.fetch(board, URI)
    board.down = True

    await fail_reads(calls, board, 2)

    assert board.calls == 5
    assert calls.circuit(board).state is CircuitState.CLOSED


async def test_retries_end_when_the_circuit_opens(
    board: FlakyBoard, clock: FrozenClock, waits: Waits
) -> None:
    board.down = True
    calls = calls_with(
        CallPolicy(attempts=5, failure_threshold=2, cooldown_seconds=60), clock, waits
    )

    with pytest.raises(IssuerResting) as raised:
        await calls.fetch(board, URI)

    assert board.calls == 2
    assert raised.value.retry_after_seconds == 60


async def test_after_the_cooldown_one_trial_call_resumes_calls(
    board: FlakyBoard, clock: FrozenClock, waits: Waits
) -> None:
    board.down = True
    calls = calls_with(BREAKER, clock, waits)
    await fail_reads(calls, board, 3)
    clock.advance(20)
    with pytest.raises(IssuerResting) as early:
        await calls.fetch(board, URI)
    board.down = False
    clock.advance(11)

    document = await calls.fetch(board, URI)
    again = await calls.fetch(board, URI)

    assert early.value.retry_after_seconds == 10
    assert document.uri == again.uri == URI
    assert board.calls == 5
    assert calls.circuit(board).state is CircuitState.CLOSED


async def test_a_failed_trial_rests_the_issuer_for_another_cooldown(
    board: FlakyBoard, clock: FrozenClock, waits: Waits
) -> None:
    board.down = True
    calls = calls_with(BREAKER, clock, waits)
    await fail_reads(calls, board, 3)
    clock.advance(31)

    await fail_reads(calls, board, 1)
    with pytest.raises(IssuerResting) as raised:
        await calls.fetch(board, URI)

    assert board.calls == 4
    assert raised.value.retry_after_seconds == 30


async def test_only_one_trial_call_reaches_a_half_open_issuer(
    board: FlakyBoard, clock: FrozenClock, waits: Waits
) -> None:
    board.down = True
    calls = calls_with(BREAKER, clock, waits)
    await fail_reads(calls, board, 3)
    clock.advance(31)
    board.down = False
    board.gate = anyio.Event()
    trial_answers: list[str] = []

    async def trial() -> None:
        trial_answers.append((await calls.fetch(board, URI)).uri)

    async with anyio.create_task_group() as tasks:
        tasks.start_soon(trial)
        await anyio.wait_all_tasks_blocked()
        with pytest.raises(IssuerResting):
            await calls.fetch(board, URI)
        board.gate.set()

    assert trial_answers == [URI]
    assert board.calls == 4
    assert calls.circuit(board).state is CircuitState.CLOSED


async def test_malformed_lookup_is_refused_even_while_the_issuer_rests(
    board: FlakyBoard, clock: FrozenClock, waits: Waits
) -> None:
    board.down = True
    calls = calls_with(BREAKER, clock, waits)
    await fail_reads(calls, board, 3)

    with pytest.raises(InvalidLookup) as raised:
        await calls.find(board, "HSCER", {"rollNumber": "2610-4518"}, AARAV)

    assert raised.value.field == "rollNumber"
    assert board.calls == 3


async def test_each_issuer_has_its_own_circuit(
    board: FlakyBoard, clock: FrozenClock, waits: Waits
) -> None:
    bihar = BiharBoard()
    calls = calls_with(BREAKER, clock, waits)
    board.down = True
    await fail_reads(calls, board, 3)

    with pytest.raises(RecordNotFound):
        await calls.fetch(bihar, "in.gov.bseb-HSCER-202426104518")

    assert bihar.calls == 1
    assert calls.circuit(bihar).state is CircuitState.CLOSED
