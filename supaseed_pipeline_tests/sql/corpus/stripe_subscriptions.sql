-- Corpus fixture: Stripe subscriptions synced into Supabase, after the patterns of the Vercel/Supabase
-- subscription-payments starter (written for supaseed, not copied). Needs 00_roles.sql + 10_auth.sql.
-- Patterns: provider-id text keys (prod_…, price_…, sub_…), pricing_type / pricing_plan_interval /
-- subscription_status enums, a 3-letter currency CHECK, bigint amounts in cents, period and trial
-- start/end pairs, a users table filled by a trigger on auth.users, customers keyed by the auth user.

create table public.users (
    id              uuid references auth.users not null primary key,
    full_name       text,
    avatar_url      text,
    billing_address jsonb,
    payment_method  jsonb
);
alter table public.users enable row level security;
create policy "Can view own user data." on public.users for select using ((select auth.uid()) = id);
create policy "Can update own user data." on public.users for update using ((select auth.uid()) = id);

create function public.handle_new_user() returns trigger
    language plpgsql security definer set search_path = ''
as $$
begin
    insert into public.users (id, full_name, avatar_url)
    values (new.id, new.raw_user_meta_data ->> 'full_name', new.raw_user_meta_data ->> 'avatar_url');
    return new;
end;
$$;
create trigger on_auth_user_created after insert on auth.users
    for each row execute procedure public.handle_new_user();

-- Private: only the service role reads it.
create table public.customers (
    id                 uuid references auth.users not null primary key,
    stripe_customer_id text unique
);
alter table public.customers enable row level security;

create table public.products (
    id          text primary key,
    active      boolean,
    name        text,
    description text,
    image       text,
    metadata    jsonb
);
alter table public.products enable row level security;
create policy "Allow public read-only access." on public.products for select using (true);

create type public.pricing_type as enum ('one_time', 'recurring');
create type public.pricing_plan_interval as enum ('day', 'week', 'month', 'year');

create table public.prices (
    id                text primary key,
    product_id        text references public.products,
    active            boolean,
    description       text,
    unit_amount       bigint,
    currency          text check (char_length(currency) = 3),
    type              public.pricing_type,
    interval          public.pricing_plan_interval,
    interval_count    integer,
    trial_period_days integer,
    metadata          jsonb
);
alter table public.prices enable row level security;
create policy "Allow public read-only access." on public.prices for select using (true);

create type public.subscription_status as enum
    ('trialing', 'active', 'canceled', 'incomplete', 'incomplete_expired', 'past_due', 'unpaid', 'paused');

create table public.subscriptions (
    id                   text primary key,
    user_id              uuid references auth.users not null,
    status               public.subscription_status,
    metadata             jsonb,
    price_id             text references public.prices,
    quantity             integer,
    cancel_at_period_end boolean,
    created              timestamptz default timezone('utc'::text, now()) not null,
    current_period_start timestamptz default timezone('utc'::text, now()) not null,
    current_period_end   timestamptz default timezone('utc'::text, now()) not null,
    ended_at             timestamptz default timezone('utc'::text, now()),
    cancel_at            timestamptz default timezone('utc'::text, now()),
    canceled_at          timestamptz default timezone('utc'::text, now()),
    trial_start          timestamptz default timezone('utc'::text, now()),
    trial_end            timestamptz default timezone('utc'::text, now())
);
alter table public.subscriptions enable row level security;
create policy "Can only view own subs data." on public.subscriptions for select using ((select auth.uid()) = user_id);

grant select on public.products, public.prices to anon, authenticated;
grant select, update on public.users to authenticated;
grant all on all tables in schema public to service_role;

-- Pre-existing rows: one paying user and her Stripe customer (the catalogue is left to the seeder).
insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
                        raw_app_meta_data, raw_user_meta_data, created_at, updated_at,
                        confirmation_token, recovery_token, email_change_token_new, email_change)
values ('00000000-0000-0000-0000-000000000000', 'b0000000-0000-4000-8000-000000000001', 'authenticated',
        'authenticated', 'grace@existing.example', '', '2024-03-01 12:00:00+00',
        '{"provider":"email","providers":["email"]}', '{"full_name":"Grace Existing"}',
        '2024-03-01 12:00:00+00', '2024-03-01 12:00:00+00', '', '', '', '');
insert into public.customers (id, stripe_customer_id) values ('b0000000-0000-4000-8000-000000000001', 'cus_Existing0001');
insert into public.subscriptions (id, user_id, status, metadata, price_id, quantity, cancel_at_period_end, created,
                                  current_period_start, current_period_end, ended_at, cancel_at, canceled_at,
                                  trial_start, trial_end)
values ('sub_Existing0001', 'b0000000-0000-4000-8000-000000000001', 'active', '{}', null, 1, false,
        '2024-03-01 12:05:00+00', '2024-03-15 12:05:00+00', '2024-04-15 12:05:00+00', null, null, null,
        '2024-03-01 12:05:00+00', '2024-03-15 12:05:00+00');
