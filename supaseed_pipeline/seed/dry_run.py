"""`seed --dry-run` as a plain function: the real planner over the selected partitions, nothing written."""

from __future__ import annotations

from dataclasses import dataclass, field

from supaseed_pipeline.db.connect import Target, connect
from supaseed_pipeline.seed import api
from supaseed_pipeline.seed.engine import PartitionResult
from supaseed_pipeline.settings import SeedSettings


@dataclass
class DryRun:
    """Rows per table a seed would write (`planned`), and at most how many more AFTER triggers would make."""

    planned: dict[str, int] = field(default_factory=dict)
    by_triggers: dict[str, int] = field(default_factory=dict)
    left_out: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, results: list[PartitionResult]) -> "DryRun":
        out = cls()
        for result in results:
            for name, count in result.rows.items():
                made = result.by_triggers.get(name, 0)
                out.planned[name] = out.planned.get(name, 0) + count - made
                if made:
                    out.by_triggers[name] = out.by_triggers.get(name, 0) + made
            out.left_out.update(result.left_out)
        return out


def dry_run(target: Target, settings: SeedSettings, partition_keys: list[str] | None = None) -> DryRun:
    api.guard_host(target, settings)
    with connect(target) as conn:
        prepared = api.prepare(conn, settings)
        partitions = api.select_partitions(prepared.engine, conn, partition_keys)
        conn.rollback()
        return DryRun.of(prepared.engine.dry_run(conn, partitions))
