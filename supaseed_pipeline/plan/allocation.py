"""All index arithmetic in one place: batches, global counts shared out over batches, and row-index bands.

Values that must be unique are derived from a row index (see generate/random.py), so two batches
may never hand out the same index for the same table. Every band here is a pure function of global
positions (owner position, team number, row number), never of the batch size, so the same seed
and config give the same rows whatever the batch size, and no two batches' bands overlap.
"""

from __future__ import annotations

from dataclasses import dataclass

BASE = "base"
PARTITION_PREFIX = "p"

CONTENT_SLOTS_PER_OWNER = 1_000          # content_index = owner_index * 1000 + k, k in 1..999
ITEM_SLOTS_PER_CONTENT = 64
GENERIC_SLOTS_PER_OWNER = 1_000          # rows of a user-scoped table per owner, at most
MEMBERSHIP_SLOTS_PER_TEAM = 1_000
TEAM_BAND = 1_000_000_000                # team accounts live above every user's index
COUNTED_BAND = 1 << 40                   # tables with a global `count`: row k of the whole seed


@dataclass(frozen=True)
class Partition:
    key: str
    owner_start: int = 0
    owner_count: int = 0

    @property
    def owner_end(self) -> int:
        return self.owner_start + self.owner_count


def partition_key(number: int) -> str:
    return f"{PARTITION_PREFIX}{number:05d}"


def partitions(owners: int, size: int) -> list[Partition]:
    """`base` first, then batches of `size` owners (the last one smaller)."""
    return [Partition(BASE)] + [Partition(partition_key(i), start, min(size, owners - start))
                            for i, start in enumerate(range(0, owners, size))]


def share(total: int, population: int, start: int, count: int) -> tuple[int, int]:
    """The slice (first, n) of `total` things spread evenly over `population` owners that belongs to
    owners [start, start + count): thing k belongs to owner floor(k * population / total).

    The slices of consecutive ranges tile 0..total exactly, whatever the ranges are.
    """
    if total <= 0 or population <= 0:
        return 0, 0
    first = -(-start * total // population)                   # ceil(start * total / population)
    last = -(-(start + count) * total // population)
    return first, last - first


def home_owner(thing: int, total: int, population: int) -> int:
    """The owner position a thing of `share` belongs to."""
    return thing * population // total


def generic_band(batch: Partition, count: int) -> tuple[int, int]:
    """(first row index, rows that fit) of a user-scoped table with per-parent counts in one batch."""
    if batch.key == BASE:
        return 0, count
    return batch.owner_start * GENERIC_SLOTS_PER_OWNER, min(count, max(batch.owner_count, 1) * GENERIC_SLOTS_PER_OWNER)


def counted_band(first_row: int) -> int:
    """Row index of row `first_row` of a table whose total count is configured for the whole seed."""
    return COUNTED_BAND + first_row


def content_band(batch: Partition) -> int:
    return batch.owner_start * CONTENT_SLOTS_PER_OWNER


def item_band(batch: Partition) -> int:
    return batch.owner_start * CONTENT_SLOTS_PER_OWNER * ITEM_SLOTS_PER_CONTENT


def team_band(first_team: int) -> int:
    return TEAM_BAND + first_team


def membership_band(first_team: int) -> int:
    return first_team * MEMBERSHIP_SLOTS_PER_TEAM
