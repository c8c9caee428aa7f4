"""User batches as Dagster partitions: `<target tag>-<engine key>`, kept equal to the current plan.

The tag is a hash of the target's identity, so two databases never share a batch's status. The plan's
keys are registered when it is made (table_mapping); keys it no longer has, or that belong to another
target, are deleted only once a full seed has replaced them (or cleanup removed every row): a run that
is refused or fails after planning leaves the list matching what the target holds.
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


def add_batches(instance: dg.DagsterInstance, keys: list[str]) -> list[str]:
    """Register the batches of `keys` the instance lacks (the others stay): the ones added."""
    known = set(instance.get_dynamic_partitions(SEED_BATCHES.name))
    added = [k for k in keys if k not in known]
    for start in range(0, len(added), SQLITE_CHUNK):
        instance.add_dynamic_partitions(SEED_BATCHES.name, added[start:start + SQLITE_CHUNK])
    return added


def sync_batches(instance: dg.DagsterInstance, keys: list[str]) -> tuple[list[str], list[str]]:
    """Make the instance's batch list exactly `keys`: (added, removed)."""
    wanted = set(keys)
    removed = [k for k in instance.get_dynamic_partitions(SEED_BATCHES.name) if k not in wanted]
    added = add_batches(instance, keys)
    for key in removed:
        instance.delete_dynamic_partition(SEED_BATCHES.name, key)
    return added, removed
