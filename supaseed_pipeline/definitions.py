"""The supaseed code location, loaded from the `defs/` folder as `dg` projects are.

`dg dev`, `dg launch --assets '*'`, `dagster dev -w workspace.yaml`, `dagster job execute -m supaseed_pipeline.definitions -j seed_job`.
"""

import warnings
from pathlib import Path

import dagster as dg


def _build() -> dg.Definitions:
    """Everything under defs/, with each asset linked to the file and line that defines it (shown in the UI)."""
    loaded = dg.load_from_defs_folder(path_within_project=Path(__file__).parent)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dg.BetaWarning)   # code references are beta in 1.13
        assets = dg.with_source_code_references(list(loaded.assets or []))
    return dg.Definitions(assets=assets, asset_checks=loaded.asset_checks, jobs=loaded.jobs, schedules=loaded.schedules,
                          sensors=loaded.sensors, resources=loaded.resources, executor=loaded.executor,
                          loggers=loaded.loggers)


# One module-level Definitions (the dagster CLIs refuse two), a plain object so callers can resolve jobs from it.
defs = _build()
