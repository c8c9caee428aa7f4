-- Corpus fixture: a Supabase team workspace (issues board, scheduling, billing, security settings), written
-- for supaseed after the column types and constraints public Supabase projects use (not copied): the
-- supabase/supabase examples (user-management starter: profiles keyed by auth.users, username length
-- CHECKs; slack-clone: enum-typed roles/permissions, RLS through a security-definer helper), cal.com-style
-- schemas ported to Postgres (event types with durations and attendee bounds, weekly availability in
-- time columns, out-of-office date ranges, reminder offsets), dub / papermark / documenso (workspaces with
-- slugs unique per owner, a default item per workspace, audit logs with IP addresses, IP allow-lists,
-- waitlists unique on lower(email)), and migrations of Postgres apps that move emails to citext and
-- declare domains for hex colours and positive integers. Needs the demo's 00_roles.sql + 10_auth.sql.
-- Patterns: citext emails with a unique index; domains over text (hex colour regex) and integer (> 0);
-- a stored generated tsvector over coalesce(title) || body under a GIN index; inet and cidr columns;
-- interval reminder offsets with CHECK (> interval '0'); time opening hours with closes_at > opens_at;
-- int4range and daterange columns; unique indexes on lower(email) and (workspace_id, lower(slug)); regex,
-- char_length and cardinality CHECKs; an enum[] column; jsonb CHECK (jsonb_typeof = 'object'); board
-- positions unique DEFERRABLE INITIALLY DEFERRED; numeric(12,2) money with CHECK (>= 0); one default
-- project per workspace by a partial unique index. RLS keyed on auth.uid().

create extension if not exists citext;

create domain public.hex_color as text
    constraint hex_color_format check (value ~ '^#[0-9a-fA-F]{6}$');
create domain public.positive_int as integer
    constraint positive_int_positive check (value > 0);

create type public.workspace_role as enum ('owner', 'admin', 'member', 'guest');
create type public.notification_channel as enum ('email', 'push', 'sms', 'slack');
create type public.weekday as enum ('monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday');

create table public.profiles (
    id         uuid not null primary key references auth.users (id) on delete cascade,
    email      citext not null,
    username   text check (char_length(username) between 3 and 32 and username ~ '^[a-z0-9_]+$'),
    full_name  text check (char_length(full_name) <= 120),
    avatar_url text,
    timezone   text not null default 'UTC',
    updated_at timestamptz not null default now()
);
create unique index profiles_email_key on public.profiles (email);
create unique index profiles_username_key on public.profiles (username);

create table public.workspaces (
    id          uuid not null primary key default gen_random_uuid(),
    -- community workspaces predate accounts and belong to nobody
    owner_id    uuid references auth.users (id) on delete cascade,
    name        text not null check (char_length(name) between 2 and 64),
    slug        text not null check (char_length(slug) between 3 and 48 and slug ~ '^[a-z0-9-]+$'),
    brand_color public.hex_color not null default '#3ecf8e',
    seat_limit  public.positive_int not null default 5,
    settings    jsonb not null default '{}'::jsonb check (jsonb_typeof(settings) = 'object'),
    created_at  timestamptz not null default now()
);
create unique index workspaces_slug_key on public.workspaces (lower(slug));
create index workspaces_owner_idx on public.workspaces (owner_id);

create table public.workspace_members (
    workspace_id uuid not null references public.workspaces (id) on delete cascade,
    user_id      uuid not null references auth.users (id) on delete cascade,
    role         public.workspace_role not null default 'member',
    notify_via   public.notification_channel[] not null default '{email}'
                 check (cardinality(notify_via) between 1 and 4),
    joined_at    timestamptz not null default now(),
    primary key (workspace_id, user_id)
);
create index workspace_members_user_idx on public.workspace_members (user_id);

create function public.is_workspace_member(ws uuid) returns boolean
    language sql stable security definer set search_path = ''
as $$
    select exists (select 1 from public.workspace_members m where m.workspace_id = ws and m.user_id = (select auth.uid()));
$$;

create table public.invitations (
    id           uuid not null primary key default gen_random_uuid(),
    workspace_id uuid not null references public.workspaces (id) on delete cascade,
    email        text not null check (email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'),
    role         public.workspace_role not null default 'member' check (role <> 'owner'),
    invited_by   uuid not null references auth.users (id) on delete cascade,
    expires_at   timestamptz not null default now() + interval '7 days',
    created_at   timestamptz not null default now()
);
create unique index invitations_workspace_email_key on public.invitations (workspace_id, lower(email));

create table public.allowed_networks (
    id           bigint generated always as identity primary key,
    workspace_id uuid not null references public.workspaces (id) on delete cascade,
    network      cidr not null,
    label        text check (char_length(label) <= 60),
    created_at   timestamptz not null default now(),
    unique (workspace_id, network)
);

create table public.audit_log (
    id           bigint generated always as identity primary key,
    workspace_id uuid not null references public.workspaces (id) on delete cascade,
    actor_id     uuid references auth.users (id) on delete set null,
    action       text not null check (action ~ '^[a-z_]+\.[a-z_]+$'),
    ip_address   inet,
    user_agent   text,
    metadata     jsonb not null default '{}'::jsonb check (jsonb_typeof(metadata) = 'object'),
    created_at   timestamptz not null default now()
);
create index audit_log_workspace_created_idx on public.audit_log (workspace_id, created_at desc);

create table public.projects (
    id           uuid not null primary key default gen_random_uuid(),
    workspace_id uuid not null references public.workspaces (id) on delete cascade,
    name         text not null check (char_length(name) between 1 and 80),
    slug         text not null check (slug ~ '^[a-z0-9-]+$'),
    color        public.hex_color,
    is_default   boolean not null default false,
    budget       numeric(12,2) check (budget >= 0),
    tags         text[] not null default '{}' check (cardinality(tags) <= 5),
    created_by   uuid references auth.users (id) on delete set null,
    created_at   timestamptz not null default now()
);
create unique index projects_workspace_slug_key on public.projects (workspace_id, lower(slug));
-- one default project per workspace
create unique index projects_one_default_key on public.projects (workspace_id) where is_default;

create table public.board_columns (
    id         bigint generated always as identity primary key,
    project_id uuid not null references public.projects (id) on delete cascade,
    name       text not null check (char_length(name) between 1 and 40),
    position   public.positive_int not null,
    color      public.hex_color not null default '#94a3b8',
    wip_limit  public.positive_int,
    -- drag-and-drop reorders swap positions inside one transaction
    constraint board_columns_position_key unique (project_id, position) deferrable initially deferred
);

create table public.labels (
    id           bigint generated by default as identity primary key,
    -- built-in labels have no workspace
    workspace_id uuid references public.workspaces (id) on delete cascade,
    name         text not null check (char_length(name) between 1 and 32),
    color        public.hex_color not null
);
create unique index labels_workspace_name_key on public.labels (workspace_id, lower(name));

create table public.issues (
    id         bigint generated always as identity primary key,
    project_id uuid not null references public.projects (id) on delete cascade,
    column_id  bigint references public.board_columns (id) on delete set null,
    author_id  uuid not null references auth.users (id) on delete cascade,
    title      text not null check (char_length(title) between 1 and 200),
    body       text check (char_length(body) <= 10000),
    estimate   public.positive_int,
    due_on     date,
    search     tsvector generated always as
                   (to_tsvector('english', coalesce(title, '') || ' ' || coalesce(body, ''))) stored,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);
create index issues_project_idx on public.issues (project_id, created_at desc);
create index issues_search_idx on public.issues using gin (search);

create table public.issue_labels (
    issue_id bigint not null references public.issues (id) on delete cascade,
    label_id bigint not null references public.labels (id) on delete cascade,
    primary key (issue_id, label_id)
);

create table public.reminders (
    id            bigint generated always as identity primary key,
    issue_id      bigint not null references public.issues (id) on delete cascade,
    user_id       uuid not null references auth.users (id) on delete cascade,
    remind_before interval not null check (remind_before > interval '0' and remind_before <= interval '30 days'),
    channel       public.notification_channel not null default 'email',
    unique (issue_id, user_id, remind_before)
);

create table public.invoices (
    id           uuid not null primary key default gen_random_uuid(),
    workspace_id uuid not null references public.workspaces (id) on delete cascade,
    number       text not null unique check (number ~ '^INV-[0-9]{4,}$'),
    amount       numeric(12,2) not null check (amount >= 0),
    tax          numeric(12,2) not null default 0 check (tax >= 0),
    currency     char(3) not null default 'USD' check (currency ~ '^[A-Z]{3}$'),
    status       text not null default 'open' check (status in ('draft', 'open', 'paid', 'void')),
    issued_on    date not null default current_date,
    due_on       date not null,
    paid_at      timestamptz,
    constraint invoices_due_after_issue check (due_on >= issued_on),
    constraint invoices_paid_has_date check ((status = 'paid') = (paid_at is not null))
);

create table public.event_types (
    id              bigint generated always as identity primary key,
    workspace_id    uuid not null references public.workspaces (id) on delete cascade,
    owner_id        uuid not null references auth.users (id) on delete cascade,
    title           text not null check (char_length(title) between 1 and 100),
    slug            text not null check (slug ~ '^[a-z0-9-]+$'),
    duration        interval not null default interval '30 minutes'
                    check (duration > interval '0' and duration <= interval '8 hours'),
    attendees       int4range not null default int4range(1, 2, '[]')
                    check (lower(attendees) >= 1 and not upper_inf(attendees)),
    price           numeric(12,2) not null default 0 check (price >= 0),
    locations       jsonb not null default '[]'::jsonb check (jsonb_typeof(locations) = 'array'),
    created_at      timestamptz not null default now()
);
create unique index event_types_owner_slug_key on public.event_types (owner_id, lower(slug));

create table public.time_off (
    id       bigint generated always as identity primary key,
    user_id  uuid not null references auth.users (id) on delete cascade,
    period   daterange not null check (not isempty(period) and not lower_inf(period) and not upper_inf(period)),
    reason   text check (char_length(reason) <= 200),
    created_at timestamptz not null default now()
);

create table public.offices (
    id           uuid not null primary key default gen_random_uuid(),
    workspace_id uuid not null references public.workspaces (id) on delete cascade,
    name         text not null check (char_length(name) between 2 and 80),
    timezone     text not null default 'UTC',
    desks        public.positive_int not null
);

create table public.office_hours (
    office_id uuid not null references public.offices (id) on delete cascade,
    weekday   public.weekday not null,
    opens_at  time not null,
    closes_at time not null,
    primary key (office_id, weekday),
    constraint office_hours_order check (closes_at > opens_at)
);

create table public.waitlist (
    id         bigint generated always as identity primary key,
    email      text not null check (char_length(email) <= 254 and email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'),
    referrer   text,
    created_at timestamptz not null default now()
);
create unique index waitlist_email_key on public.waitlist (lower(email));

alter table public.profiles enable row level security;
alter table public.workspaces enable row level security;
alter table public.workspace_members enable row level security;
alter table public.invitations enable row level security;
alter table public.allowed_networks enable row level security;
alter table public.audit_log enable row level security;
alter table public.projects enable row level security;
alter table public.board_columns enable row level security;
alter table public.labels enable row level security;
alter table public.issues enable row level security;
alter table public.issue_labels enable row level security;
alter table public.reminders enable row level security;
alter table public.invoices enable row level security;
alter table public.event_types enable row level security;
alter table public.time_off enable row level security;
alter table public.offices enable row level security;
alter table public.office_hours enable row level security;
alter table public.waitlist enable row level security;
create policy "Profiles are public" on public.profiles for select using (true);
create policy "Users edit their own profile" on public.profiles for update to authenticated using ((select auth.uid()) = id);
create policy "Members see their workspaces" on public.workspaces for select to authenticated
    using (owner_id is null or public.is_workspace_member(id));
create policy "Owners edit their workspaces" on public.workspaces for update to authenticated using ((select auth.uid()) = owner_id);
create policy "Members see each other" on public.workspace_members for select to authenticated using (public.is_workspace_member(workspace_id));
create policy "Members see invitations" on public.invitations for select to authenticated using (public.is_workspace_member(workspace_id));
create policy "Members see allowed networks" on public.allowed_networks for select to authenticated using (public.is_workspace_member(workspace_id));
create policy "Members read the audit log" on public.audit_log for select to authenticated using (public.is_workspace_member(workspace_id));
create policy "Members see projects" on public.projects for select to authenticated using (public.is_workspace_member(workspace_id));
create policy "Members see board columns" on public.board_columns for select to authenticated
    using (exists (select 1 from public.projects p where p.id = project_id and public.is_workspace_member(p.workspace_id)));
create policy "Labels are visible to members" on public.labels for select to authenticated
    using (workspace_id is null or public.is_workspace_member(workspace_id));
create policy "Members see issues" on public.issues for select to authenticated
    using (exists (select 1 from public.projects p where p.id = project_id and public.is_workspace_member(p.workspace_id)));
create policy "Authors file issues as themselves" on public.issues for insert to authenticated with check ((select auth.uid()) = author_id);
create policy "Members see issue labels" on public.issue_labels for select to authenticated using (true);
create policy "Users manage their reminders" on public.reminders for all to authenticated using ((select auth.uid()) = user_id);
create policy "Members see invoices" on public.invoices for select to authenticated using (public.is_workspace_member(workspace_id));
create policy "Event types are public" on public.event_types for select using (true);
create policy "Owners manage their event types" on public.event_types for all to authenticated using ((select auth.uid()) = owner_id);
create policy "Users manage their time off" on public.time_off for all to authenticated using ((select auth.uid()) = user_id);
create policy "Members see offices" on public.offices for select to authenticated using (public.is_workspace_member(workspace_id));
create policy "Office hours are public" on public.office_hours for select using (true);
create policy "Anyone can join the waitlist" on public.waitlist for insert to anon, authenticated with check (true);
grant select on public.profiles, public.event_types, public.office_hours to anon;
grant insert on public.waitlist to anon;
grant select, insert, update, delete on all tables in schema public to authenticated, service_role;

-- Pre-existing rows: one user with her profile; the community workspace owned by nobody, with its default
-- project, three board columns, an allowed network and one audit entry; the built-in labels; a waitlist entry.
insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
                        raw_app_meta_data, raw_user_meta_data, created_at, updated_at,
                        confirmation_token, recovery_token, email_change_token_new, email_change)
values ('00000000-0000-0000-0000-000000000000', 'e0000000-0000-4000-8000-000000000001', 'authenticated',
        'authenticated', 'Noor@Existing.example', '', '2024-04-02 08:00:00+00',
        '{"provider":"email","providers":["email"]}', '{"full_name":"Noor Existing"}',
        '2024-04-02 08:00:00+00', '2024-04-02 08:00:00+00', '', '', '', '');
insert into public.profiles (id, email, username, full_name, timezone, updated_at)
values ('e0000000-0000-4000-8000-000000000001', 'Noor@Existing.example', 'noor', 'Noor Existing', 'Asia/Dubai',
        '2024-04-02 08:01:00+00');
insert into public.workspaces (id, owner_id, name, slug, brand_color, seat_limit, settings, created_at)
values ('e1000000-0000-4000-8000-000000000001', null, 'Community', 'community', '#6366F1', 500,
        '{"public":true,"default_role":"guest"}', '2024-01-15 00:00:00+00');
insert into public.workspace_members (workspace_id, user_id, role, notify_via, joined_at)
values ('e1000000-0000-4000-8000-000000000001', 'e0000000-0000-4000-8000-000000000001', 'admin', '{email,slack}',
        '2024-04-02 08:02:00+00');
insert into public.projects (id, workspace_id, name, slug, color, is_default, tags, created_at)
values ('e2000000-0000-4000-8000-000000000001', 'e1000000-0000-4000-8000-000000000001', 'Feedback', 'feedback',
        '#f59e0b', true, '{community,feedback}', '2024-01-15 00:00:00+00');
insert into public.board_columns (project_id, name, position, color)
values ('e2000000-0000-4000-8000-000000000001', 'Backlog', 1, '#94a3b8'),
       ('e2000000-0000-4000-8000-000000000001', 'In progress', 2, '#3b82f6'),
       ('e2000000-0000-4000-8000-000000000001', 'Done', 3, '#22c55e');
insert into public.labels (workspace_id, name, color)
values (null, 'bug', '#ef4444'), (null, 'feature', '#22c55e'), (null, 'docs', '#0ea5e9');
insert into public.allowed_networks (workspace_id, network, label, created_at)
values ('e1000000-0000-4000-8000-000000000001', '10.20.0.0/16', 'Office VPN', '2024-04-02 08:03:00+00');
insert into public.audit_log (workspace_id, actor_id, action, ip_address, user_agent, metadata, created_at)
values ('e1000000-0000-4000-8000-000000000001', 'e0000000-0000-4000-8000-000000000001', 'member.joined',
        '10.20.3.14', 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15', '{"role":"admin"}',
        '2024-04-02 08:02:00+00');
insert into public.waitlist (email, referrer, created_at)
values ('early.bird@example.org', 'producthunt', '2024-01-20 10:30:00+00');
