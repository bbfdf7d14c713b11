"""Report fixtures: a headless Chromium session (skipped, with the reason, when it is not installed)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.browser import Browser, find_chromium


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    found = find_chromium()
    if isinstance(found, str):
        pytest.skip(found)
    with Browser(width=1280, height=900) as b:
        yield b


def keep_screenshot(path: Path) -> None:
    """Copy a screenshot to $EMSCOPE_SCREENSHOT_DIR when set, for a human to look at."""
    target = os.environ.get("EMSCOPE_SCREENSHOT_DIR")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(target) / path.name)
