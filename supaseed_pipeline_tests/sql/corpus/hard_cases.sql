-- Corpus fixture: the failure classes of issue 12 that the other fixtures meet only in passing,
-- one small table each (plain PostgreSQL, no auth schema). The older
-- supaseed_pipeline_tests/sql/hard_cases.sql (engine mechanics) is left as it is.

create type public.environment as enum ('dev', 'staging', 'prod');
create type public.member_role as enum ('admin', 'member', 'viewer');

-- Type width: smallint keys, a smallint unique code, a smallint counter.
create table public.regions (
    id    smallint primary key,
    code  smallint not null unique,
    name  text not null unique,
    hits  smallint not null default 0
);

-- Uniques over few combinations: 3 enum labels x 2 booleans = 6 rows at most; a boolean key = 2 rows.
create table public.feature_flags (
    env     public.environment not null,
    enabled boolean not null,
    note    text,
    unique (env, enabled)
);
create table public.maintenance_windows (
    is_weekend boolean primary key,
    starts_at  time not null,
    ends_at    time not null,
    check (ends_at > starts_at)
);

create table public.people (
    id         uuid primary key default gen_random_uuid(),
    email      text not null unique check (email ~ '^[^@]+@[^@]+$'),
    full_name  text not null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);

-- Business rules in triggers: invites only to team workspaces; approvals only by admins.
create table public.workspaces (
    id       uuid primary key default gen_random_uuid(),
    owner_id uuid not null references public.people on delete cascade,
    name     text not null,
    is_team  boolean not null default false
);
create table public.workspace_members (
    workspace_id uuid not null references public.workspaces on delete cascade,
    person_id    uuid not null references public.people on delete cascade,
    role         public.member_role not null default 'member',
    joined_at    timestamptz not null default now(),
    left_at      timestamptz,
    primary key (workspace_id, person_id),
    check (left_at is null or left_at > joined_at)
);
create table public.workspace_invites (
    id           bigserial primary key,
    workspace_id uuid not null references public.workspaces on delete cascade,
    email        text not null,
    created_at   timestamptz not null default now(),
    unique (workspace_id, email)
);
create function public.invites_need_team() returns trigger language plpgsql as $$
begin
    if not (select is_team from public.workspaces where id = new.workspace_id) then
        raise exception 'workspace % is a personal workspace: invitations need a team', new.workspace_id;
    end if;
    return new;
end $$;
create trigger invites_need_team before insert on public.workspace_invites
    for each row execute function public.invites_need_team();

create table public.approvals (
    id           bigint generated always as identity primary key,
    workspace_id uuid not null,
    approver_id  uuid not null,
    subject      text not null,
    decided_at   timestamptz,
    foreign key (workspace_id, approver_id) references public.workspace_members on delete cascade
);
create function public.approvals_need_admin() returns trigger language plpgsql as $$
begin
    if not exists (select 1 from public.workspace_members m where m.workspace_id = new.workspace_id
                   and m.person_id = new.approver_id and m.role = 'admin') then
        raise exception 'approver % is not an admin of workspace %', new.approver_id, new.workspace_id;
    end if;
    return new;
end $$;
create trigger approvals_need_admin before insert on public.approvals
    for each row execute function public.approvals_need_admin();

-- Typed text and related columns: currency with a pattern CHECK, interval units, ordered periods,
-- country codes, locales, time zones, colours, versions, ratings and percentages in their ranges.
create table public.plans (
    id             smallserial primary key,
    name           text not null unique,
    currency       char(3) not null check (currency ~ '^[A-Z]{3}$'),
    "interval"     text not null check ("interval" in ('month', 'year')),
    amount_cents   integer not null check (amount_cents > 0),
    valid_from     date not null,
    valid_to       date,
    check (valid_to is null or valid_to > valid_from)
);
create table public.billing_periods (
    id           bigserial primary key,
    person_id    uuid not null references public.people on delete cascade,
    plan_id      smallint not null references public.plans,
    period_start timestamptz not null,
    period_end   timestamptz not null,
    country      char(2) not null,
    locale       text not null,
    timezone     text not null,
    check (period_end > period_start)
);
create table public.releases (
    id           serial primary key,
    version      text not null unique check (version ~ '^\d+\.\d+\.\d+$'),
    color        text not null check (color ~ '^#[0-9a-f]{6}$'),
    rating       numeric(3,1) check (rating between 0 and 10),
    rollout_pct  smallint not null check (rollout_pct between 0 and 100),
    released_on  date not null
);

-- Foreign keys declared on the partitions of a list-partitioned table.
create table public.audit_events (
    id         bigint generated by default as identity,
    region     text not null,
    person_id  uuid not null,
    action     text not null,
    created_at timestamptz not null default now(),
    primary key (id, region)
) partition by list (region);
create table public.audit_events_eu partition of public.audit_events for values in ('eu');
create table public.audit_events_us partition of public.audit_events for values in ('us');
alter table public.audit_events_eu add constraint audit_events_eu_person_fkey
    foreign key (person_id) references public.people on delete cascade;
alter table public.audit_events_us add constraint audit_events_us_person_fkey
    foreign key (person_id) references public.people on delete cascade;

-- Pre-existing rows: one plan the user created by hand.
insert into public.plans (name, currency, "interval", amount_cents, valid_from) values ('Starter', 'EUR', 'month', 900, '2024-01-01');
