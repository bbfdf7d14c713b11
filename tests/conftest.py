"""Shared test fixtures: paths to the peers' files and small real datasets."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PEERS = REPO.parent / "shared" / "peers"


@pytest.fixture(scope="session")
def peers_dir() -> Path:
    """The public EM research files beside the checkout (../shared/peers)."""
    if not PEERS.is_dir():
        pytest.skip(f"{PEERS} not found (it sits beside the checkout in this project's CI)")
    return PEERS
