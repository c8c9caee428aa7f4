-- Corpus fixture: a multi-tenant CRM in the style of schemas that Rails / Django apps generate (written for
-- supaseed, not copied). Plain PostgreSQL, no auth schema.
-- Patterns: bigserial keys everywhere; created_at / updated_at NOT NULL DEFAULT now() and an optimistic-locking
-- lock_version; citext emails unique per tenant (UNIQUE (company_id, email)); soft deletes (deleted_at) with
-- partial unique indexes WHERE deleted_at IS NULL; polymorphic notes (commentable_type + commentable_id, no FK);
-- an array of an enum (contact_channel[]), a jsonb custom_fields; an ltree category tree; deals with money,
-- a stage CHECK list, a bounded probability and a closed_at allowed only on closed stages; a many-to-many
-- deal_contacts with a role and a composite key; tasks assigned to users with a completion-after-creation CHECK.

create extension if not exists citext;
create extension if not exists ltree;

create type public.contact_channel as enum ('email', 'phone', 'sms', 'whatsapp', 'linkedin');

-- the tenants
create table public.companies (
    id           bigserial primary key,
    name         text not null,
    subdomain    citext not null,
    plan         text not null default 'trial' check (plan in ('trial', 'starter', 'growth', 'enterprise')),
    time_zone    text not null default 'UTC',
    deleted_at   timestamptz,
    lock_version integer not null default 0,
    created_at   timestamptz not null default now(),
    updated_at   timestamptz not null default now()
);
create unique index index_companies_on_subdomain on public.companies (subdomain) where deleted_at is null;

create table public.users (
    id              bigserial primary key,
    company_id      bigint not null references public.companies on delete cascade,
    email           citext not null,
    first_name      text not null,
    last_name       text not null,
    role            text not null default 'member' check (role in ('owner', 'admin', 'member')),
    last_sign_in_at timestamptz,
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    constraint users_company_id_email_key unique (company_id, email)
);

-- a category tree shared by every tenant, kept as materialized ltree paths
create table public.categories (
    id         bigserial primary key,
    name       text not null,
    path       ltree not null unique,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);
create index index_categories_on_path on public.categories using gist (path);

create table public.contacts (
    id            bigserial primary key,
    company_id    bigint not null references public.companies on delete cascade,
    owner_id      bigint references public.users on delete set null,
    first_name    text not null,
    last_name     text,
    email         citext,
    phone         text,
    job_title     text,
    channels      public.contact_channel[] not null default '{}',
    custom_fields jsonb not null default '{}'::jsonb,
    deleted_at    timestamptz,
    lock_version  integer not null default 0,
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now()
);
create unique index index_contacts_on_company_id_and_email on public.contacts (company_id, email)
    where deleted_at is null;
create index index_contacts_on_custom_fields on public.contacts using gin (custom_fields);

create table public.deals (
    id                  bigserial primary key,
    company_id          bigint not null references public.companies on delete cascade,
    owner_id            bigint not null references public.users,
    category_id         bigint references public.categories on delete set null,
    title               text not null,
    amount              numeric(12,2) not null default 0 check (amount >= 0),
    currency            char(3) not null default 'USD',
    stage               text not null default 'lead'
                        check (stage in ('lead', 'qualified', 'proposal', 'negotiation', 'won', 'lost')),
    probability         integer not null default 10 check (probability between 0 and 100),
    expected_close_date date,
    closed_at           timestamptz,
    custom_fields       jsonb not null default '{}'::jsonb,
    deleted_at          timestamptz,
    lock_version        integer not null default 0,
    created_at          timestamptz not null default now(),
    updated_at          timestamptz not null default now(),
    constraint deals_closed_at_only_when_closed check (stage in ('won', 'lost') or closed_at is null)
);
create unique index index_deals_on_company_id_and_title on public.deals (company_id, lower(title))
    where deleted_at is null;

create table public.deal_contacts (
    deal_id    bigint not null references public.deals on delete cascade,
    contact_id bigint not null references public.contacts on delete cascade,
    role       text not null default 'influencer'
               check (role in ('decision_maker', 'champion', 'influencer', 'billing', 'technical')),
    created_at timestamptz not null default now(),
    primary key (deal_id, contact_id)
);

-- polymorphic: commentable_id points at contacts, deals or companies depending on commentable_type
create table public.notes (
    id               bigserial primary key,
    company_id       bigint not null references public.companies on delete cascade,
    author_id        bigint references public.users on delete set null,
    commentable_type text not null check (commentable_type in ('Contact', 'Deal', 'Company')),
    commentable_id   bigint not null,
    body             text not null,
    pinned           boolean not null default false,
    deleted_at       timestamptz,
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now()
);
create index index_notes_on_commentable on public.notes (commentable_type, commentable_id);

create table public.tasks (
    id           bigserial primary key,
    company_id   bigint not null references public.companies on delete cascade,
    assignee_id  bigint not null references public.users,
    deal_id      bigint references public.deals on delete cascade,
    title        text not null,
    priority     smallint not null default 2 check (priority between 1 and 3),
    due_at       timestamptz,
    completed_at timestamptz,
    lock_version integer not null default 0,
    created_at   timestamptz not null default now(),
    updated_at   timestamptz not null default now(),
    constraint tasks_completed_after_created check (completed_at is null or completed_at >= created_at)
);
create index index_tasks_on_assignee_id_and_due_at on public.tasks (assignee_id, due_at) where completed_at is null;

-- Pre-existing rows: the top of the shared category tree, loaded by a data migration.
insert into public.categories (name, path, created_at, updated_at) values
    ('Software', 'software', '2023-03-02', '2023-03-02'),
    ('Licenses', 'software.licenses', '2023-03-02', '2023-03-02'),
    ('Services', 'services', '2023-03-02', '2023-03-02'),
    ('Onboarding', 'services.onboarding', '2023-03-02', '2023-03-02');
