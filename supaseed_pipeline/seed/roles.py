"""The user-driven roles of a partition: users (auth.users or a plain table), identities, the accounts
the app's trigger made (enriched), team accounts and their memberships.

A mixin of the partition planner (`seed/planner.py`): it uses the planner's frames, loader and insert helper,
and hands on `owners`, `new_users`, `teams` and their owners to the roles after it.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from supaseed_pipeline.generate import random as rnd
from supaseed_pipeline.generate.columns import emails, person_names
from supaseed_pipeline.generate.frames import TableRequest, build_frame
from supaseed_pipeline.generate.pools import pool, slugify
from supaseed_pipeline.plan import allocation
from supaseed_pipeline.seed.supabase import (auth_user_frame, avatar_urls, django_password_hash, identity_frame, password_hash,
                                             with_test_emails)


class UserRoles:
    """Loading of the user, identity, account and membership roles for one partition."""

    def _owner_index(self) -> np.ndarray:
        return np.arange(self.partition.owner_start, self.partition.owner_start + self.partition.owner_count, dtype=np.int64)

    def _personas(self, index: np.ndarray) -> pl.Series:
        allowed = self.e.settings.additional_users.personas or self.e.settings.personas or None
        if self.e.domain is None:
            return pl.Series(["member"] * len(index))
        return self.e.domain.persona_for(index, self.e.seed, allowed)

    def _load_users(self, name: str) -> None:
        existing = self.e.existing_owners if self.e.settings.user_strategy != "create-new" else None
        positions = self._owner_index()
        n_existing = existing.height if existing is not None else 0
        reused = positions[positions < n_existing]
        new_index = positions[positions >= n_existing] - n_existing
        personas_all = self._personas(positions)
        owners = []
        if len(reused):
            rows = existing[reused]
            owners.append(pl.DataFrame({"user_id": rows["user_id"], "account_id": rows["account_id"],
                                        "persona": personas_all[: len(reused)], "owner_index": pl.Series(reused)}))
            self.loaded.setdefault(name, pl.DataFrame(schema={c: pl.String for c in self._referenced_columns(name)}))
        if len(new_index):
            personas = personas_all[len(reused):]
            columns = self._plan(name).write_columns
            if name == "auth.users":
                settings = self.e.settings
                frame = auth_user_frame(new_index, self.e.seed, settings.password.get_secret_value(), personas, columns,
                                        settings.email_domain, settings.test_emails())
            else:
                request = TableRequest(name, int(new_index[0]), len(new_index), fixed=self._plain_user_fixed(new_index, columns))
                frame = build_frame(self.e.snapshot, self._plan(name), request, self.e.seed, self.pools_for(name))
            self.new_users, self.new_user_index = frame, new_index
            if self.e.mapping.account_created_by_trigger and "id" in frame.columns:
                # before the insert: the accounts its trigger makes are filled in as they are found (_follow_triggers)
                self.account_fill = self._account_fill(frame["id"], new_index, personas)
            kept = self._insert(name, frame)
            user_ids = kept[self._plan(name).key_columns[0]]
            account_ids = user_ids
            if self.e.mapping.account_table and self.e.mapping.account_table in self.loaded and self.e.mapping.account_user_field:
                accounts = self.loaded[self.e.mapping.account_table]
                if self.e.mapping.account_user_field in accounts.columns and "id" in accounts.columns:
                    lookup = dict(zip(accounts[self.e.mapping.account_user_field].to_list(), accounts["id"].to_list()))
                    account_ids = pl.Series([lookup.get(u, u) for u in user_ids.to_list()])
            owners.append(pl.DataFrame({"user_id": user_ids, "account_id": account_ids, "persona": personas,
                                        "owner_index": pl.Series(new_index + n_existing)}))
        self.owners = pl.concat(owners) if owners else None

    def _plain_user_fixed(self, index: np.ndarray, columns: list[str]) -> dict[str, pl.Series]:
        fixed = {}
        for column in columns:
            # password_digest: Rails' has_secure_password (a bcrypt hash, as Devise's encrypted_password)
            if column in {"password_hash", "encrypted_password", "hashed_password", "password", "password_digest"}:
                password = self.e.settings.password.get_secret_value()
                users = self.e.snapshot.table(self.e.mapping.user_table)
                # Django's user table (is_staff, date_joined) checks its own hash format, not bcrypt
                django = users is not None and users.column("is_staff") is not None and users.column("date_joined") is not None
                hashed = django_password_hash(password, self.e.seed) if django else password_hash(password, self.e.seed)
                fixed[column] = pl.Series([hashed] * len(index))
        settings, email = self.e.settings, self.e.mapping.user_email
        if email in columns and (settings.email_domain or settings.test_emails()):
            # the emails the column's own generator makes (columns.py), at emailDomain, test logins first
            generated = emails(index, self.e.seed, table=self.e.mapping.user_table, domain=settings.email_domain)
            fixed[email] = with_test_emails(generated, index, settings.test_emails())
        return fixed

    def _load_identities(self, name: str) -> None:
        if self.new_users is None:
            return
        frame = identity_frame(self.new_users, self.e.seed, self.new_user_index, self._plan(name).write_columns)
        self._insert(name, frame)

    def _account_fill(self, user_ids: pl.Series, index: np.ndarray, personas: pl.Series) -> pl.DataFrame:
        """What the seed gives the accounts the app's trigger makes for new users: name, picture and bio
        (public_data), by user ("__user"); ids untouched."""
        mapping = self.e.mapping
        first, last = person_names(index, self.e.seed)
        fill = {"__user": user_ids}
        if mapping.account_name:
            fill[mapping.account_name] = pl.select(pl.concat_str([first, last], separator=" ")).to_series()
        if mapping.account_picture:
            fill[mapping.account_picture] = avatar_urls(index)
        bios = self.e.domain.bio(personas, index, self.e.seed) if self.e.domain else pl.Series([""] * len(index))
        usernames = pl.select(pl.concat_str([first.str.to_lowercase(), last.str.to_lowercase().str.slice(0, 1),
                                             pl.Series(index).cast(pl.String)]).str.replace_all(r"[^a-z0-9_]", "")).to_series()
        if mapping.account_public_data:
            fill[mapping.account_public_data] = pl.select(pl.struct(
                bio=bios, username=usernames, persona=personas).struct.json_encode()).to_series()
        elif mapping.account_bio:
            fill[mapping.account_bio] = bios
        return pl.DataFrame(fill)

    def _account_fill_for(self, source: str, target: str, match: tuple[str, str]) -> pl.DataFrame | None:
        """The fill of the rows `source`'s trigger makes in `target`, by the column they are found by (`match`:
        theirs, the source's), when they are the accounts of this partition's new users, found by their user."""
        mapping = self.e.mapping
        if (self.account_fill is None or self.account_fill.width < 2 or source != mapping.user_table
                or target != mapping.account_table or match != (mapping.account_user_field, "id")):
            return None
        return self.account_fill.rename({"__user": match[0]})

    def _enrich_accounts(self, name: str) -> None:
        """Accounts the app's trigger created, when not filled in as they were found: fill name, picture and bio."""
        update, self.account_fill = self.account_fill, None
        if update is None:
            return
        mapping = self.e.mapping
        accounts = self.loaded[name]
        user_field = mapping.account_user_field
        key = self._plan(name).key_columns[0]
        personal = accounts.filter(pl.col(user_field).is_in(update["__user"].implode())) if user_field in accounts.columns else accounts
        update = update.join(personal.select([pl.col(user_field).alias("__user"), pl.col(key)]) if user_field != key
                             else personal.select(pl.col(key).alias("__user"), pl.col(key)), on="__user").drop("__user")
        self.io.update(self._table(name), [key], update)

    def _load_team_accounts(self, name: str) -> None:
        mapping = self.e.mapping
        if not mapping.has_team_accounts or self.owners is None or self.owners.height == 0:
            return
        # tenants.count teams over the whole seed, each owned by its home owner: exact whatever the batches
        population = max(self.e.owner_total(), 1)
        first, teams = allocation.share(self.e.settings.tenants.count, population,
                                        self.partition.owner_start, self.partition.owner_count)
        if teams == 0:
            return
        index = np.arange(first, first + teams, dtype=np.int64)
        home = allocation.home_owner(index, self.e.settings.tenants.count, population) - self.partition.owner_start
        owner_rows = self.owners[home]
        request = TableRequest(name, allocation.team_band(first), teams, fixed={
            mapping.account_user_field: owner_rows["user_id"],
            **({mapping.account_personal_flag: pl.Series([False] * teams)} if mapping.account_personal_flag else {}),
        })
        frame = build_frame(self.e.snapshot, self._plan(name), request, self.e.seed, self.pools_for(name))
        if mapping.account_email and mapping.account_email in frame.columns:
            frame = frame.with_columns(pl.format("team-{}@example.com", pl.Series(index)).alias(mapping.account_email))
        companies = pool("company")
        names = companies.gather(rnd.choose(index, rnd.salt(self.e.seed, "team-name"), companies.len()))
        if mapping.account_name and mapping.account_name in frame.columns:
            frame = frame.with_columns(names.alias(mapping.account_name))
        if mapping.account_slug and mapping.account_slug in frame.columns:
            slugs = pl.select(pl.concat_str([slugify(pl.lit(names)), pl.Series(index).cast(pl.String)], separator="-"))
            frame = frame.with_columns(slugs.to_series().alias(mapping.account_slug))
        self.teams = self._insert(name, frame)
        self.team_owners = owner_rows["user_id"]
        self.first_team = first

    def _load_memberships(self, name: str) -> None:
        """Owner membership for each team (the kit adds it only when auth.uid() matches) plus members."""
        mapping = self.e.mapping
        teams = self.teams
        if teams is None or teams.height == 0 or self.owners is None:
            return
        roles = self.e.existing_pool(self.io, mapping.roles_table, ["name"])["name"].to_list() if mapping.roles_table else []
        role_column = self._table(name).column(mapping.membership_role_field) if mapping.membership_role_field else None
        if not roles and role_column is not None and role_column.enum_labels:
            roles = list(role_column.enum_labels)   # basejump: account_role enum ('owner', 'member')
        member_role = "member" if "member" in roles else (roles[-1] if roles else "member")
        owner_role = "owner" if "owner" in roles else (roles[0] if roles else "owner")
        rows = {"user": [], "account": [], "role": []}
        members = min(self.e.settings.tenants.members_per_tenant, allocation.MEMBERSHIP_SLOTS_PER_TEAM - 1)
        users = self.owners["user_id"].to_list()
        for position, (team, owner) in enumerate(zip(teams["id"].to_list(), self.team_owners.to_list())):
            rows["user"].append(owner); rows["account"].append(team); rows["role"].append(owner_role)
            picks = rnd.choose(np.arange(members * 3) + position * 1000, rnd.salt(self.e.seed, "members", team), len(users))
            chosen = list(dict.fromkeys(users[i] for i in picks if users[i] != owner))[:members]
            for user in chosen:
                rows["user"].append(user); rows["account"].append(team); rows["role"].append(member_role)
        # owner rows an insert trigger already made (basejump adds the creator when auth.uid() is the owner)
        made = self.loaded.get(name)
        if made is not None and made.height and {mapping.membership_user_field, mapping.membership_account_field} <= set(made.columns):
            seen = set(zip(made[mapping.membership_user_field].cast(pl.String).to_list(),
                           made[mapping.membership_account_field].cast(pl.String).to_list()))
            keep = [(u, a, r) for u, a, r in zip(rows["user"], rows["account"], rows["role"]) if (str(u), str(a)) not in seen]
            rows = {"user": [k[0] for k in keep], "account": [k[1] for k in keep], "role": [k[2] for k in keep]}
        n = len(rows["user"])
        if n == 0:
            return
        fixed = {mapping.membership_user_field: pl.Series(rows["user"]), mapping.membership_account_field: pl.Series(rows["account"])}
        if mapping.membership_role_field:
            fixed[mapping.membership_role_field] = pl.Series(rows["role"])
        request = TableRequest(name, allocation.membership_band(self.first_team), n, fixed=fixed)
        frame = build_frame(self.e.snapshot, self._plan(name), request, self.e.seed, self.pools_for(name))
        self._insert(name, frame)
