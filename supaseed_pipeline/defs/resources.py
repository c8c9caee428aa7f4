"""The one Dagster resource: settings (from the same model the CLI uses) and the target database."""


from typing import Optional

import dagster as dg

from supaseed_pipeline.db import resolve_target
from supaseed_pipeline.db.connect import Target
from supaseed_pipeline.settings import SeedSettings, load_settings


class SupaseedResource(dg.ConfigurableResource):
    """Settings file plus run-time overrides; the database URL comes from the environment, never run config."""

    config_file: Optional[str] = None
    database_url_env: str = "SUPASEED_DATABASE_URL"
    user_count: Optional[int] = None
    setups_per_user: Optional[int] = None
    seed: Optional[int] = None
    batch_size: Optional[int] = None
    domain: Optional[str] = None
    user_strategy: Optional[str] = None
    allow_production: Optional[bool] = None

    def settings(self) -> SeedSettings:
        import os

        overrides = {
            "userCount": self.user_count, "setupsPerUser": self.setups_per_user, "seed": self.seed,
            "batchSize": self.batch_size, "domain": self.domain, "userStrategy": self.user_strategy,
            "allowProduction": self.allow_production,
        }
        if self.database_url_env != "SUPASEED_DATABASE_URL" and os.environ.get(self.database_url_env):
            overrides["databaseUrl"] = os.environ[self.database_url_env]
        return load_settings(self.config_file, overrides)

    def target(self, settings: SeedSettings | None = None) -> Target:
        return resolve_target((settings or self.settings()).target_url())
