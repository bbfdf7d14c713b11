"""The output lock: a second writer stops at once, a dead holder never blocks, nothing is left behind."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from emscope.core.errors import InputError
from emscope.core.lock import lock_path, output_lock


def test_second_writer_in_another_process_is_refused_with_the_holders_pid(tmp_path):
    out = tmp_path / "judged.jsonl"
    with output_lock(out):
        code = textwrap.dedent(f"""
            from emscope.core.lock import output_lock
            from emscope.core.errors import InputError
            try:
                with output_lock({str(out)!r}):
                    print("acquired")
            except InputError as exc:
                print("refused:", exc)
        """)
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert "refused:" in done.stdout, done.stdout + done.stderr
    assert f"being written by process {os.getpid()}" in done.stdout
    assert not lock_path(out).exists()


def test_lock_is_released_and_removed_after_use_and_on_error(tmp_path):
    out = tmp_path / "sub" / "answers.jsonl"
    with output_lock(out) as path:
        assert path.exists()
    assert not path.exists()
    with pytest.raises(RuntimeError):
        with output_lock(out):
            raise RuntimeError("boom")
    with output_lock(out):  # free again
        pass
    assert list((tmp_path / "sub").iterdir()) == []


def test_a_killed_holder_leaves_no_lock_that_blocks(tmp_path):
    out = tmp_path / "answers.jsonl"
    code = textwrap.dedent(f"""
        import os, signal
        from emscope.core.lock import output_lock
        with output_lock({str(out)!r}):
            os.kill(os.getpid(), signal.SIGKILL)
    """)
    subprocess.run([sys.executable, "-c", code], timeout=60)
    assert lock_path(out).exists()  # the file stays, but the kernel dropped the lock
    with output_lock(out):
        pass
    assert not lock_path(out).exists()


def test_busy_error_is_an_input_error(tmp_path):
    out = tmp_path / "x"
    with output_lock(out):
        with pytest.raises(InputError, match="being written by process"):
            with output_lock(out):
                pass
