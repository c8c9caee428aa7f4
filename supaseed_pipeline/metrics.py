"""Figures every stage reports: rows, rows/s, peak memory, and a masked preview of the first rows."""

from __future__ import annotations

import re
import resource
import sys

import polars as pl

from supaseed_pipeline.errors import redact

SECRET_COLUMN = re.compile(r"password|passwd|hash|token|secret|api_?key|service_?key", re.IGNORECASE)


def peak_rss_mb() -> float:
    """Peak resident memory of this process (MB)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024, 1)


def masked_preview(frame: pl.DataFrame, rows: int = 5, width: int = 40) -> str:
    """A markdown table of the first rows, secret columns masked and long values cut."""
    head = frame.head(rows)
    columns = head.columns[:12]
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for record in head.select(columns).iter_rows():
        cells = []
        for name, value in zip(columns, record):
            text = "***" if SECRET_COLUMN.search(name) and value not in (None, "") else ("" if value is None else str(value))
            text = redact(text).replace("|", "\\|").replace("\n", " ")
            cells.append(text if len(text) <= width else text[: width - 1] + "…")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
