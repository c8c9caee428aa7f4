"""A framework's own machinery in the database — migration logs, job queues, caches: never seeded, never scored."""

from __future__ import annotations

from supaseed_pipeline.snapshot.models import Table

# What migration tools record in the database (Prisma, Django, Rails, Knex, Alembic, Flyway, Liquibase, Sequelize,
# Diesel, goose, EF Core, Drizzle, Kysely, node-pg-migrate, MikroORM, Payload): rows there say which migrations
# ran, and a made-up one breaks the tool's next run; Laravel's and TypeORM's plain `migrations` by their columns.
# TypeORM's typeorm_metadata (no key) holds the view and generated-column definitions its schema diff reads.
MIGRATION_LOGS = {"_prisma_migrations", "django_migrations", "schema_migrations", "ar_internal_metadata", "knex_migrations",
                  "knex_migrations_lock", "alembic_version", "flyway_schema_history", "schema_version", "databasechangelog",
                  "databasechangeloglock", "sequelizemeta", "__diesel_schema_migrations", "goose_db_version",
                  "__efmigrationshistory", "__drizzle_migrations", "kysely_migration", "kysely_migration_lock",
                  "pgmigrations", "mikro_orm_migrations", "payload_migrations", "typeorm_metadata"}
MIGRATION_LOG_COLUMNS = ({"id", "migration", "batch"}, {"id", "timestamp", "name"})
# A framework's job queue, scheduler and cache (Laravel, Rails' Solid Queue / GoodJob / Delayed Job / Que, Celery
# beat and results): a worker would run a made-up job, a scheduler schedule a made-up task.
QUEUE_TABLES = {"jobs", "job_batches", "failed_jobs", "cache", "cache_locks", "delayed_jobs", "good_jobs", "que_jobs",
                "solid_cache_entries", "solid_cable_messages", "celery_taskmeta", "celery_tasksetmeta", "query-result-cache"}
QUEUE_PREFIXES = ("solid_queue_", "good_job_", "django_celery_beat_", "django_celery_results_")
QUEUE_COLUMNS = {"jobs": {"queue", "payload", "attempts"}, "cache": {"key", "value", "expiration"}}   # Laravel's


def framework_table(table: Table) -> str | None:
    """Why the table is a framework's own machinery that is never seeded (a migration log, a job queue), or None."""
    name, columns = table.name.lower(), {c.name for c in table.columns}
    if name in MIGRATION_LOGS or (name == "migrations" and columns in MIGRATION_LOG_COLUMNS):
        return "a migration log: its rows record which migrations ran"
    if name in QUEUE_COLUMNS and not QUEUE_COLUMNS[name] <= columns:
        return None    # an app's own `jobs` (job postings) or `cache`
    if name in QUEUE_TABLES or name.startswith(QUEUE_PREFIXES):
        return "a job queue, scheduler or cache: a worker would act on the rows"
    return None
