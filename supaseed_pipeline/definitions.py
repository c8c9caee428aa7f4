"""The supaseed code location, loaded from the `defs/` folder as `dg` projects are.

`dg dev`, `dg launch --assets '*'`, `dagster dev -w workspace.yaml`, `dagster job execute -m supaseed_pipeline.definitions -j seed_job`.
"""

import warnings
from pathlib import Path

import dagster as dg

_loaded = dg.load_from_defs_folder(path_within_project=Path(__file__).parent)

with warnings.catch_warnings():
    warnings.simplefilter("ignore", dg.BetaWarning)   # code references are beta in 1.13; the UI shows them fine
    _assets = dg.with_source_code_references(list(_loaded.assets or []))

# The same definitions, with each asset linked to the file and line that defines it (shown in the UI).
defs = dg.Definitions(
    assets=_assets,
    asset_checks=_loaded.asset_checks,
    jobs=_loaded.jobs,
    schedules=_loaded.schedules,
    sensors=_loaded.sensors,
    resources=_loaded.resources,
    executor=_loaded.executor,
    loggers=_loaded.loggers,
)
