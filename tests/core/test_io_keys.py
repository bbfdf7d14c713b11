import json
from pathlib import Path

import pytest

from emscope.core.errors import InputError
from emscope.core.io import atomic_write_text, expand_jsonl_paths, read_jsonl, write_jsonl
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


# Unicode line separators a model can emit inside an answer (U+2028 was seen from SmolLM2).
_SEPARATORS = "a\u2028b\u2029c\x85d\x1ce\x1df\x1eg\rh"


def test_jsonl_rows_with_unicode_line_separators_stay_one_line(tmp_path: Path) -> None:
    from emscope.core.io import read_jsonl, split_jsonl, write_jsonl

    rows = [{"answer": _SEPARATORS}, {"answer": "next"}]
    path = write_jsonl(tmp_path / "rows.jsonl", rows)
    text = path.read_text(encoding="utf-8")
    assert len(text.splitlines()) == 2 and "\u2028" not in text  # safe even for splitlines() readers
    assert list(read_jsonl(path)) == rows
    assert [json.loads(line) for line in split_jsonl(text)] == rows


def test_readers_split_foreign_jsonl_on_newlines_only(tmp_path: Path) -> None:
    """A file from another tool with the separators raw inside strings still reads row for row."""
    from emscope.core.io import read_jsonl
    from emscope.judge.run import read_answers

    path = tmp_path / "foreign.jsonl"
    rows = [{"question": "q", "answer": _SEPARATORS.replace("\r", "")}, {"question": "q2", "answer": "x"}]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    assert "\u2028" in path.read_text(encoding="utf-8")
    assert list(read_jsonl(path)) == rows
    assert [r["answer"] for r in read_answers(path)] == [r["answer"] for r in rows]


def test_expand_jsonl_paths_files_folders_and_errors(tmp_path: Path) -> None:
    folder = tmp_path / "runs"
    folder.mkdir()
    for name in ("b.jsonl", "a.jsonl", "notes.txt"):
        (folder / name).write_text("{}\n")
    single = tmp_path / "single.jsonl"
    single.write_text("{}\n")
    assert expand_jsonl_paths([single, folder], "judged") == [single, folder / "a.jsonl", folder / "b.jsonl"]
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="empty: folder holds no \\*.jsonl dataset files"):
        expand_jsonl_paths([tmp_path / "empty"], "dataset")
    with pytest.raises(InputError, match="missing.jsonl: no such judged file"):
        expand_jsonl_paths([tmp_path / "missing.jsonl"], "judged")


@pytest.mark.parametrize("umask", [0o022, 0o002, 0o077])
def test_atomic_writes_respect_the_umask_like_a_plain_open(tmp_path: Path, umask: int) -> None:
    # Issue 12 #17: mkstemp's 0600 made report.html, results.json, datasets... private.
    import os
    import stat

    from emscope.core.io import current_umask

    old = os.umask(umask)
    try:
        assert current_umask() == umask
        atomic_write_text(tmp_path / "a.json", "{}")
        write_jsonl(tmp_path / "b.jsonl", [{"x": 1}])
        plain = tmp_path / "c.txt"
        plain.write_text("x")
    finally:
        os.umask(old)
    expected = 0o666 & ~umask
    for name in ("a.json", "b.jsonl", "c.txt"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == expected, name


def test_safetensors_files_get_plain_permissions(tmp_path: Path) -> None:
    # safetensors' save_file writes 0600 (adapters were private while every other artifact was not).
    import os
    import stat

    import torch
    from safetensors.torch import save_file

    from emscope.core.io import current_umask, plain_permissions

    (tmp_path / "adapter").mkdir()
    save_file({"w": torch.zeros(2)}, str(tmp_path / "adapter" / "adapter_model.safetensors"))
    assert stat.S_IMODE((tmp_path / "adapter" / "adapter_model.safetensors").stat().st_mode) == 0o600
    plain_permissions(tmp_path / "adapter")
    expected = 0o666 & ~current_umask()
    assert stat.S_IMODE((tmp_path / "adapter" / "adapter_model.safetensors").stat().st_mode) == expected
    assert os.access(tmp_path / "adapter" / "adapter_model.safetensors", os.R_OK)
