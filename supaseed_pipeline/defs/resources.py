"""Resources: settings plus target (`supaseed`) and the planning documents IO manager."""

import os
from typing import Optional

import dagster as dg
from pydantic import Field

from supaseed_pipeline import run_settings
from supaseed_pipeline.db import resolve_target
from supaseed_pipeline.defs.console import supaseed_console
from supaseed_pipeline.defs.failures import USAGE, user_failure
from supaseed_pipeline.db.connect import Target
from supaseed_pipeline.documents import load_document_text, save_document
from supaseed_pipeline.plan.graph import ConstraintGraph
from supaseed_pipeline.plan.mapping import TableMapping
from supaseed_pipeline.settings import SeedSettings, load_settings
from supaseed_pipeline.snapshot.models import SchemaSnapshot

TARGET_TAG = "supaseed/target"   # a run's target identity (host:port/dbname, no credentials)


class SupaseedResource(dg.ConfigurableResource):
    """Settings file plus run-time overrides; the database URL comes from the environment, never run config.

    A `supaseed` command running the job in its own process registers its resolved settings (flags, `.env`,
    the target URL) and passes only `settings_token`; those settings then win over every other field.
    """

    settings_token: Optional[str] = Field(
        default=None, description="Set by the supaseed CLI: an opaque key of the settings it resolved, valid in its "
                                  "own process only (elsewhere the fields below apply).")
    config_file: Optional[str] = None
    # Bound to dg.EnvVar("SUPASEED_DATABASE_URL") in the definitions: run config records the variable's name only.
    database_url: Optional[str] = None
    user_count: Optional[int] = None
    setups_per_user: Optional[int] = None
    seed: Optional[int] = None
    batch_size: Optional[int] = None
    domain: Optional[str] = None
    user_strategy: Optional[str] = None
    allow_production: Optional[bool] = None

    def settings(self) -> SeedSettings:
        handed = run_settings.lookup(self.settings_token)
        if handed is not None:
            return handed
        overrides = {
            "userCount": self.user_count, "setupsPerUser": self.setups_per_user, "seed": self.seed,
            "batchSize": self.batch_size, "domain": self.domain, "userStrategy": self.user_strategy,
            "allowProduction": self.allow_production, "databaseUrl": self.database_url,
        }
        return load_settings(self.config_file, overrides)

    def handed_snapshot(self) -> SchemaSnapshot | None:
        """The snapshot the launching command planned with (same process only), so the run reads the catalog once."""
        return run_settings.lookup_snapshot(self.settings_token)

    def target(self, settings: SeedSettings | None = None) -> Target:
        return resolve_target((settings or self.settings()).target_url())

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        """A CLI run re-executed elsewhere (the UI, a code server) must not seed another database than it did."""
        run = context.dagster_run
        if not self.settings_token or run_settings.lookup(self.settings_token) is not None or run is None:
            return
        launched_for = run.tags.get(TARGET_TAG)
        here = self.target().identity
        if launched_for and launched_for != here:
            raise user_failure(f"this run was started by `supaseed` for {launched_for}; its settings lived in that "
                               f"command's process, and here the target is {here}",
                               hint="run `supaseed seed` again, or launch a new run here")


# How each planning document is read back (the snapshot keeps its fingerprint in the document).
DOCUMENT_MODELS = {
    "schema_snapshot": SchemaSnapshot.from_json,
    "constraint_graph": ConstraintGraph.model_validate_json,
    "table_mapping": TableMapping.model_validate_json,
}


class PlanningDocuments(dg.ConfigurableIOManager):
    """Planning outputs live as the JSON documents supaseed always wrote (`<data>/documents/<target>/<name>.json`).

    Downstream assets load exactly what upstream stored, in this run or a later one, and a person can
    read or diff the same files.
    """

    supaseed: dg.ResourceDependency[SupaseedResource]

    def handle_output(self, context: dg.OutputContext, obj) -> None:
        name = context.asset_key.path[-1]
        if isinstance(obj, SchemaSnapshot):
            path = save_document(self.supaseed.target(), name, obj.to_json(), archive_as=obj.fingerprint)
        else:
            path = save_document(self.supaseed.target(), name, obj.model_dump_json(indent=1))
        context.add_output_metadata({"document": dg.MetadataValue.path(str(path))})

    def load_input(self, context: dg.InputContext):
        name = context.upstream_output.asset_key.path[-1]
        target = self.supaseed.target()
        text = load_document_text(target, name)
        if text is None:
            raise user_failure(f"no {name} document is stored for {target.identity}", kind=USAGE,
                               hint="materialize the planning group (schema_snapshot, constraint_graph, table_mapping) first")
        return DOCUMENT_MODELS[name](text)


def database_url_binding() -> Optional[dg.EnvVar]:
    """dg.EnvVar when the variable is set; otherwise settings fall back to the config file or the embedded server."""
    return dg.EnvVar("SUPASEED_DATABASE_URL") if os.environ.get("SUPASEED_DATABASE_URL") else None


@dg.definitions
def resources() -> dg.Definitions:
    # configured at launch, so the IO manager's nested `supaseed` is the run's configured resource (with the
    # CLI's settings_token), not a second copy built from these defaults
    supaseed = SupaseedResource.configure_at_launch(database_url=database_url_binding())
    return dg.Definitions(
        resources={"supaseed": supaseed, "planning_documents": PlanningDocuments(supaseed=supaseed)},
        # one process: steps share nothing in memory, but a CI run is 3x faster without a subprocess per step
        executor=dg.in_process_executor,
        # INFO, not DEBUG, and user errors in one line (jobs also set INFO in their default run config)
        loggers={"console": supaseed_console},
    )
