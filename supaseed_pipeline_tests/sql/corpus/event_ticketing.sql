-- Corpus fixture: event ticketing on Supabase, after the patterns open-source ticketing backends on Postgres
-- share (Pretix / Hi.Events / Supabase event starters; written for supaseed, not copied).
-- Needs the demo's 00_roles.sql + 10_auth.sql.
-- Patterns: venues with a positive capacity and a time zone from a short IANA list, events with a start
-- before their end, a stored generated duration interval and a sales window closing by the start, ticket
-- types priced in plain numeric with a 1..10 per-order cap and a UNIQUE NULLS NOT DISTINCT key over a
-- nullable variant (PG15+), orders by auth users, tickets whose code comes from a sequence inside an
-- expression default, an int[] of seat numbers capped at 10 and a check-in no earlier than the issue,
-- an AFTER INSERT trigger writing a jsonb snapshot of each order to an activity log, and page views
-- hash-partitioned by event with the foreign key on the parent. RLS keyed on auth.uid().

create table public.venues (
    id         uuid not null primary key default gen_random_uuid(),
    name       text not null,
    city       text not null,
    capacity   integer not null check (capacity > 0),
    time_zone  text not null default 'Europe/Berlin'
        check (time_zone in ('Europe/Berlin', 'Europe/London', 'America/New_York', 'America/Los_Angeles',
                             'Asia/Tokyo', 'Australia/Sydney')),
    created_at timestamptz not null default now()
);

create table public.events (
    id           uuid not null primary key default gen_random_uuid(),
    organizer_id uuid not null references auth.users on delete cascade,
    venue_id     uuid references public.venues on delete set null,
    title        text not null check (char_length(title) between 3 and 120),
    slug         text not null unique check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    starts_at    timestamptz not null,
    ends_at      timestamptz not null,
    duration     interval generated always as (ends_at - starts_at) stored,
    sales_start  timestamptz,
    sales_end    timestamptz,
    metadata     jsonb not null default '{}',
    created_at   timestamptz not null default now(),
    constraint event_window check (starts_at < ends_at),
    constraint sales_window check (sales_end <= starts_at and sales_start < sales_end)
);
create index events_organizer_idx on public.events (organizer_id, starts_at);

create table public.ticket_types (
    id            bigint generated always as identity primary key,
    event_id      uuid not null references public.events on delete cascade,
    name          text not null,
    variant       text,
    price         numeric not null check (price >= 0),
    quantity      integer not null check (quantity >= 0),
    max_per_order smallint not null default 4 check (max_per_order between 1 and 10),
    constraint ticket_types_name_key unique nulls not distinct (event_id, name, variant)
);

create table public.orders (
    id         uuid not null primary key default gen_random_uuid(),
    event_id   uuid not null references public.events on delete restrict,
    buyer_id   uuid not null references auth.users on delete restrict,
    email      text not null check (email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'),
    status     text not null default 'reserved'
        check (status in ('reserved', 'paid', 'cancelled', 'refunded')),
    total      numeric not null default 0 check (total >= 0),
    currency   char(3) not null default 'EUR' check (currency ~ '^[A-Z]{3}$'),
    created_at timestamptz not null default now()
);
create index orders_buyer_idx on public.orders (buyer_id, created_at desc);

create sequence public.ticket_code_seq;

create table public.tickets (
    id             uuid not null primary key default gen_random_uuid(),
    order_id       uuid not null references public.orders on delete cascade,
    ticket_type_id bigint not null references public.ticket_types on delete restrict,
    code           text not null unique default 'TKT-' || lpad(nextval('public.ticket_code_seq')::text, 8, '0'),
    attendee_name  text,
    seat_numbers   int[] check (array_length(seat_numbers, 1) <= 10),
    metadata       jsonb not null default '{}',
    created_at     timestamptz not null default now(),
    checked_in_at  timestamptz,
    constraint checked_in_after_issue check (checked_in_at is null or checked_in_at >= created_at)
);
create index tickets_order_idx on public.tickets (order_id);

create table public.activity_log (
    id         bigint generated always as identity primary key,
    table_name text not null,
    row_id     uuid not null,
    action     text not null check (action in ('insert', 'update', 'delete')),
    snapshot   jsonb not null,
    created_at timestamptz not null default now()
);

-- Every new order is recorded with a copy of the row, as the organizer's audit trail.
create function public.log_order_activity() returns trigger
    language plpgsql security definer set search_path = ''
as $$
begin
    insert into public.activity_log (table_name, row_id, action, snapshot)
    values (tg_table_name, new.id, 'insert', to_jsonb(new));
    return null;
end;
$$;
create trigger orders_log_activity after insert on public.orders
    for each row execute function public.log_order_activity();

create table public.page_views (
    id        bigint generated always as identity,
    event_id  uuid not null references public.events on delete cascade,
    country   char(2) check (country ~ '^[A-Z]{2}$'),
    referrer  text,
    viewed_at timestamptz not null default now(),
    primary key (event_id, id)
) partition by hash (event_id);
create table public.page_views_p0 partition of public.page_views for values with (modulus 4, remainder 0);
create table public.page_views_p1 partition of public.page_views for values with (modulus 4, remainder 1);
create table public.page_views_p2 partition of public.page_views for values with (modulus 4, remainder 2);
create table public.page_views_p3 partition of public.page_views for values with (modulus 4, remainder 3);

alter table public.venues enable row level security;
alter table public.events enable row level security;
alter table public.ticket_types enable row level security;
alter table public.orders enable row level security;
alter table public.tickets enable row level security;
alter table public.activity_log enable row level security;
create policy "Venues are public" on public.venues for select using (true);
create policy "Events are public" on public.events for select using (true);
create policy "Organizers manage their events" on public.events for all to authenticated
    using ((select auth.uid()) = organizer_id) with check ((select auth.uid()) = organizer_id);
create policy "Ticket types are public" on public.ticket_types for select using (true);
create policy "Buyers read their orders" on public.orders for select to authenticated
    using ((select auth.uid()) = buyer_id);
create policy "Buyers read their tickets" on public.tickets for select to authenticated
    using (exists (select 1 from public.orders o where o.id = order_id and o.buyer_id = (select auth.uid())));
grant select on all tables in schema public to anon;
grant select, insert, update, delete on all tables in schema public to authenticated, service_role;

-- Pre-existing rows: an organizer with a venue, one event with two ticket types (one without a variant).
insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
                        raw_app_meta_data, raw_user_meta_data, created_at, updated_at,
                        confirmation_token, recovery_token, email_change_token_new, email_change)
values ('00000000-0000-0000-0000-000000000000', 'f0000000-0000-4000-8000-000000000001', 'authenticated',
        'authenticated', 'jonas@existing.example', '', '2024-03-01 10:00:00+00',
        '{"provider":"email","providers":["email"]}', '{"full_name":"Jonas Existing"}',
        '2024-03-01 10:00:00+00', '2024-03-01 10:00:00+00', '', '', '', '');
insert into public.venues (id, name, city, capacity, time_zone, created_at)
values ('f1000000-0000-4000-8000-000000000001', 'Kesselhaus', 'Berlin', 900, 'Europe/Berlin',
        '2024-03-01 10:05:00+00');
insert into public.events (id, organizer_id, venue_id, title, slug, starts_at, ends_at, sales_start, sales_end,
                           metadata, created_at)
values ('f2000000-0000-4000-8000-000000000001', 'f0000000-0000-4000-8000-000000000001',
        'f1000000-0000-4000-8000-000000000001', 'Open Source Summit Berlin', 'oss-summit-berlin',
        '2024-09-12 08:00:00+00', '2024-09-13 17:00:00+00', '2024-04-01 00:00:00+00', '2024-09-11 22:00:00+00',
        '{"tags": ["conference", "open-source"]}', '2024-03-01 10:10:00+00');
insert into public.ticket_types (event_id, name, variant, price, quantity, max_per_order)
values ('f2000000-0000-4000-8000-000000000001', 'Conference pass', null, 249.00, 600, 5),
       ('f2000000-0000-4000-8000-000000000001', 'Conference pass', 'Student', 79.50, 100, 1);
