"""The HTML report of ``simulate compare``: one self-contained file (open it anywhere).

Chart: the share of tickets answered within x hours (first response), one line per model,
drawn by uPlot (MIT, vendored in static/simulate/vendor/, inlined into the file with the data
as JSON), plus the comparison table with 95 % confidence intervals.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from django.template.loader import render_to_string

from helpmesh.core import clock
from helpmesh.simulate.compare import ModelResult
from helpmesh.simulate.workload import Workload

STATIC = Path(__file__).parent / "static" / "simulate"
CURVE_POINTS = 60


def first_response_curve(results: list[ModelResult]) -> dict[str, Any]:
    """x: hours; one y series per model: share of tickets answered within x (all runs)."""
    pooled = [np.sort(np.concatenate([r.first_responses for r in m.runs])) for m in results]
    top = max((float(np.quantile(p, 0.95)) for p in pooled if len(p)), default=3600.0)
    grid = np.linspace(0.0, max(top, 60.0), CURVE_POINTS)
    series = [
        (np.searchsorted(p, grid, side="right") / max(len(p), 1)).round(4).tolist() for p in pooled
    ]
    return {"x": (grid / 3600.0).round(3).tolist(), "series": series}


def render(workload: Workload, results: list[ModelResult], figures: list[dict[str, Any]]) -> str:
    """The report as one HTML document."""
    data = {
        "names": [m.name for m in results],
        "curve": first_response_curve(results),
    }
    return render_to_string(
        "simulate/report.html",
        {
            "generated_at": clock.now(),
            "workload": workload,
            "models": [_row(f) for f in figures],
            "data": data,
            "uplot_css": (STATIC / "vendor" / "uPlot.min.css").read_text(encoding="utf-8"),
            "uplot_js": (STATIC / "vendor" / "uPlot.iife.min.js").read_text(encoding="utf-8"),
            "report_css": (STATIC / "report.css").read_text(encoding="utf-8"),
            "report_js": (STATIC / "report.js").read_text(encoding="utf-8"),
        },
    )


def _row(figures: dict[str, Any]) -> dict[str, Any]:
    """One model's figures in display units (hours, percent)."""
    ci = figures["ci95"]
    shares = figures["shares"]
    return {
        "name": figures["name"],
        "first_response_h": figures["first_response_p50_s"] / 3600,
        "first_response_ci": [v / 3600 for v in ci["first_response_p50_s"]],
        "resolution_h": figures["resolution_p50_s"] / 3600,
        "resolution_ci": [v / 3600 for v in ci["resolution_p50_s"]],
        "sla_pct": figures["sla_attainment"] * 100,
        "utilization_pct": figures["utilization"] * 100,
        "self_service_pct": shares["self_service"] * 100,
        "crowd_pct": shares["crowd"] * 100,
        "staff_pct": shares["staff"] * 100,
        "replications": figures["replications"],
    }
