"""Optional report sections refuse unusable inputs with a message naming the file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from emscope.core.errors import InputError
from emscope.report.sections import mia_section, steer_section


def test_mia_section_needs_a_readable_predictors_object(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"cannot read MIA predictors .*nope\.json.*pass the file the stage wrote"):
        mia_section(tmp_path / "nope.json", tmp_path)
    listed = tmp_path / "list.json"
    listed.write_text("[1, 2]")
    with pytest.raises(InputError, match=r"list\.json: expected a JSON object \(MIA predictors\), got list"):
        mia_section(listed, tmp_path)
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    with pytest.raises(InputError, match=r"cannot read MIA predictors .*broken\.json"):
        mia_section(broken, tmp_path)


def test_steer_section_names_a_missing_figure(tmp_path: Path) -> None:
    steer = tmp_path / "steer"
    steer.mkdir()
    (steer / "results.json").write_text(json.dumps({"manifest": {"figures": {"cross_domain": "cross_domain.png"}}}))
    out = tmp_path / "report"
    out.mkdir()
    with pytest.raises(InputError, match=r"cross_domain\.png named in .*results\.json is missing; pass a complete"):
        steer_section(steer, out)
    assert list(out.iterdir()) == []  # nothing half-copied
