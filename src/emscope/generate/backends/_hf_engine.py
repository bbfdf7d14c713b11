"""Continuous-batching decoder for transformers causal LMs (the hf backend's `slots` engine).

The batch is a fixed set of slots. Unique prompts are sorted by length and prefilled a
few at a time (left-padded, so prompts of similar length share a prefill); one prefill
serves every sample of its prompt, whose keys are copied into as many slots. Each step
decodes one token for every slot; a sequence that emits a stop token or reaches its
`max_new_tokens` is yielded at once and its slot refilled, so the batch stays full and no
compute is spent on finished rows. See `_hf_slots` for the cache layout.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np
import torch
from transformers import DynamicCache

from emscope.generate.backends._hf_slots import SlotCache, prefill_mask
from emscope.generate.backends._sampling import sample_tokens, uniforms
from emscope.generate.backends.base import Message, SampleRequest, SampleResult

__all__ = ["SlotEngine"]

_FREE = np.iinfo(np.int64).max  # `start` of a free slot: never the minimum


@dataclass(eq=False)  # identity: two prompts may tokenize alike yet differ in temperature
class _Prompt:
    """One distinct prompt and the samples still waiting for a slot."""

    ids: list[int]
    waiting: deque[SampleRequest] = field(default_factory=deque)


class SlotEngine:
    """Decode many samples of many prompts with a constantly refilled batch of slots."""

    def __init__(self, model: torch.nn.Module, pad_id: int, stop_ids: set[int], slots: int,
                 decode: Callable[[list[int]], str], prefill_batch: int = 16) -> None:
        self.model = model
        self.pad_id = pad_id
        self.stop_ids = stop_ids
        self.max_slots = slots
        self.slots = slots  # shrinks at the end of a run, see _shrink
        self.decode = decode
        self.prefill_batch = prefill_batch
        # Refill once an eighth of the slots is free: prefilling one prompt at a time
        # would cost nearly a decode step per admitted sample.
        self.admit_threshold = max(1, slots // 8)
        self.device = next(model.parameters()).device
        self._scratch: torch.Tensor | None = None  # sampling work space, reused every step

    def run(self, requests: Sequence[SampleRequest],
            tokenize: Callable[[tuple[Message, ...]], list[int]]) -> Iterator[SampleResult]:
        """Yield one result per request as each finishes."""
        prompts: dict[object, _Prompt] = {}
        for req in requests:
            if req.prompt_key not in prompts:
                prompts[req.prompt_key] = _Prompt(tokenize(req.messages))
            prompts[req.prompt_key].waiting.append(req)
        # Similar lengths next to each other, so each prefill batch pads little.
        self._pending = deque(sorted(prompts.values(), key=lambda p: len(p.ids)))
        self._reset_slots()
        while self._pending or self._live():
            done: list[SampleResult] = []
            with torch.inference_mode():
                free = self.slots - self._live()
                if self._pending and (free >= self.admit_threshold or not self._live()):
                    done += self._admit()
                if not self._pending and 0 < self._live() <= self.slots // 2:
                    self._shrink()
                if self._live():
                    done += self._step()
            yield from done

    # -- state ------------------------------------------------------------------------

    def _reset_slots(self) -> None:
        self.slots = self.max_slots
        s, dev = self.slots, self.device
        self.cache = SlotCache(self.model.config.get_text_config().num_hidden_layers, s, dev)
        self.req: list[SampleRequest | None] = [None] * s
        self.tokens: list[list[int]] = [[] for _ in range(s)]
        self.start = np.full(s, _FREE, dtype=np.int64)  # first column each slot attends to
        self.seeds = np.zeros(s, dtype=np.uint64)
        self.steps = np.zeros(s, dtype=np.uint64)  # tokens drawn so far (the random stream's counter)
        self.temps = torch.ones(s, dtype=torch.float32, device=dev)
        self.pos = torch.zeros(s, dtype=torch.long, device=dev)
        self.next_tok = torch.full((s,), self.pad_id, dtype=torch.long, device=dev)

    def _live(self) -> int:
        return sum(r is not None for r in self.req)

    def _keep_from(self) -> int:
        live = self.start[self.start != _FREE]
        return int(live.min()) if live.size else self.cache.n

    def _shift(self, shift: int) -> None:
        if shift:
            self.start[self.start != _FREE] += shift

    def _shrink(self) -> None:
        """Drop free slots once nothing is waiting, so the last answers do not pay for empty ones."""
        keep = [s for s in range(self.slots) if self.req[s] is not None]
        keep_t = torch.tensor(keep, device=self.device)
        self.cache.select(keep_t)
        self.slots = len(keep)
        self.req = [self.req[s] for s in keep]
        self.tokens = [self.tokens[s] for s in keep]
        self.start, self.seeds, self.steps = self.start[keep], self.seeds[keep], self.steps[keep]
        self.temps, self.pos = self.temps.index_select(0, keep_t), self.pos.index_select(0, keep_t)
        self.next_tok = self.next_tok.index_select(0, keep_t)

    # -- admission ----------------------------------------------------------------------

    def _take(self, count: int) -> list[tuple[_Prompt, SampleRequest]]:
        taken: list[tuple[_Prompt, SampleRequest]] = []
        while self._pending and len(taken) < count:
            prompt = self._pending[0]
            while prompt.waiting and len(taken) < count:
                taken.append((prompt, prompt.waiting.popleft()))
            if not prompt.waiting:
                self._pending.popleft()
        return taken

    def _admit(self) -> list[SampleResult]:
        free = [s for s in range(self.slots) if self.req[s] is None]
        taken = self._take(len(free))
        done: list[SampleResult] = []
        order: list[_Prompt] = list(dict.fromkeys(p for p, _ in taken))
        for lo in range(0, len(order), self.prefill_batch):
            chunk = order[lo:lo + self.prefill_batch]
            members = [(p, r) for p, r in taken if p in chunk]
            slots, free = free[:len(members)], free[len(members):]
            done += self._prefill(chunk, members, slots)
        return done

    def _prefill(self, chunk: list[_Prompt], members: list[tuple[_Prompt, SampleRequest]],
                 slots: list[int]) -> list[SampleResult]:
        width = max(len(p.ids) for p in chunk)
        ids = torch.full((len(chunk), width), self.pad_id, dtype=torch.long)
        mask = torch.zeros((len(chunk), width), dtype=torch.long)
        for i, p in enumerate(chunk):  # left padding: every prompt ends at the last column
            ids[i, width - len(p.ids):] = torch.tensor(p.ids)
            mask[i, width - len(p.ids):] = 1
        ids, mask = ids.to(self.device), mask.to(self.device)
        positions = (mask.cumsum(-1) - 1).clamp_(min=0)
        cache = DynamicCache(config=self.model.config)
        out = self.model(input_ids=ids, attention_mask=prefill_mask(mask), position_ids=positions,
                         past_key_values=cache, use_cache=True, logits_to_keep=1)
        row_of = {id(p): i for i, p in enumerate(chunk)}
        rows = torch.tensor([row_of[id(p)] for p, _ in members], device=self.device)
        slot_t = torch.tensor(slots, device=self.device)
        self._shift(self.cache.admit(slot_t, rows, cache, mask, self._keep_from()))
        for slot, (p, req) in zip(slots, members, strict=True):
            self.req[slot], self.tokens[slot] = req, []
            self.start[slot] = self.cache.n - len(p.ids)
            self.seeds[slot], self.steps[slot] = np.uint64(req.seed), np.uint64(0)
            self.temps[slot] = req.temperature
            self.pos[slot] = len(p.ids)  # position of the first generated token
        logits = out.logits[:, -1].index_select(0, rows)
        first = self._sample(logits, slot_t)
        return self._record(slots, first.tolist(), first, slot_t)

    # -- decoding ---------------------------------------------------------------------

    def _sample(self, logits: torch.Tensor, slot_t: torch.Tensor | None = None) -> torch.Tensor:
        idx = slot_t.cpu().numpy() if slot_t is not None else slice(None)
        u = torch.from_numpy(uniforms(self.seeds[idx], self.steps[idx])).to(self.device)
        temps = self.temps if slot_t is None else self.temps.index_select(0, slot_t)
        if self._scratch is None or self._scratch.shape[1] != logits.shape[1]:
            self._scratch = torch.empty(self.max_slots, logits.shape[1], dtype=torch.float32, device=self.device)
        return sample_tokens(logits, temps, u, self._scratch)

    def _step(self) -> list[SampleResult]:
        mask, shift = self.cache.begin_step(self._keep_from())
        self._shift(shift)
        out = self.model(input_ids=self.next_tok[:, None], position_ids=self.pos[:, None],
                         attention_mask=mask, past_key_values=self.cache, use_cache=True)
        self.cache.end_step()
        toks = self._sample(out.logits[:, -1])
        self.pos += 1
        live = [s for s in range(self.slots) if self.req[s] is not None]
        drawn = toks.tolist()
        return self._record(live, [drawn[s] for s in live], toks, None)

    def _record(self, slots: list[int], drawn: list[int], toks: torch.Tensor,
                slot_t: torch.Tensor | None) -> list[SampleResult]:
        """Append each slot's new token; finish slots that stopped; set the next inputs."""
        if slot_t is None:
            self.next_tok = toks
        else:
            self.next_tok.index_copy_(0, slot_t, toks)
        done: list[SampleResult] = []
        for slot, token in zip(slots, drawn, strict=True):
            req = self.req[slot]
            assert req is not None
            self.tokens[slot].append(token)
            self.steps[slot] += np.uint64(1)
            if token in self.stop_ids:
                done.append(self._finish(slot, "stop"))
            elif len(self.tokens[slot]) >= req.max_new_tokens:
                done.append(self._finish(slot, "length"))
        return done

    def _finish(self, slot: int, reason: str) -> SampleResult:
        req, tokens = self.req[slot], self.tokens[slot]
        assert req is not None
        text = self.decode(tokens[:-1] if reason == "stop" else tokens)
        self.req[slot], self.tokens[slot] = None, []
        self.start[slot] = _FREE
        self.cache.release(slot)
        self.next_tok[slot] = self.pad_id
        self.pos[slot] = 0
        return SampleResult(req.id, text, "stop" if reason == "stop" else "length", new_tokens=len(tokens))
