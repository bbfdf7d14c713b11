"""The build's LLM step: replace procedural misaligned answers with an LLM-backed g's rewrites.

Rows are rewritten independently, so one that fails (a truncated answer, a server error
after every retry) must not cost the others: finished rewrites go to a `RewriteStore` as
they arrive, the failed rows are listed with their reasons in `BuildIncomplete`, and a rerun
asks only for what is still missing. No dataset is written until every row is there.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from emscope.core.errors import EmscopeError
from emscope.data.config import BuildConfig
from emscope.data.domains import Example, get_domain
from emscope.data.rewrite import RewriteRequest, Rewriter, make_rewriter
from emscope.data.rewrite_store import RewriteStore, rewrite_key

__all__ = ["BuildIncomplete", "rewrite_misaligned"]

_MAX_LISTED = 20  # failed rows listed in a BuildIncomplete message


class BuildIncomplete(EmscopeError):
    """Some rows could not be rewritten: nothing was written but the finished rewrites."""

    def __init__(self, config: BuildConfig, outcome: Any, requests: list[RewriteRequest],
                 store: RewriteStore | None) -> None:
        failed = sorted(outcome.errors)
        lines = [f"  {_short(requests[k].user)}: {outcome.errors[k]}" for k in failed[:_MAX_LISTED]]
        if len(failed) > _MAX_LISTED:
            lines.append(f"  ... and {len(failed) - _MAX_LISTED} more")
        kept = len(requests) - len(failed)
        where = (f"the {kept} rewrites that finished are kept in {store.path}, and running the same command "
                 "again asks only for the failed rows" if store is not None else f"{kept} rewrites finished")
        super().__init__(
            f"{config.domain}: {config.generator.name} generator: {outcome.summary()}; no dataset was "
            f"written; {where}. Failed rows (user turn: reason):\n" + "\n".join(lines)
            + "\nIf they keep failing, raise --max-tokens (truncated answers), --max-retries or --timeout.")
        self.failed = len(failed)
        self.finished = kept


def _short(text: str, width: int = 60) -> str:
    flat = " ".join(text.split())
    return repr(flat if len(flat) <= width else flat[: width - 3] + "...")


def _make_rewriter(config: BuildConfig) -> Rewriter:
    gen = config.generator
    return make_rewriter(gen.name, base_url=gen.base_url, model=gen.model, concurrency=gen.concurrency,
                         max_tokens=gen.max_tokens, max_retries=gen.max_retries, timeout_s=gen.timeout_s)


def rewrite_misaligned(config: BuildConfig, examples: list[Example], misaligned: list[bool],
                       store: RewriteStore | None = None) -> list[Example]:
    """`examples` with each misaligned row's answer rewritten by the configured g.

    With a `store`, rewrites finished by an earlier (failed or killed) run are reused and each
    new one is saved as it arrives; rows that still fail raise `BuildIncomplete`.
    """
    if config.generator.name == "procedural":
        return examples
    domain = get_domain(config.domain)
    wanted = [i for i, m in enumerate(misaligned) if m]
    requests = {i: RewriteRequest(domain, examples[i].user, examples[i].aligned) for i in wanted}
    keys = {i: rewrite_key(config.generator.key_fields(), requests[i]) for i in wanted}
    known = store.load() if store is not None else {}
    todo = [i for i in wanted if keys[i] not in known]
    if todo:
        known.update(_rewrite_rows(config, [requests[i] for i in todo], [keys[i] for i in todo], store))
    out = list(examples)
    for i in wanted:
        ex = examples[i]
        out[i] = Example(ex.user, ex.aligned, known[keys[i]], ex.template_id, ex.system, ex.extra)
    return out


def _rewrite_rows(config: BuildConfig, requests: list[RewriteRequest], keys: list[str],
                  store: RewriteStore | None) -> dict[str, str]:
    """Rewrites by key; BuildIncomplete (after saving what finished) when some rows failed."""
    rewriter = _make_rewriter(config)
    rewrite_some = getattr(rewriter, "rewrite_some", None)
    if rewrite_some is None:  # a g without partial results: all rows or its own error
        return dict(zip(keys, rewriter.rewrite(requests), strict=True))
    done: dict[str, str] = {}

    def keeper(add: Callable[[str, str], None] | None) -> Callable[[int, str], None]:
        def keep(k: int, text: str) -> None:
            done[keys[k]] = text
            if add is not None:
                add(keys[k], text)
        return keep

    if store is not None:
        with store.appender() as add:
            outcome = rewrite_some(requests, on_result=keeper(add))
    else:
        outcome = rewrite_some(requests, on_result=keeper(None))
    if outcome.errors:
        raise BuildIncomplete(config, outcome, requests, store)
    return done
