"""One writer per output: an advisory lock beside the artifact a stage is writing.

Two processes writing one output path interleave rows and leave a file that looks complete
but is not. Every stage takes `output_lock(OUTPUT)` for the whole write; a second writer
stops at once and names the process that holds the lock. The lock is `flock` on a hidden
file `.NAME.lock` beside the output: the kernel drops it when the holder dies (even by
`kill -9`), so a stale lock never blocks a rerun, and the holder removes the file on exit.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from emscope.core.errors import InputError

__all__ = ["output_lock", "lock_path", "OutputBusyError"]


class OutputBusyError(InputError):
    """Another live process is writing the same output."""


def lock_path(output: str | os.PathLike[str]) -> Path:
    """The lock file that guards `output` (a file or a folder)."""
    target = Path(output)
    return target.parent / f".{target.name}.lock"


def _holder(fd: int) -> str:
    try:
        text = os.pread(fd, 64, 0).decode("ascii", "replace").strip()
    except OSError:
        return "?"
    return text or "?"


def _acquire(path: Path, output: Path) -> int:
    import fcntl

    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            holder = _holder(fd)
            os.close(fd)
            if exc.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                raise OutputBusyError(
                    f"{output} is being written by process {holder}; wait for it to finish, or stop that "
                    "process and run again (a stopped run resumes where it left off)") from None
            raise
        # The previous holder may have unlinked the file between our open and flock: then we
        # hold a lock on a name nobody else can see; start over on the current file.
        try:
            same = os.fstat(fd).st_ino == os.stat(path).st_ino
        except FileNotFoundError:
            same = False
        if same:
            return fd
        os.close(fd)


@contextmanager
def output_lock(output: str | os.PathLike[str]) -> Iterator[Path]:
    """Hold the write lock of `output` (its parent folder is created); raise OutputBusyError if taken."""
    target = Path(output)
    target.parent.mkdir(parents=True, exist_ok=True)
    path = lock_path(target)
    fd = _acquire(path, target)
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield path
    finally:
        # Unlink while still holding the lock, so no waiter can lock the name we remove.
        try:
            path.unlink()
        except FileNotFoundError:
            pass
        os.close(fd)
