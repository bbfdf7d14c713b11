"""A fake generation backend that enters through the registry, for fast run/resume tests."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from emscope.generate.backends import BACKENDS, SampleRequest, SampleResult
from emscope.generate.config import GenerateConfig

FAKE = "test-fake"


@dataclass
class FakeState:
    """What the fake saw and how it misbehaves; reset by the `fake_backend` fixture."""

    calls: list[list[SampleRequest]] = field(default_factory=list)
    fail_ids: set[str] = field(default_factory=set)
    fail_once: set[str] = field(default_factory=set)
    fatal_id: str | None = None  # this request fails fatally; every other one is skipped


STATE = FakeState()


def fake_answer(req: SampleRequest) -> str:
    """Deterministic in the request: the same sample always gets the same answer."""
    system = next((m.content for m in req.messages if m.role == "system"), None)
    return f"answer to {req.messages[-1].content!r} seed={req.seed} t={req.temperature} system={system!r}"


class FakeBackend:
    def __init__(self, config: GenerateConfig) -> None:
        self.config = config

    def generate(self, requests: Sequence[SampleRequest]) -> Iterator[SampleResult]:
        STATE.calls.append(list(requests))
        if STATE.fatal_id is not None:
            # As a concurrent backend may: skipped samples come back before the fatal one.
            for req in sorted(requests, key=lambda r: r.id == STATE.fatal_id):
                if req.id == STATE.fatal_id:
                    yield SampleResult(req.id, None, None, error="HTTP 401: bad key")
                else:
                    yield SampleResult(req.id, None, None, error="skipped: the run stopped", skipped=True)
            return
        for req in reversed(requests):  # any order is allowed
            if req.id in STATE.fail_ids or req.id in STATE.fail_once:
                STATE.fail_once.discard(req.id)
                yield SampleResult(req.id, None, None, error="HTTP 500: injected")
            else:
                yield SampleResult(req.id, fake_answer(req), "stop", new_tokens=3)


if FAKE not in BACKENDS:
    BACKENDS.register(FAKE, FakeBackend)
