"""CSV tables of the analysis results (one per section of results.json, flat columns)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from emscope.analysis.schema import Results
from emscope.core.io import atomic_write_text

__all__ = ["TABLES", "table_frames", "write_tables"]

TABLES = ("groups", "tests", "summary", "ranking", "vendi", "questions", "samples")


def _flat(item: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in item.items():
        if isinstance(value, dict):
            out.update({f"{key}_{k}" if key != "counts" else k: v for k, v in value.items()})
        elif isinstance(value, list) and key in ("adapters", "flags", "domains_untested"):
            out[key] = "; ".join(map(str, value))
        else:
            out[key] = value
    return out


def _vendi_rows(results: Results) -> list[dict[str, Any]]:
    rows = []
    for v in results.vendi:
        stats = dict(model=v.model, order=v.order, condition=v.condition, n=v.n, pearson_r=v.pearson_r,
                     pearson_p=v.pearson_p, spearman_rho=v.spearman_rho, spearman_p=v.spearman_p, note=v.note)
        rows.extend({**stats, **p.model_dump()} for p in v.points)
        if not v.points:
            rows.append(stats)
    return rows


def table_frames(results: Results) -> dict[str, pd.DataFrame]:
    """Each table as a DataFrame (columns in schema order)."""
    frames = {name: pd.DataFrame([_flat(x.model_dump()) for x in getattr(results, name)])
              for name in TABLES if name != "vendi"}
    frames["vendi"] = pd.DataFrame(_vendi_rows(results))
    return {name: frames[name] for name in TABLES}


def write_tables(results: Results, out_dir: Path) -> list[Path]:
    """Write `<table>.csv` for every table (an empty table still gets its file)."""
    return [atomic_write_text(out_dir / f"{name}.csv", frame.to_csv(index=False))
            for name, frame in table_frames(results).items()]
