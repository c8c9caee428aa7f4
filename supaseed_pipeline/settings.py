"""The one configuration model shared by the CLI and the Dagster jobs.

It accepts the old Node tool's `supaseed.json` shape (camelCase keys) as well as snake_case, reads
JSON or YAML, and lets environment variables and command-line flags override the file.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlparse

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, SecretStr, ValidationError, field_validator, model_validator
from pydantic.alias_generators import to_camel

from supaseed_pipeline import environment
from supaseed_pipeline.config_files import read_config_file
from supaseed_pipeline.errors import ConfigError, redact, register_secret

# ledgerSchema: a plain lower-case identifier, so the name is the same quoted or not and needs no escaping
LEDGER_SCHEMA_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")
# MakerKit's test logins (its seed's test@, owner@, ...), made by the old tool's createStandardTestEmails
STANDARD_TEST_LOGINS = ("test", "owner", "member", "custom", "super-admin")
DEFAULT_TEST_EMAIL_DOMAIN = "supaseed.test"   # the old tool's default emailDomain
EMAIL_DOMAIN = re.compile(r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+")
DEFAULT_CONFIG_FILES = ("supaseed.json", "supaseed.yaml", "supaseed.yml")
MAX_ROWS = 100_000_000
# Tables outside the user batches (lookups, "everything else") are generated as one frame per table,
# so their size is bounded by memory: 100M rows of four columns took over 6 GB and aborted in Polars.
# Bigger tables grow through userCount (batched) and tables.<name>.perParent.
MAX_ROWS_PER_TABLE = 1_000_000


def _is_number_type(annotation: Any) -> bool:
    """int/float fields (optionally `| None`) that do not also accept a boolean."""
    args = set(getattr(annotation, "__args__", ())) or {annotation}
    return bool(args & {int, float}) and bool not in args and args <= {int, float, type(None)}


class _Model(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="forbid", validate_default=True
    )

    @field_validator("*", mode="before")
    @classmethod
    def _numbers_are_not_booleans(cls, value: Any, info) -> Any:
        # pydantic's lax mode reads `true` as 1: "userCount": true would seed one user
        if isinstance(value, bool) and _is_number_type(cls.model_fields[info.field_name].annotation):
            raise ValueError("expected a number, got a boolean")
        return value


class ExistingUsers(_Model):
    # The old tool's promise that existing users are left as they are. supaseed never changes or deletes a
    # row it did not create, so `false` (modify or replace them) is refused rather than silently ignored.
    preserve: bool = True
    table: str | None = None
    # Column equality filter, e.g. {"is_personal_account": true}; a string "col = value" is accepted too.
    filter: dict[str, str | int | float | bool | None] = Field(default_factory=dict)

    @field_validator("preserve")
    @classmethod
    def _always_preserved(cls, value: bool) -> bool:
        if not value:
            raise ValueError("supaseed never changes or deletes rows it did not create, so existing users are always "
                             "preserved; remove the key or set it to true")
        return value

    @field_validator("filter", mode="before")
    @classmethod
    def _parse_filter(cls, value: Any) -> Any:
        if isinstance(value, str):
            parsed: dict[str, Any] = {}
            for clause in filter(None, (c.strip() for c in value.replace(" AND ", " and ").split(" and "))):
                column, sep, literal = clause.partition("=")
                if not sep or not column.strip().replace("_", "").isalnum():
                    raise ValueError(f"expected 'column = value' clauses joined by 'and', got {clause!r}")
                literal = literal.strip().strip("'\"")
                parsed[column.strip()] = {"true": True, "false": False, "null": None}.get(literal.lower(), literal)
            return parsed
        return value


class AdditionalUsers(_Model):
    count: int = Field(default=0, ge=0, le=MAX_ROWS)
    personas: list[str] = Field(default_factory=list)


class UserTableFields(_Model):
    # the old tool's userTable.name: the table holding users or their profiles (= primaryUserTable)
    name: str | None = None
    # the column holding the user's id there: its primary key or the column that references auth.users
    id_field: str | None = None
    email_field: str | None = None
    name_field: str | None = None
    picture_field: str | None = None
    bio_field: str | None = None


class SetupsTable(_Model):
    name: str | None = None
    user_field: str | None = None
    # the old tool's names for the columns holding the domain's title, description, category (activity) and
    # public flag, where they are not found by their usual names (content.py SYNONYMS)
    title_field: str | None = None
    description_field: str | None = None
    category_field: str | None = None
    public_field: str | None = None

    def content_columns(self) -> dict[str, str]:
        """column -> the domain's logical column it holds."""
        given = {self.title_field: "title", self.description_field: "description",
                 self.category_field: "activity", self.public_field: "is_public"}
        return {column: logical for column, logical in given.items() if column}


# the old tool's optionalTables: its tables, seeded when present unless set to false
OPTIONAL_TABLES = {"categories": "categories", "baseTemplates": "base_templates", "gearItems": "gear_items"}


class SchemaMapping(_Model):
    """Overrides for the logical roles the table mapping resolves (detection fills the rest)."""

    # "makerkit" (the old tool's value) = whichever MakerKit variant detection finds
    framework: Literal["auto", "makerkit", "makerkit-full", "makerkit-lite", "supabase", "postgres", "custom"] = "auto"
    primary_user_table: str | None = None
    user_table: UserTableFields = Field(default_factory=UserTableFields)
    account_table: str | None = None
    account_user_field: str | None = None
    setups_table: SetupsTable = Field(default_factory=SetupsTable)
    setup_types_table: str | None = None
    gear_items_table: str | None = None
    optional_tables: dict[str, bool] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _old_setup_table(cls, data: Any) -> Any:
        # the old tool spelled it both ways (setupTable in its config types, setupsTable in its README)
        if isinstance(data, dict) and "setupTable" in data:
            if "setupsTable" in data:
                raise ValueError("setupTable and setupsTable both given; keep one")
            data = {**data, "setupsTable": data["setupTable"]}
            del data["setupTable"]
        return data

    @field_validator("optional_tables")
    @classmethod
    def _known_optional_tables(cls, value: dict[str, bool]) -> dict[str, bool]:
        unknown = sorted(set(value) - set(OPTIONAL_TABLES))
        if unknown:
            raise ValueError(f"unknown optional table {', '.join(unknown)}; known: {', '.join(OPTIONAL_TABLES)} "
                             "(to leave out any other table: tables.<name>.skip)")
        return value

    def left_out_tables(self) -> dict[str, str]:
        """Table name -> why: the old tool's optionalTables set to false."""
        return {OPTIONAL_TABLES[key]: f"optionalTables.{key} is false" for key, wanted in self.optional_tables.items()
                if not wanted}

    @model_validator(mode="after")
    def _one_user_table(self) -> "SchemaMapping":
        name = self.user_table.name
        if name and self.primary_user_table and name != self.primary_user_table:
            raise ValueError(f"userTable.name '{name}' and primaryUserTable '{self.primary_user_table}' "
                             "name different tables; keep one")
        return self

    @property
    def user_table_name(self) -> str | None:
        """primaryUserTable, or the old tool's userTable.name."""
        return self.primary_user_table or self.user_table.name


class ColumnOverride(_Model):
    """One column's values: a constant, a choice list, a pattern ({i} = row index), or a callable."""

    value: str | int | float | bool | None = None
    choices: list[str | int | float | bool] | None = None
    pattern: str | None = None
    # "package.module:function" returning a polars expression; it receives the row-index expression.
    expression: str | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> "ColumnOverride":
        given = [k for k in ("value", "choices", "pattern", "expression") if getattr(self, k) is not None]
        if len(given) > 1:
            raise ValueError(f"give one of value, choices, pattern, expression (got {', '.join(given)})")
        if self.choices is not None and not self.choices:
            raise ValueError("choices must not be empty")
        return self


class TableSettings(_Model):
    count: int | None = Field(default=None, ge=0, le=MAX_ROWS)
    per_parent: float | None = Field(default=None, ge=0, le=10_000)
    # how child rows spread over their parents: evenly, or a few parents with many children
    distribution: Literal["uniform", "power_law"] = "uniform"
    skip: bool = False
    columns: dict[str, ColumnOverride] = Field(default_factory=dict)


class DomainExtension(_Model):
    enabled: bool = True
    settings: dict[str, Any] = Field(default_factory=dict)


class Tenants(_Model):
    count: int = Field(default=2, ge=0, le=MAX_ROWS)
    members_per_tenant: int = Field(default=3, ge=0, le=10_000)


class AiSettings(_Model):
    """Model-written free text from a local Ollama server (supaseed_pipeline/ai): pools cached on disk."""

    enabled: bool = False
    model: str = "llama3.1:latest"
    host: str | None = None              # $OLLAMA_HOST wins; default http://127.0.0.1:11434
    pool_size: int = Field(default=24, ge=1, le=500)      # texts per (table, column, persona) pool
    timeout_seconds: float = Field(default=120.0, gt=0, le=3600)   # per HTTP request


class SeedSettings(_Model):
    """Everything one seed needs; every field has a safe default."""

    database_url: SecretStr | None = None
    supabase_url: str | None = None
    supabase_service_key: SecretStr | None = None

    # The old tool's deployment label. "production" makes every seed and cleanup need allowProduction /
    # --i-know-this-is-production, whatever the host looks like; the others are shown by --verbose.
    environment: Literal["local", "development", "test", "staging", "production"] | None = None

    # The old tool took any string ("wildernest-test-2025"); it is hashed to a stable integer.
    seed: int = Field(default=42, ge=0, le=2**62)
    user_count: int = Field(default=12, ge=0, le=MAX_ROWS)
    setups_per_user: int = Field(default=3, ge=0, le=1_000)
    # Image URLs the domain writes into image columns of its content (setups: images[] / image_url) and
    # items (gear image_url); see domains/images.py. Given for a domain without images: refused.
    images_per_setup: int = Field(default=2, ge=0, le=20)
    enable_real_images: bool = False
    batch_size: int = Field(default=10_000, ge=1, le=1_000_000)
    domain: str = "outdoor"
    domain_modules: list[str] = Field(default_factory=list)
    user_strategy: Literal["create-new", "use-existing", "hybrid"] = "create-new"
    existing_users: ExistingUsers = Field(default_factory=ExistingUsers)
    additional_users: AdditionalUsers = Field(default_factory=AdditionalUsers)
    personas: list[str] = Field(default_factory=list)
    password: SecretStr = SecretStr("password123")
    # the domain of the seeded auth users' emails (the old tool's emailDomain); default: a mix of example domains
    email_domain: str | None = None
    # the old tool's switch for team accounts: false = no team accounts (tenants.count 0)
    create_team_accounts: bool | None = None
    # the old tool's test logins: the first seeded users get these emails (custom ones first, then MakerKit's
    # test, owner, member, custom and super-admin at emailDomain); every seeded user logs in with `password`
    create_standard_test_emails: bool = False
    custom_test_emails: list[str] = Field(default_factory=list)
    tenants: Tenants = Field(default_factory=Tenants)

    schema_: SchemaMapping = Field(default_factory=SchemaMapping, alias="schema")
    schemas: list[str] = Field(default_factory=lambda: ["public"])
    rows_per_table: int = Field(default=10, ge=0, le=MAX_ROWS_PER_TABLE)
    tables: dict[str, TableSettings] = Field(default_factory=dict)
    extensions: dict[str, DomainExtension] = Field(default_factory=dict)
    ai: AiSettings = Field(default_factory=AiSettings)

    allow_production: bool = False
    allowed_hosts: list[str] = Field(default_factory=list)
    production_row_threshold: int = Field(default=1_000_000, ge=0)
    bulk_load: bool = False
    # connections loading user batches side by side (each batch is its own transaction); the rows
    # do not depend on it. Default: this machine's cores, at most 4.
    workers: int = Field(default_factory=lambda: max(1, min(os.cpu_count() or 1, 4)), ge=1, le=64)
    lock_timeout_seconds: float = Field(default=30.0, ge=0, le=3600)
    statement_timeout_seconds: float = Field(default=600.0, ge=0, le=86_400)
    # the schema holding supaseed's ledger (runs, partitions, seeded keys): another name when the target
    # already has a `supaseed` schema of its own. Where the ledger lives does not shape the rows.
    ledger_schema: str = "supaseed"

    @field_validator("ledger_schema")
    @classmethod
    def _plain_schema_name(cls, value: str) -> str:
        if not LEDGER_SCHEMA_NAME.fullmatch(value):
            raise ValueError("expected a plain lower-case identifier of at most 63 characters "
                             "(letters a-z, digits, underscores; not starting with a digit), e.g. seed_ledger")
        return value

    @field_validator("email_domain")
    @classmethod
    def _domain_name(cls, value: str | None) -> str | None:
        if value is not None and not EMAIL_DOMAIN.fullmatch(value):
            raise ValueError("expected a lower-case domain name such as supaseed.test")
        return value

    @field_validator("custom_test_emails")
    @classmethod
    def _plain_emails(cls, value: list[str]) -> list[str]:
        for email in value:
            local, at, domain = email.partition("@")
            if not (local and at and EMAIL_DOMAIN.fullmatch(domain)) or any(c.isspace() or c.isupper() for c in local):
                raise ValueError(f"{email!r} is not a lower-case email address")
        if len(set(value)) < len(value):
            raise ValueError("the emails must differ")
        return value

    def test_emails(self) -> list[str]:
        """The emails of the first seeded users, in order (custom first, then the standard ones)."""
        standard = [f"{name}@{self.email_domain or DEFAULT_TEST_EMAIL_DOMAIN}" for name in STANDARD_TEST_LOGINS] \
            if self.create_standard_test_emails else []
        return list(dict.fromkeys(self.custom_test_emails + standard))

    @model_validator(mode="before")
    @classmethod
    def _old_password_key(cls, data: Any) -> Any:
        # the old tool's testUserPassword is `password`
        if isinstance(data, dict) and "testUserPassword" in data:
            data = dict(data)
            old = data.pop("testUserPassword")
            if "password" in data and data["password"] != old:
                raise ValueError("testUserPassword and password differ; keep one")
            data["password"] = old
        return data

    @model_validator(mode="after")
    def _team_accounts_switch(self) -> "SeedSettings":
        if self.create_team_accounts is False:
            if "tenants" in self.model_fields_set and self.tenants.count:
                raise ValueError(f"createTeamAccounts is false but tenants.count is {self.tenants.count}; keep one")
            self.tenants = self.tenants.model_copy(update={"count": 0})
        return self

    @field_validator("seed", mode="before")
    @classmethod
    def _string_seed(cls, value: Any) -> Any:
        if isinstance(value, str) and not value.strip().isdigit():
            return seed_from_text(value)
        return value

    @model_validator(mode="after")
    def _hybrid_count(self) -> "SeedSettings":
        # The old tool's hybrid: the existing users plus new ones. Without additionalUsers its README's
        # example ("userCount": 12, "userStrategy": "hybrid") makes 12 users, so userCount is the count.
        if self.user_strategy == "hybrid" and "additional_users" not in self.model_fields_set:
            self.additional_users = AdditionalUsers(count=self.user_count)
        return self

    @model_validator(mode="after")
    def _register_secrets(self) -> "SeedSettings":
        if self.supabase_service_key is not None:
            register_secret(self.supabase_service_key.get_secret_value())
        if self.database_url is not None:
            register_secret(self.database_url.get_secret_value())
            register_secret(urlparse(self.database_url.get_secret_value()).password)
        return self

    _target_source: str = PrivateAttr(default="no URL given: the embedded demo database")

    @property
    def target_source(self) -> str:
        """Which input chose the target (flag, environment variable, .env, config key, embedded default)."""
        return self._target_source

    @property
    def schema_mapping(self) -> SchemaMapping:
        return self.schema_

    def target_url(self) -> str | None:
        """The database URL to seed, or None for the embedded default."""
        if self.database_url is not None:
            return self.database_url.get_secret_value()
        if self.supabase_url:
            return supabase_project_to_database_url(self.supabase_url)
        return None

    def fingerprint(self) -> str:
        """A hash of everything that shapes the generated rows (secrets and target excluded)."""
        shaping = self.model_dump(
            mode="json",
            by_alias=True,
            exclude={"database_url", "supabase_url", "supabase_service_key", "allow_production",
                     "allowed_hosts", "production_row_threshold", "lock_timeout_seconds",
                     "statement_timeout_seconds", "workers", "ledger_schema"},
        )
        shaping["password"] = hashlib.sha256(self.password.get_secret_value().encode()).hexdigest()
        return hashlib.sha256(json.dumps(shaping, sort_keys=True).encode()).hexdigest()[:16]

    def public_dump(self) -> dict[str, Any]:
        """The settings as camelCase JSON with every secret masked (for logs, metadata and `init`)."""
        data = self.model_dump(mode="json", by_alias=True, exclude_none=True)
        for key in ("databaseUrl", "supabaseServiceKey", "password"):
            if key in data:
                data[key] = "***"
        return json.loads(redact(json.dumps(data)))


def seed_from_text(text: str) -> int:
    """A stable integer for a text seed: the first 62 bits of its SHA-256 (same text, same rows, on every machine)."""
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big") >> 2


def supabase_project_to_database_url(project_url: str) -> str:
    """Map a local Supabase API URL (http://127.0.0.1:54321) to its database (port 54322)."""
    parsed = urlparse(project_url)
    host = parsed.hostname or "127.0.0.1"
    if host not in {"127.0.0.1", "localhost", "::1", "host.docker.internal"}:
        raise ConfigError(
            f"supabaseUrl {project_url} is a hosted project; its database URL cannot be derived",
            hint="give its connection string (Project Settings > Database) as --database-url, databaseUrl, or "
                 "SUPABASE_DB_URL / DATABASE_URL in the environment or .env",
        )
    api_port = parsed.port or 54321
    return f"postgresql://postgres:postgres@{host}:{api_port + 1}/postgres"


# Environment variables that override the file, and the settings key each one sets.
ENV_OVERRIDES = {   # later entries win: SUPASEED_DATABASE_URL over SUPABASE_DB_URL over DATABASE_URL
    "DATABASE_URL": "databaseUrl",
    "SUPABASE_DB_URL": "databaseUrl",
    "SUPASEED_DATABASE_URL": "databaseUrl",
    "SUPABASE_URL": "supabaseUrl",
    "SUPABASE_SERVICE_ROLE_KEY": "supabaseServiceKey",
    "SUPASEED_SEED": "seed",
    "SUPASEED_USER_COUNT": "userCount",
    "SUPASEED_BATCH_SIZE": "batchSize",
    "SUPASEED_ALLOW_PRODUCTION": "allowProduction",
}


def find_config_file(explicit: str | os.PathLike | None = None) -> Path | None:
    """The config file to read: the explicit one, $SUPASEED_CONFIG, or supaseed.json/yaml in the CWD."""
    if explicit:
        path = Path(explicit)
        if not path.exists():   # a directory or an unreadable file is named by read_config_file
            raise ConfigError(f"config file {path} not found", hint="pass an existing file or run `supaseed init`")
        return path
    env_path = environment.get("SUPASEED_CONFIG")   # a .env file may set it too
    if env_path:
        return find_config_file(env_path)
    for name in DEFAULT_CONFIG_FILES:
        if Path(name).is_file():
            return Path(name)
    return None


def _deep_merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _camel_keys(data: dict[str, Any]) -> dict[str, Any]:
    """Normalise top-level snake_case keys to camelCase so file, env and flags merge on one key."""
    return {(to_camel(k) if "_" in k and k != "schema_" else k): v for k, v in data.items()}


def load_settings(
    config_file: str | os.PathLike | None = None,
    overrides: dict[str, Any] | None = None,
    *,
    environ: dict[str, str] | None = None,
    use_default_file: bool = True,
    env_sources: dict[str, str] | None = None,
    override_source: str | None = None,
) -> SeedSettings:
    """Settings from (lowest to highest): defaults, the config file, environment variables, overrides.

    `env_sources` says where an environment variable came from (e.g. ".env file ./.env") and
    `override_source` names the overrides (e.g. "--database-url"), for `target_source`.
    """
    environ = environment.current() if environ is None else environ   # plus the command's .env
    path = find_config_file(config_file) if (config_file or use_default_file) else None
    data = _camel_keys(read_config_file(path)) if path else {}
    sources = {key: f"{key} in {path}" for key in ("databaseUrl", "supabaseUrl") if key in data}
    for env_name, key in ENV_OVERRIDES.items():
        if environ.get(env_name):
            data[key] = environ[env_name]
            sources[key] = f"${env_name}" + (f" ({env_sources[env_name]})" if env_sources and env_name in env_sources else "")
    given = _camel_keys({k: v for k, v in (overrides or {}).items() if v is not None})
    sources.update({key: override_source or "override" for key in ("databaseUrl", "supabaseUrl") if key in given})
    data = _deep_merge(data, given)
    try:
        settings = SeedSettings.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(describe_validation_error(exc, path)) from None
    if settings.database_url is not None:
        settings._target_source = sources.get("databaseUrl", "databaseUrl")
    elif settings.supabase_url:
        settings._target_source = f"{sources.get('supabaseUrl', 'supabaseUrl')}, a local Supabase project: its database port"
    return settings


def describe_validation_error(exc: ValidationError, path: Path | None) -> str:
    """One line naming the offending key, what it got and what is allowed; every unknown key at once (an old
    config file often has several, and one per run means as many runs)."""
    first = exc.errors()[0]
    key = ".".join(str(part) for part in first["loc"]) or "(top level)"
    where = f"{path}: " if path else ""
    kind = first["type"]
    if kind == "extra_forbidden":
        unknown = [e for e in exc.errors() if e["type"] == "extra_forbidden"]
        places = {tuple(e["loc"][:-1]) for e in unknown}
        names = ", ".join(f"'{'.'.join(str(p) for p in e['loc'])}'" for e in unknown)
        allowed = f"; allowed keys here: {', '.join(_allowed_keys(first['loc'][:-1]))}" if len(places) == 1 else ""
        return f"{where}unknown key{'s' if len(unknown) > 1 else ''} {names}{allowed}"
    got = first.get("input")
    got_text = "" if isinstance(got, dict) else f" (got {json.dumps(got, default=str)[:60]})"
    more = f" (+{len(exc.errors()) - 1} more)" if len(exc.errors()) > 1 else ""
    message = first["msg"].removeprefix("Value error, ")
    hint = KEY_HINTS.get(key, "")
    return redact(f"{where}invalid value for '{key}'{got_text}: {message}{more}{' — ' + hint if hint else ''}")


KEY_HINTS = {
    "rowsPerTable": "tables outside the user batches are generated in one piece, at most "
                    f"{MAX_ROWS_PER_TABLE:,} rows each; grow data with userCount and tables.<name>.perParent",
}


def _allowed_keys(loc: tuple) -> list[str]:
    model: type[BaseModel] = SeedSettings
    for part in loc:
        field = next((f for n, f in model.model_fields.items() if part in (n, f.alias)), None)
        annotation = getattr(field, "annotation", None)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            model = annotation
        else:
            args = getattr(annotation, "__args__", ())
            nested = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
            if not nested:
                return []
            model = nested[-1]
    return [f.alias or n for n, f in model.model_fields.items()]
