"""Stage 3: the table mapping — logical roles (users, accounts, setups...) resolved to physical tables."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from supaseed_pipeline.errors import ConfigError
from supaseed_pipeline.generate.frames import AUDIT_PREFIXES
from supaseed_pipeline.settings import SeedSettings
from supaseed_pipeline.snapshot.models import SchemaSnapshot, Table

Framework = Literal["makerkit-full", "makerkit-lite", "supabase", "postgres", "custom"]
# Django's own (auth_user) and its custom user models (users_user, accounts_user, core_user) after the usual names
PLAIN_USER_TABLES = ("users", "app_users", "user", "members", "customers", "accounts", "auth_user", "users_user",
                     "accounts_user", "core_user")
PROFILE_TABLES = ("profiles", "user_profiles", "accounts", "users")


class TableMapping(BaseModel):
    framework: Framework
    evidence: list[str] = Field(default_factory=list)
    user_table: str | None = None
    user_email: str | None = None
    user_name: str | None = None
    user_picture: str | None = None
    identities_table: str | None = None
    account_table: str | None = None
    account_user_field: str | None = None
    account_name: str | None = None
    account_picture: str | None = None
    account_email: str | None = None
    account_bio: str | None = None            # a text column, or None when bio lives in public_data
    account_public_data: str | None = None    # jsonb holding bio/username (MakerKit)
    account_personal_flag: str | None = None
    account_slug: str | None = None
    account_created_by_trigger: bool = False
    membership_table: str | None = None
    membership_user_field: str | None = None
    membership_account_field: str | None = None
    membership_role_field: str | None = None
    roles_table: str | None = None
    content_table: str | None = None
    content_user_field: str | None = None
    content_account_field: str | None = None
    lookup_table: str | None = None
    lookup_field: str | None = None
    item_table: str | None = None
    item_parent_field: str | None = None

    @property
    def is_supabase(self) -> bool:
        return self.user_table == "auth.users"

    @property
    def has_team_accounts(self) -> bool:
        """Accounts flagged personal vs team, with memberships: team accounts and their members are generated."""
        return self.framework == "makerkit-full" or bool(self.account_personal_flag and self.membership_table)

    def role_tables(self) -> list[str]:
        return [t for t in (self.user_table, self.identities_table, self.account_table, self.membership_table,
                            self.content_table, self.item_table) if t]


def _qualify(name: str | None, snapshot: SchemaSnapshot, schemas: list[str]) -> str | None:
    """A configured or candidate table name resolved to schema.table, searching the seeded schemas first."""
    if not name:
        return None
    if "." in name:
        return name if snapshot.table(name) else None
    for schema in [*schemas, "public", "auth"]:
        if snapshot.table(f"{schema}.{name}"):
            return f"{schema}.{name}"
    for schema in [*schemas, "public", "auth"]:
        # ORMs quote their model names: Prisma's `model User` is the table "User", TypeORM's may be "Users"
        same = [t.qualified for t in snapshot.tables if t.schema_name == schema and t.name.lower() == name.lower()]
        if len(same) == 1:
            return same[0]
    return None


def _first_column(table: Table, *names: str) -> str | None:
    return next((n for n in names if table.column(n)), None)


def link_column(table: Table, target: str | None) -> str | None:
    """The column that links `table` to `target`: key columns and NOT NULL owners before audit columns."""
    columns = [f.columns[0] for f in table.foreign_keys if f.ref_qualified == target and len(f.columns) == 1]
    key = set(table.primary_key.columns) if table.primary_key else set()

    # "who did it" columns (created_by...) record an actor, not ownership: never a link
    columns = [c for c in columns if not c.startswith(AUDIT_PREFIXES)]

    def rank(name: str) -> tuple:
        return (name not in key, not table.column(name).not_null, name)

    return min(columns, key=rank) if columns else None


def link_column_candidates(table: Table, target: str | None, column: str) -> bool:
    """Whether `column` of `table` references `target` (a one-column foreign key)."""
    return any(f.ref_qualified == target and list(f.columns) == [column] for f in table.foreign_keys)


def _check_id_field(table: Table | None, column: str | None, profile: bool) -> None:
    """userTable.idField names the column holding the user's id: the table's primary key (a user table) or,
    for a profile table of auth.users, its primary key or the column that references auth.users."""
    if table is None or not column:
        return
    key = list(table.primary_key.columns) if table.primary_key else []
    if key == [column] or (profile and link_column_candidates(table, "auth.users", column)):
        return
    expected = " or ".join(filter(None, [f"its primary key '{key[0]}'" if len(key) == 1 else "",
                                         "the column that references auth.users" if profile else ""]))
    raise ConfigError(f"schema.userTable.idField: column '{column}' of {table.qualified} does not hold the user's id",
                      hint=f"use {expected or 'a one-column primary key'}")


def _require(snapshot: SchemaSnapshot, qualified: str | None, key: str, given: str | None) -> None:
    if given and not qualified:
        raise ConfigError(f"schema.{key}: table '{given}' does not exist in the target",
                          hint=f"tables seen: {', '.join(t.qualified for t in snapshot.tables[:12])}")


def _require_column(table: Table | None, column: str | None, key: str) -> None:
    if table is not None and column and not table.column(column):
        raise ConfigError(f"schema.{key}: column '{column}' does not exist in {table.qualified}",
                          hint=f"columns: {', '.join(c.name for c in table.columns)}")


def detect_mapping(snapshot: SchemaSnapshot, settings: SeedSettings, domain=None) -> TableMapping:
    """Detect the framework and resolve every role; config overrides win over detection."""
    overrides = settings.schema_mapping
    schemas = settings.schemas
    evidence: list[str] = []

    user_table = _qualify(overrides.user_table_name, snapshot, schemas)
    _require(snapshot, user_table, "primaryUserTable" if overrides.primary_user_table else "userTable.name",
             overrides.user_table_name)
    profile_table = None
    if user_table and user_table != "auth.users" and snapshot.table("auth.users") and \
            _fk_or_trigger_link(snapshot, user_table, "auth.users"):
        # The old tool's primaryUserTable ("accounts", "profiles") named where a Supabase user's profile
        # lives; the users themselves are always auth.users. Seeding `accounts` as the user table would
        # break MakerKit, so it becomes the account table instead.
        profile_table, user_table = user_table, "auth.users"
        given_as = "primaryUserTable" if overrides.primary_user_table else "userTable.name"
        evidence.append(f"{given_as} {profile_table} is the profile table of auth.users: account table")
    if not user_table and snapshot.table("auth.users"):
        user_table = "auth.users"
        evidence.append("auth.users exists: Supabase auth")
    if not user_table:
        # an email column, else a username: Discourse and GitLab keep the addresses in a table of their own
        # (user_emails, emails), and their users are the users all the same; Rails 8's authentication generator
        # names the address email_address
        for marker, columns in (("an email", ("email", "email_address")), ("a username", ("username",))):
            user_table = next((q for n in PLAIN_USER_TABLES if (q := _qualify(n, snapshot, schemas))
                               and any(snapshot.table(q).column(c) for c in columns)), None)
            if user_table:
                evidence.append(f"{user_table} has {marker} column: plain user table")
                break
    users = snapshot.table(user_table) if user_table else None
    fields = overrides.user_table
    described = snapshot.table(profile_table) if profile_table else users   # the table userTable.* describes
    for key, column in (("userTable.emailField", fields.email_field), ("userTable.nameField", fields.name_field),
                        ("userTable.pictureField", fields.picture_field), ("userTable.idField", fields.id_field)):
        _require_column(described, column, key)
    if fields.bio_field and described is not None and not described.column(fields.bio_field):
        public_data = described.column("public_data")
        if not (public_data and public_data.base_type_name == "jsonb"):   # MakerKit keeps the bio in public_data
            _require_column(described, fields.bio_field, "userTable.bioField")

    _check_id_field(described, fields.id_field, profile_table is not None)

    mapping = TableMapping(framework="custom", user_table=user_table)
    if users is not None and user_table != "auth.users":
        mapping.user_email = fields.email_field or _first_column(users, "email", "email_address")
        mapping.user_name = fields.name_field or _first_column(users, "name", "full_name", "display_name", "username")
        mapping.user_picture = fields.picture_field or _first_column(users, "picture_url", "avatar_url", "avatar", "image_url", "image")
    if user_table == "auth.users" and snapshot.table("auth.identities"):
        mapping.identities_table = "auth.identities"

    _map_accounts(mapping, snapshot, settings, evidence, profile_table)
    _map_content(mapping, snapshot, settings, domain, evidence)

    if overrides.framework not in ("auto", "makerkit"):
        mapping.framework = overrides.framework
        evidence.append(f"framework set in config: {overrides.framework}")
    elif user_table == "auth.users":
        if mapping.account_personal_flag == "is_personal_account" and mapping.membership_table:
            mapping.framework = "makerkit-full"
        elif mapping.account_table and mapping.account_table.endswith(".accounts") and mapping.account_user_field == "id":
            mapping.framework = "makerkit-lite"
        else:
            mapping.framework = "supabase"
    elif user_table:
        mapping.framework = "postgres"
    if overrides.framework == "makerkit":   # the old tool's value: whichever MakerKit variant is there
        if not mapping.framework.startswith("makerkit"):
            raise ConfigError(f"schema.framework: 'makerkit', but the target looks like {mapping.framework} "
                              f"({'; '.join(evidence) or 'no auth.users and accounts'})",
                              hint="use \"auto\" or the framework `supaseed detect` reports")
        evidence.append(f"framework set in config: makerkit (detected variant {mapping.framework})")
    mapping.evidence = evidence
    return mapping


def _map_accounts(mapping: TableMapping, snapshot: SchemaSnapshot, settings: SeedSettings, evidence: list[str],
                  profile_table: str | None = None) -> None:
    overrides = settings.schema_mapping
    user_table = mapping.user_table
    account_table = _qualify(overrides.account_table, snapshot, settings.schemas) or profile_table
    _require(snapshot, account_table, "accountTable", overrides.account_table)
    if not account_table and user_table:
        for name in PROFILE_TABLES:
            candidate = _qualify(name, snapshot, settings.schemas)
            if candidate and candidate != user_table and _fk_or_trigger_link(snapshot, candidate, user_table):
                account_table = candidate
                break
    if not account_table:
        return
    accounts = snapshot.table(account_table)
    mapping.account_table = account_table
    id_field = overrides.user_table.id_field if account_table == profile_table else None
    # userTable.idField of a profile table, when it is the column that references the user, is the link
    linked = id_field if id_field and link_column_candidates(accounts, user_table, id_field) else None
    owner = overrides.account_user_field or linked or \
        _first_column(accounts, "primary_owner_user_id", "owner_id", "user_id")
    if not owner and (link_column(accounts, user_table) == "id" or _trigger_inserts(snapshot, user_table, account_table)):
        owner = "id"
    owner = owner or link_column(accounts, user_table)
    _require_column(accounts, owner, "accountUserField")
    mapping.account_user_field = owner
    fields = overrides.user_table if account_table == profile_table else None   # old-style userTable.* fields
    mapping.account_name = (fields and fields.name_field) or _first_column(accounts, "name", "full_name", "display_name", "username")
    mapping.account_picture = (fields and fields.picture_field) or _first_column(accounts, "picture_url", "avatar_url", "avatar", "image_url")
    mapping.account_email = (fields and fields.email_field) or _first_column(accounts, "email")
    bio_column = fields.bio_field if fields and fields.bio_field and accounts.column(fields.bio_field) else None
    mapping.account_bio = bio_column or _first_column(accounts, "bio", "about", "description")
    public_data = accounts.column("public_data")
    mapping.account_public_data = "public_data" if public_data and public_data.base_type_name == "jsonb" else None
    # MakerKit's is_personal_account, basejump's personal_account
    mapping.account_personal_flag = _first_column(accounts, "is_personal_account", "personal_account")
    mapping.account_slug = _first_column(accounts, "slug")
    mapping.account_created_by_trigger = _trigger_inserts(snapshot, user_table, account_table)
    evidence.append(f"{account_table} linked to {user_table} through {owner}"
                    + (" (created by a trigger on insert)" if mapping.account_created_by_trigger else ""))
    for table in snapshot.tables:
        user_col = link_column(table, user_table)
        account_col = link_column(table, account_table)
        if user_col and account_col and table.primary_key and set(table.primary_key.columns) == {user_col, account_col}:
            mapping.membership_table = table.qualified
            mapping.membership_user_field, mapping.membership_account_field = user_col, account_col
            role_fk = next((f for f in table.foreign_keys if f.ref_qualified not in {user_table, account_table}), None)
            if role_fk:
                mapping.membership_role_field, mapping.roles_table = role_fk.columns[0], role_fk.ref_qualified
            else:   # a role enum or text column (basejump's account_role) instead of a roles table
                mapping.membership_role_field = _first_column(table, "account_role", "role", "member_role")
            evidence.append(f"{table.qualified} has a (user, account) primary key: memberships")
            break


def _fk_or_trigger_link(snapshot: SchemaSnapshot, table: str, user_table: str) -> bool:
    return bool(link_column(snapshot.table(table), user_table)) or _trigger_inserts(snapshot, user_table, table)


def _trigger_inserts(snapshot: SchemaSnapshot, source: str | None, target: str) -> bool:
    found = snapshot.table(source) if source else None
    return bool(found) and any(target in t.inserts_into and "INSERT" in t.events and t.enabled for t in found.triggers)


def _map_content(mapping: TableMapping, snapshot: SchemaSnapshot, settings: SeedSettings, domain, evidence) -> None:
    overrides = settings.schema_mapping
    candidates = list(domain.content_tables) if domain else ["setups"]
    content = _qualify(overrides.setups_table.name, snapshot, settings.schemas)
    _require(snapshot, content, "setupsTable.name", overrides.setups_table.name)
    content = content or next((q for n in candidates if (q := _qualify(n, snapshot, settings.schemas))), None)
    if not content:
        return
    table = snapshot.table(content)
    mapping.content_table = content
    mapping.content_user_field = overrides.setups_table.user_field or (
        link_column(table, mapping.user_table) if mapping.user_table else None)
    _require_column(table, mapping.content_user_field, "setupsTable.userField")
    given = overrides.setups_table
    for key, column in (("setupsTable.titleField", given.title_field), ("setupsTable.descriptionField", given.description_field),
                        ("setupsTable.categoryField", given.category_field), ("setupsTable.publicField", given.public_field)):
        _require_column(table, column, key)
    if mapping.account_table:
        mapping.content_account_field = link_column(table, mapping.account_table)
    if mapping.content_user_field and mapping.content_user_field == mapping.content_account_field and mapping.user_table:
        # `userField` naming the account column (the old tool's MakerKit configs: "account_id") links a setup to
        # its owner's account; a column that references the users still names that owner, not a random user
        # (20k users: 671 setups of one user under two accounts broke MakerKit's unique (user_id, slug))
        mapping.content_user_field = link_column(table, mapping.user_table) or mapping.content_user_field
    lookup_names = [overrides.setup_types_table] if overrides.setup_types_table else list(domain.lookup_tables if domain else ())
    for name in lookup_names:
        lookup = _qualify(name, snapshot, settings.schemas)
        if lookup and link_column(table, lookup):
            mapping.lookup_table, mapping.lookup_field = lookup, link_column(table, lookup)
            break
    if overrides.setup_types_table and not mapping.lookup_table:
        raise ConfigError(f"schema.setupTypesTable: '{overrides.setup_types_table}' is not a table that "
                          f"{content} references", hint="name the lookup table the setups table has a foreign key to")
    item_names = [overrides.gear_items_table] if overrides.gear_items_table else list(domain.item_tables if domain else ())
    for name in item_names:
        item = _qualify(name, snapshot, settings.schemas)
        if item and link_column(snapshot.table(item), content):
            mapping.item_table, mapping.item_parent_field = item, link_column(snapshot.table(item), content)
            break
    evidence.append(f"content table {content}" + (f", lookup {mapping.lookup_table}" if mapping.lookup_table else "")
                    + (f", items {mapping.item_table}" if mapping.item_table else ""))
