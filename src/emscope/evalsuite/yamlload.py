"""Limits for the YAML files a user hands emscope: question files and study files.

PyYAML shares aliased nodes, so a "billion laughs" file of a few hundred bytes loads as a
small graph; but everything downstream (pydantic validation, JSON dumps, content keys) walks
it as a tree and exhausts memory. So a file is refused when it is larger than
`MAX_YAML_BYTES`, or when its node tree, with every alias expanded, would hold more than
`MAX_EXPANDED_NODES` values. Real files are far below both: the public EM question files
are tens of kilobytes and use an alias per question for their judge prompts.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from emscope.core.errors import InputError

__all__ = ["MAX_YAML_BYTES", "MAX_EXPANDED_NODES", "read_yaml_text", "check_expansion"]

MAX_YAML_BYTES = 4 * 1024 * 1024
MAX_EXPANDED_NODES = 200_000


def read_yaml_text(path: str | Path, what: str) -> str:
    """The UTF-8 text of a YAML file, refused (InputError naming `what`) when over MAX_YAML_BYTES."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_YAML_BYTES:
            raise InputError(f"{what} {path} is {size / 1e6:.1f} MB; YAML files read by emscope are limited to "
                             f"{MAX_YAML_BYTES / 1e6:.0f} MB: split it or remove what is not needed")
        with path.open("rb") as fh:  # read at most the limit, in case it grows while we read
            data = fh.read(MAX_YAML_BYTES + 1)
    except FileNotFoundError:
        raise InputError(f"{what} {path} not found") from None
    except OSError as exc:
        raise InputError(f"{what} {path}: cannot read it: {exc.strerror or exc}") from None
    if len(data) > MAX_YAML_BYTES:
        raise InputError(f"{what} {path} is over {MAX_YAML_BYTES / 1e6:.0f} MB; split it")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{what} {path}: not UTF-8 (byte {exc.start}); re-save it as UTF-8") from None


def check_expansion(node: yaml.Node | None, source: str) -> None:
    """Refuse a composed document whose alias-expanded tree exceeds MAX_EXPANDED_NODES."""
    if node is None:
        return
    sizes: dict[int, int] = {}  # id(node) -> expanded size; aliases make the graph a DAG
    active: set[int] = set()

    def size(n: yaml.Node) -> int:
        known = sizes.get(id(n))
        if known is not None:
            return known
        if id(n) in active:
            raise InputError(f"{source}: a YAML alias refers to the node that contains it; remove the loop")
        active.add(id(n))
        total = 1
        if isinstance(n, yaml.SequenceNode):
            total += sum(size(c) for c in n.value)
        elif isinstance(n, yaml.MappingNode):
            total += sum(size(k) + size(v) for k, v in n.value)
        active.discard(id(n))
        if total > MAX_EXPANDED_NODES:
            raise InputError(f"{source}: YAML aliases expand this file to more than {MAX_EXPANDED_NODES:,} values "
                             "(an alias bomb?); write the values out or use fewer aliases")
        sizes[id(n)] = total
        return total

    try:
        size(node)
    except RecursionError:
        raise InputError(f"{source}: YAML nested too deeply; flatten it") from None
