"""The supaseed code location: `dagster dev -m supaseed_pipeline.definitions` or `-w workspace.yaml`."""

import dagster as dg

from supaseed_pipeline.defs import automation, checks, planning, seeding
from supaseed_pipeline.defs.resources import SupaseedResource

defs = dg.Definitions(
    assets=[*planning.ASSETS, *seeding.ASSETS],
    asset_checks=checks.CHECKS,
    jobs=automation.JOBS,
    schedules=automation.SCHEDULES,
    sensors=automation.SENSORS,
    resources={"supaseed": SupaseedResource()},
    executor=dg.in_process_executor,
)
