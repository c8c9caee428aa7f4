"""Counter-based randomness: every value is a pure function of (seed, purpose, row index).

Rows therefore do not depend on batch size, partition boundaries or generation order: the same
seed gives the same row i whichever partition produces it.
"""

from __future__ import annotations

import hashlib

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_BLOCK_BITS = 10   # uuids(): row indices per ordered key block = 2**10


def salt(*parts: object) -> int:
    """A stable 64-bit salt for a purpose, e.g. salt(seed, "public.setups", "title")."""
    digest = hashlib.blake2b("\x1f".join(map(str, parts)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little")


def hash64(index: np.ndarray, purpose: int) -> np.ndarray:
    """splitmix64 of (index + purpose): uniform uint64 per row index (in place: one temporary, not five)."""
    z = np.array(index, dtype=np.int64).view(np.uint64)      # always a private copy
    t = np.empty_like(z)
    with np.errstate(over="ignore"):
        z *= _GOLDEN
        z += np.uint64(purpose)
        np.right_shift(z, np.uint64(30), out=t)
        z ^= t
        z *= _M1
        np.right_shift(z, np.uint64(27), out=t)
        z ^= t
        z *= _M2
        np.right_shift(z, np.uint64(31), out=t)
        z ^= t
    return z


def uniform(index: np.ndarray, purpose: int) -> np.ndarray:
    """Floats in [0, 1)."""
    return (hash64(index, purpose) >> np.uint64(11)).astype(np.float64) * (1.0 / (1 << 53))


def integers(index: np.ndarray, purpose: int, low: int, high: int) -> np.ndarray:
    """Integers in [low, high] (inclusive)."""
    span = max(int(high) - int(low) + 1, 1)
    return (np.floor(uniform(index, purpose) * span)).astype(np.int64) + int(low)


def choose(index: np.ndarray, purpose: int, n: int) -> np.ndarray:
    """Indices in [0, n)."""
    return np.minimum((uniform(index, purpose) * n).astype(np.int64), n - 1)


def weighted(index: np.ndarray, purpose: int, weights: list[float] | np.ndarray) -> np.ndarray:
    """Indices in [0, len(weights)) drawn with the given weights."""
    cumulative = np.cumsum(np.asarray(weights, dtype=np.float64))
    return np.searchsorted(cumulative / cumulative[-1], uniform(index, purpose), side="right").clip(0, len(cumulative) - 1)


def power_law(index: np.ndarray, purpose: int, n: int, exponent: float = 1.2) -> np.ndarray:
    """Indices in [0, n) where low indices are much more frequent ("some users have many setups")."""
    u = uniform(index, purpose)
    return np.minimum((n * u ** (1.0 + exponent)).astype(np.int64), n - 1)


def uuids(index: np.ndarray, purpose: int) -> pl.Series:
    """Version-4-shaped UUID strings, unique per purpose by construction (the low half encodes the index).

    The first 32 bits are fixed per purpose (seed + table) and the next 28 bits (around the version
    nibble) hold ``index >> 10``, so keys sort in blocks of 1024 row indices: rows seeded together
    insert at the right edge of the B-tree, and FK lookups of consecutive parents hit the same pages,
    instead of landing at random positions of indexes that outgrow shared_buffers. Within a block
    the order is random-looking; uniqueness comes from the low half alone.
    """
    unsigned = index.astype(np.uint64)
    block = (unsigned >> np.uint64(_BLOCK_BITS)) & np.uint64(0x0FFF_FFFF)
    high = ((np.uint64(purpose) & np.uint64(0xFFFF_FFFF_0000_0000)) | ((block >> np.uint64(12)) << np.uint64(16))
            | np.uint64(0x4000) | (block & np.uint64(0x0FFF)))
    with np.errstate(over="ignore"):
        # multiplying by an odd constant is a bijection on 62 bits: unique, yet random-looking
        low = (unsigned * np.uint64(0x2545F4914F6CDD1D)) & np.uint64((1 << 62) - 1)
    low = low | np.uint64(0x8000000000000000)
    raw = np.empty((len(index), 2), dtype=">u8")
    raw[:, 0] = high
    raw[:, 1] = low
    return pl.Series(_hex_uuid_text(raw.view(np.uint8).reshape(-1, 16)))


def hex_tokens(index: np.ndarray, purpose: int) -> pl.Series:
    """32 random-looking hex digits per row (tokens, key hashes), unique per purpose: the first 16 are
    hash64 of the index, a bijection of it (an odd multiplier, xor-shifts), the rest another draw."""
    raw = np.empty((len(index), 2), dtype=">u8")
    raw[:, 0] = hash64(index, purpose)
    raw[:, 1] = hash64(index, purpose ^ 0x5DEECE66D)
    rows = len(index)
    digits = np.asarray(pc.take(_HEX_PAIRS, pa.array(raw.view(np.uint8).reshape(-1)))).view(np.uint8)
    offsets = np.arange(0, 32 * (rows + 1), 32, dtype=np.int64)
    return pl.Series(pa.LargeStringArray.from_buffers(rows, pa.py_buffer(offsets), pa.py_buffer(digits.copy())))


# byte -> its two lower-case hex digits, as the uint16 those two characters make in memory; an Arrow array,
# as Arrow's take reads uint8 indices as they are (numpy's take first copies them to 8-byte ones: 66 -> 38 ns a uuid)
_HEX_PAIRS = pa.array(np.frombuffer(b"".join(f"{b:02x}".encode() for b in range(256)), dtype=np.uint16))
# the canonical uuid spelling: (start, stop) of each group of hex digits in the 36 characters, and the dashes
UUID_GROUPS = [(0, 8), (9, 13), (14, 18), (19, 23), (24, 36)]
UUID_DASHES = [8, 13, 18, 23]


def _hex_uuid_text(raw: np.ndarray) -> pa.Array:
    """16 bytes per row -> 'xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx' strings, without a Python loop: one table
    lookup per byte, then the five digit groups copied as slices (21M uuids in a 1M-user seed)."""
    rows = raw.shape[0]
    digits = np.asarray(pc.take(_HEX_PAIRS, pa.array(raw.reshape(-1)))).view(np.uint8).reshape(rows, 32)
    text = np.empty((rows, 36), dtype=np.uint8)
    text[:, UUID_DASHES] = ord("-")
    taken = 0
    for start, stop in UUID_GROUPS:
        text[:, start:stop] = digits[:, taken:taken + stop - start]
        taken += stop - start
    offsets = np.arange(0, 36 * (rows + 1), 36, dtype=np.int64)
    return pa.LargeStringArray.from_buffers(rows, pa.py_buffer(offsets), pa.py_buffer(text))
