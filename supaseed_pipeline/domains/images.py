"""Image URLs for content rows (imagesPerSetup / enableRealImages of the old supa-seed config).

Nothing is downloaded or uploaded: a row gets URLs that serve an image when opened, keyed by the row's
global index so that the same seed gives the same URLs in any batching.

* placeholder (default): ``https://picsum.photos/seed/<token>/800/600``, Lorem Picsum's seeded photo
  (the old tool's mock image provider), one fixed picture per token;
* real (``enableRealImages``): ``https://loremflickr.com/1200/800/<words>?lock=<n>``, a Creative Commons
  photo matching the row's subject (an activity for a setup, a gear category for an item); ``lock``
  pins the picture. The old tool searched Unsplash with an API key at seed time, which a deterministic
  seed without network access cannot do.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from supaseed_pipeline.generate import random as rnd

MAX_IMAGES = 20   # imagesPerSetup upper bound


def image_urls(index: np.ndarray, count: int, seed: int, *, real: bool, keywords: pl.Series, kind: str) -> pl.Series:
    """``count`` image URLs per row as a List(String) Series (empty lists when count is 0)."""
    index = np.asarray(index, dtype=np.int64)
    n = len(index)
    if count <= 0 or n == 0:
        return pl.Series("images", [[] for _ in range(n)], dtype=pl.List(pl.String))
    hashes = np.stack([rnd.hash64(index, rnd.salt(seed, "images", kind, j)) for j in range(count)], axis=1)
    token = pl.Series(hashes.reshape(-1) >> np.uint64(16), dtype=pl.UInt64)
    if real:
        words = keywords.gather(np.repeat(np.arange(n), count))
        flat = pl.select(pl.format("https://loremflickr.com/1200/800/{}?lock={}", words, token % 1_000_000)).to_series()
    else:
        flat = pl.select(pl.format("https://picsum.photos/seed/{}-{}/800/600", pl.lit(kind), token)).to_series()
    return flat.reshape((n, count)).cast(pl.List(pl.String)).alias("images")
