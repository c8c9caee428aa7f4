"""Pure, deterministic Polars generators: (table plan, partition, seed) -> DataFrame. No Dagster here."""
