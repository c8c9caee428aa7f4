"""User batches: one partition per `batchSize` users, registered when the table mapping is materialised."""

import dagster as dg

SEED_BATCHES = dg.DynamicPartitionsDefinition(name="seed_batches")
