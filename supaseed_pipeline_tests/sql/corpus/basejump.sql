-- Corpus fixture: a basejump-style multi-tenant kit (written for supaseed after the patterns of
-- usebasejump/basejump, not copied). Needs 00_roles.sql + 10_auth.sql. Seed with schemas basejump + public.
-- Patterns: accounts in their own schema with a `personal_account` flag and a slug CHECK tied to it,
-- `account_user` memberships with an `account_role` enum and a composite key, a personal account per
-- auth user made by a trigger, timestamp and user-tracking triggers reading auth.uid(), invitations whose
-- NOT NULL `invited_by_user_id` is set from auth.uid() by a BEFORE INSERT trigger, billing tables with
-- provider ids and a provider CHECK, and app tables in public hanging off basejump.accounts.

create schema basejump;
grant usage on schema basejump to authenticated, service_role;

create type basejump.account_role as enum ('owner', 'member');
create type basejump.invitation_type as enum ('one_time', '24_hour');
create type basejump.subscription_status as enum
    ('trialing', 'active', 'canceled', 'incomplete', 'incomplete_expired', 'past_due', 'unpaid');

create table basejump.config (
    enable_team_accounts            boolean default true,
    enable_personal_account_billing boolean default true,
    enable_team_account_billing     boolean default true,
    billing_provider                text default 'stripe'
);
insert into basejump.config (enable_team_accounts, enable_personal_account_billing, enable_team_account_billing)
values (true, true, true);

create function basejump.trigger_set_timestamps() returns trigger
    language plpgsql
as $$
begin
    if tg_op = 'INSERT' then
        new.created_at = now();
        new.updated_at = now();
    else
        new.updated_at = now();
        new.created_at = old.created_at;
    end if;
    return new;
end
$$;

create function basejump.trigger_set_user_tracking() returns trigger
    language plpgsql
as $$
begin
    if tg_op = 'INSERT' then
        new.created_by = auth.uid();
        new.updated_by = auth.uid();
    else
        new.updated_by = auth.uid();
        new.created_by = old.created_by;
    end if;
    return new;
end
$$;

create table basejump.accounts (
    id                    uuid unique not null default extensions.uuid_generate_v4(),
    primary_owner_user_id uuid references auth.users not null default auth.uid(),
    name                  text,
    slug                  text unique,
    personal_account      boolean default false not null,
    updated_at            timestamptz,
    created_at            timestamptz,
    created_by            uuid references auth.users,
    updated_by            uuid references auth.users,
    private_metadata      jsonb default '{}'::jsonb,
    public_metadata       jsonb default '{}'::jsonb,
    primary key (id)
);
alter table basejump.accounts add constraint basejump_accounts_slug_null_if_personal_account_true check (
    (personal_account = true and slug is null) or (personal_account = false and slug is not null));

create trigger basejump_set_accounts_timestamp before insert or update on basejump.accounts
    for each row execute procedure basejump.trigger_set_timestamps();
create trigger basejump_set_accounts_user_tracking before insert or update on basejump.accounts
    for each row execute procedure basejump.trigger_set_user_tracking();

-- Slugs: lower-case, hyphenated.
create function basejump.slugify_account_slug() returns trigger
    language plpgsql
as $$
begin
    if new.slug is not null then
        new.slug = lower(regexp_replace(new.slug, '[^a-zA-Z0-9-]+', '-', 'g'));
    end if;
    return new;
end
$$;
create trigger basejump_slugify_account_slug before insert or update on basejump.accounts
    for each row execute procedure basejump.slugify_account_slug();

create table basejump.account_user (
    user_id      uuid references auth.users on delete cascade not null,
    account_id   uuid references basejump.accounts on delete cascade not null,
    account_role basejump.account_role not null,
    constraint account_user_pkey primary key (user_id, account_id)
);

-- The creator of a team account becomes its owner (only when the creator is the JWT user).
create function basejump.add_current_user_to_new_account() returns trigger
    language plpgsql security definer set search_path = public
as $$
begin
    if new.primary_owner_user_id = auth.uid() then
        insert into basejump.account_user (account_id, user_id, account_role)
        values (new.id, auth.uid(), 'owner');
    end if;
    return new;
end;
$$;
create trigger basejump_add_current_user_to_new_account after insert on basejump.accounts
    for each row execute function basejump.add_current_user_to_new_account();

-- Every auth user gets a personal account with the same id, and owns it.
create function basejump.run_new_user_setup() returns trigger
    language plpgsql security definer set search_path = public
as $$
declare
    first_account_id uuid;
    generated_user_name text;
begin
    if new.email is not null then
        generated_user_name := split_part(new.email, '@', 1);
    end if;
    insert into basejump.accounts (id, name, primary_owner_user_id, personal_account)
    values (new.id, generated_user_name, new.id, true)
    returning id into first_account_id;
    insert into basejump.account_user (account_id, user_id, account_role)
    values (first_account_id, new.id, 'owner');
    return new;
end;
$$;
create trigger on_auth_user_created after insert on auth.users
    for each row execute procedure basejump.run_new_user_setup();

create function basejump.has_role_on_account(account_id uuid, account_role basejump.account_role default null)
    returns boolean language sql security definer stable set search_path = public
as $$
    select exists (select 1 from basejump.account_user wu
                   where wu.user_id = auth.uid() and wu.account_id = has_role_on_account.account_id
                     and (wu.account_role = has_role_on_account.account_role or has_role_on_account.account_role is null));
$$;

create table basejump.invitations (
    id                 uuid unique not null default extensions.uuid_generate_v4(),
    account_role       basejump.account_role not null,
    account_id         uuid references basejump.accounts (id) on delete cascade not null,
    token              text unique not null default replace(gen_random_uuid()::text, '-', ''),
    invited_by_user_id uuid references auth.users not null,
    account_name       text,
    updated_at         timestamptz,
    created_at         timestamptz,
    invitation_type    basejump.invitation_type not null,
    primary key (id)
);

-- The inviter is the signed-in user; the account name is copied for the invitation e-mail.
create function basejump.trigger_set_invitation_details() returns trigger
    language plpgsql
as $$
begin
    new.invited_by_user_id = auth.uid();
    new.account_name = (select name from basejump.accounts where id = new.account_id);
    return new;
end
$$;
create trigger basejump_trigger_set_invitation_details before insert on basejump.invitations
    for each row execute function basejump.trigger_set_invitation_details();
create trigger basejump_set_invitations_timestamp before insert or update on basejump.invitations
    for each row execute procedure basejump.trigger_set_timestamps();

create table basejump.billing_customers (
    account_id uuid references basejump.accounts (id) on delete cascade not null,
    id         text primary key,
    email      text,
    active     boolean,
    provider   text check (provider in ('stripe'))
);

create table basejump.billing_subscriptions (
    id                   text primary key,
    account_id           uuid references basejump.accounts (id) on delete cascade not null,
    billing_customer_id  text references basejump.billing_customers (id) on delete cascade not null,
    status               basejump.subscription_status,
    metadata             jsonb,
    price_id             text,
    plan_name            text,
    quantity             int,
    cancel_at_period_end boolean,
    created              timestamptz default timezone('utc'::text, now()) not null,
    current_period_start timestamptz default timezone('utc'::text, now()) not null,
    current_period_end   timestamptz default timezone('utc'::text, now()) not null,
    ended_at             timestamptz,
    cancel_at            timestamptz,
    canceled_at          timestamptz,
    trial_start          timestamptz,
    trial_end            timestamptz,
    provider             text check (provider in ('stripe'))
);

-- The app itself: projects owned by accounts, tasks inside them.
create table public.projects (
    id          uuid primary key default gen_random_uuid(),
    account_id  uuid not null references basejump.accounts on delete cascade,
    name        text not null,
    description text,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now(),
    unique (account_id, name)
);
create table public.tasks (
    id          bigint generated by default as identity primary key,
    project_id  uuid not null references public.projects on delete cascade,
    assignee_id uuid references auth.users,
    title       text not null,
    done        boolean not null default false,
    due_on      date,
    priority    smallint not null default 2 check (priority between 1 and 4),
    created_at  timestamptz not null default now()
);

alter table basejump.config enable row level security;
alter table basejump.accounts enable row level security;
alter table basejump.account_user enable row level security;
alter table basejump.invitations enable row level security;
alter table basejump.billing_customers enable row level security;
alter table basejump.billing_subscriptions enable row level security;
alter table public.projects enable row level security;
alter table public.tasks enable row level security;
create policy "Accounts are viewable by members" on basejump.accounts for select to authenticated
    using (basejump.has_role_on_account(id) = true);
create policy "Team accounts can be created by any user" on basejump.accounts for insert to authenticated
    with check (personal_account = false);
create policy "users can view their own account_users" on basejump.account_user for select to authenticated
    using (user_id = auth.uid());
create policy "Invitations can be created by account owners" on basejump.invitations for insert to authenticated
    with check ((select personal_account from basejump.accounts where id = account_id) = false
                and basejump.has_role_on_account(account_id, 'owner') = true);
create policy "Projects are visible to members" on public.projects for all to authenticated
    using (basejump.has_role_on_account(account_id));
grant select, insert, update, delete on all tables in schema basejump to authenticated, service_role;
grant select, insert, update, delete on public.projects, public.tasks to authenticated, service_role;

-- Pre-existing rows: one user (personal account + owner membership by trigger), her team and a project.
insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
                        raw_app_meta_data, raw_user_meta_data, created_at, updated_at,
                        confirmation_token, recovery_token, email_change_token_new, email_change)
values ('00000000-0000-0000-0000-000000000000', 'd0000000-0000-4000-8000-000000000001', 'authenticated',
        'authenticated', 'linus@existing.example', '', '2024-04-01 08:00:00+00',
        '{"provider":"email","providers":["email"]}', '{}', '2024-04-01 08:00:00+00', '2024-04-01 08:00:00+00',
        '', '', '', '');
select set_config('request.jwt.claims', '{"sub":"d0000000-0000-4000-8000-000000000001","role":"authenticated"}', true);
insert into basejump.accounts (id, name, slug, primary_owner_user_id, personal_account)
values ('d0000000-0000-4000-8000-0000000000aa', 'Existing Team', 'existing-team', 'd0000000-0000-4000-8000-000000000001', false);
insert into basejump.invitations (account_role, account_id, invitation_type, token)
values ('member', 'd0000000-0000-4000-8000-0000000000aa', 'one_time', 'existing-invite-token-0001');
select set_config('request.jwt.claims', '', true);
insert into public.projects (account_id, name, description, created_at, updated_at)
values ('d0000000-0000-4000-8000-0000000000aa', 'Website relaunch', 'New marketing site', '2024-04-02 08:00:00+00',
        '2024-04-02 08:00:00+00');
