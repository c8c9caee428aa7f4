"""User batches as Dagster partitions: `<target tag>-<engine key>`, kept equal to the current plan.

The tag is a hash of the target's identity, so two databases never share a batch's status. The keys
are registered when the plan is made (table_mapping) and keys the plan no longer has, or that belong
to another target, are deleted from the instance.
"""

import hashlib

import dagster as dg

from supaseed_pipeline.db.connect import Target
from supaseed_pipeline.defs.failures import USAGE, user_failure

SEED_BATCHES = dg.DynamicPartitionsDefinition(name="seed_batches")
SQLITE_CHUNK = 1000   # sqlite limits the number of variables in one insert (dagster issue #16260)


def target_tag(target: Target) -> str:
    return hashlib.sha256(target.identity.encode()).hexdigest()[:8]


def batch_key(target: Target, engine_key: str) -> str:
    return f"{target_tag(target)}-{engine_key}"


def engine_key(target: Target, key: str) -> str:
    """The engine's partition key for a batch key (a bare engine key is accepted too)."""
    tag, sep, rest = key.partition("-")
    if not sep:
        return key
    if tag != target_tag(target):
        raise user_failure(f"batch {key} belongs to another target (this one is tagged {target_tag(target)})",
                           kind=USAGE, hint=f"re-run planning and pick a batch of {target.identity}")
    return rest


def sync_batches(instance: dg.DagsterInstance, keys: list[str]) -> tuple[list[str], list[str]]:
    """Make the instance's batch list exactly `keys`: (added, removed)."""
    known = list(instance.get_dynamic_partitions(SEED_BATCHES.name))
    wanted = set(keys)
    added = [k for k in keys if k not in set(known)]
    removed = [k for k in known if k not in wanted]
    for start in range(0, len(added), SQLITE_CHUNK):
        instance.add_dynamic_partitions(SEED_BATCHES.name, added[start:start + SQLITE_CHUNK])
    for key in removed:
        instance.delete_dynamic_partition(SEED_BATCHES.name, key)
    return added, removed
