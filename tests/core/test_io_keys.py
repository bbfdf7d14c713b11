import json
from pathlib import Path

import pytest

from emscope.core.io import atomic_write_text, read_jsonl, write_jsonl
from emscope.core.keys import canonical_json, content_key


def test_write_jsonl_round_trip_keeps_unicode(tmp_path: Path) -> None:
    rows = [{"a": 1, "t": "héllo ✓"}, {"b": [1, 2]}]
    path = write_jsonl(tmp_path / "sub" / "x.jsonl", rows)
    assert list(read_jsonl(path)) == rows
    assert "✓" in path.read_text(encoding="utf-8")


def test_atomic_write_leaves_no_temp_on_failure(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    atomic_write_text(target, "old")

    class Boom:
        def encode(self, *_: object) -> bytes:
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        atomic_write_text(target, Boom())  # type: ignore[arg-type]
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_content_key_is_order_independent_and_versioned() -> None:
    a = {"x": 1, "y": [1, 2]}
    b = {"y": [1, 2], "x": 1}
    assert canonical_json(a) == canonical_json(b)
    assert content_key(a) == content_key(b)
    assert content_key(a) != content_key({"x": 2, "y": [1, 2]})
    assert content_key(a, schema_version=1) != content_key(a, schema_version=2)
    assert json.loads(canonical_json(a)) == a
