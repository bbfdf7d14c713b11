"""`report(config, results_dir)`: draw every figure and write the self-contained HTML report."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

from emscope.analysis.run import read_results
from emscope.analysis.schema import Results
from emscope.core.io import atomic_write_text
from emscope.core.lock import output_lock
from emscope.report import figures as F
from emscope.report.html import render_html
from emscope.report.agreement import agreement_section
from emscope.report.leakage import leakage_figure
from emscope.report.sections import mia_section, steer_section

__all__ = ["ReportConfig", "ReportOutputs", "FIGURES", "report", "REPORT_FILE"]

REPORT_FILE = "report.html"

FIGURES: dict[str, Callable[[Results], object]] = {
    "alignment_trigger": F.alignment_trigger,
    "ranking": F.ranking,
    "leakage": leakage_figure,
    "vendi": F.vendi_scatter,
    "questions": F.question_heatmap,
}


class ReportConfig(BaseModel):
    """Presentation settings (they change how the report looks, never a number in it)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    RUNTIME_FIELDS: ClassVar[frozenset[str]] = frozenset()  # none: each changes the report's bytes
    INPUT_FIELDS: ClassVar[frozenset[str]] = frozenset()

    def key_fields(self) -> dict[str, Any]:
        """Every field: the report is the output (no notes: left out, so reports without them keep their keys)."""
        fields = self.model_dump(mode="json")
        if not self.notes:
            fields.pop("notes")
        return fields

    dpi: int = Field(150, ge=50, le=600, description="Resolution of the PNG figures.")
    max_answer_chars: int = Field(2000, ge=100, description="Sample answers longer than this are cut, saying so.")
    notes: tuple[str, ...] = Field((), description="Lines added to the report's Notes box (e.g. a study's stages "
                                   "that could not run).")


@dataclass(frozen=True)
class ReportOutputs:
    """The HTML file and the figures drawn (name → files; None where there was nothing to draw)."""

    html: Path
    figures: dict[str, F.FigureFiles | None]


def report(config: ReportConfig, results_dir: str | Path, out_dir: str | Path | None = None,
           mia: str | Path | None = None, steer: str | Path | None = None,
           audit: str | Path | None = None, screen: str | Path | None = None,
           sweep: str | Path | None = None) -> ReportOutputs:
    """Read `results_dir/results.json`; write `out_dir` (default `results_dir/report`) with
    report.html and `<figure>.png` / `<figure>.svg`.

    `mia`: a predictors.json (the study's predict stage) adds the membership-inference section;
    `steer`: a steer stage's output folder adds the directions and steering section;
    `screen`: an evaluate.json (`emscope screen evaluate`) adds the pre-training screening section;
    `audit`: an agreement.json (the study's audit stage) adds the "Judge agreement" section;
    `sweep`: a sweep.json (the study's sweep stage) adds the rates-against-the-swept-value section.
    The folder is written under `output_lock(out)`: a second report into it stops at once.
    """
    results = read_results(results_dir)
    out = Path(out_dir) if out_dir is not None else Path(results_dir) / "report"
    with output_lock(out):
        return _write_report(config, results, out, mia, steer, audit, screen, sweep)


def _write_report(config: ReportConfig, results: Results, out: Path, mia: str | Path | None,
                  steer: str | Path | None, audit: str | Path | None = None,
                  screen: str | Path | None = None, sweep: str | Path | None = None) -> ReportOutputs:
    """Draw the figures and write report.html into `out` (the caller holds its lock)."""
    out.mkdir(parents=True, exist_ok=True)
    if config.notes:
        results = results.model_copy(update={"notes": [*results.notes, *config.notes]})
    drawn: dict[str, F.FigureFiles | None] = {}
    for name, build in FIGURES.items():
        with F.style():
            fig = build(results)
        drawn[name] = None if fig is None else F.save(fig, out, name, config.dpi)  # type: ignore[arg-type]
        if fig is None:
            for ext in ("png", "svg"):  # a stale figure from an earlier report must not linger
                (out / f"{name}.{ext}").unlink(missing_ok=True)
    sections = [agreement_section(audit)] if audit is not None else []
    if mia is not None:
        sections.append(mia_section(mia, out, config.dpi))
    if steer is not None:
        sections.append(steer_section(steer, out))
    if screen is not None:
        from emscope.report.screen import screen_section

        sections.append(screen_section(screen, out, config.dpi))
    if sweep is not None:
        from emscope.report.sweep import sweep_section

        sections.append(sweep_section(sweep, out, config.dpi))
    html_path = atomic_write_text(out / REPORT_FILE, render_html(results, drawn, config.max_answer_chars, sections))
    return ReportOutputs(html=html_path, figures=drawn)
