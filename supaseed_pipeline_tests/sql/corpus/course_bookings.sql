-- Corpus fixture: a Supabase online-course platform with bookable live sessions (LMS plus scheduling),
-- after patterns public projects of that kind share (written for supaseed, not copied). Needs the demo's
-- 00_roles.sql + 10_auth.sql. Patterns: organizations/members tenants (member_role enum) and composite FKs
-- carrying the tenant column; lesson positions unique per course DEFERRABLE INITIALLY DEFERRED;
-- lesson_progress referencing enrollments (course_id, user_id) and lessons (course_id, id); numeric(10,2)
-- prices, a currency CHECK, text statuses with cross-column cancelled_at CHECKs, jsonb settings, a capped
-- text[]; sessions with starts_at/ends_at and btree_gist EXCLUDEs per room and instructor; one-on-one
-- bookings over a tstzrange column with an EXCLUDE per instructor. RLS keyed on auth.uid().

create extension if not exists btree_gist;

create type public.member_role as enum ('owner', 'admin', 'instructor', 'student');

create table public.organizations (
    id         uuid not null primary key default gen_random_uuid(),
    name       text not null check (char_length(name) between 2 and 80),
    slug       text not null unique check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    settings   jsonb not null default '{}'::jsonb,
    created_at timestamptz not null default now()
);

create table public.organization_members (
    org_id    uuid not null references public.organizations on delete cascade,
    user_id   uuid not null references auth.users on delete cascade,
    role      public.member_role not null default 'student',
    joined_at timestamptz not null default now(),
    primary key (org_id, user_id)
);
create index organization_members_user_idx on public.organization_members (user_id);

-- Is the signed-in user a member of the organization (optionally with one of the given roles)?
create function public.is_org_member(org uuid, roles public.member_role[] default null) returns boolean
    language sql stable security definer set search_path = ''
as $$
    select exists (select 1 from public.organization_members m where m.org_id = org
                   and m.user_id = (select auth.uid()) and (roles is null or m.role = any (roles)));
$$;

create table public.courses (
    id            uuid not null primary key default gen_random_uuid(),
    org_id        uuid not null references public.organizations on delete cascade,
    instructor_id uuid not null,
    title         text not null check (char_length(title) between 3 and 120),
    price         numeric(10,2) not null default 0 check (price >= 0),
    currency      char(3) not null default 'USD' check (currency ~ '^[A-Z]{3}$'),
    tags          text[] not null default '{}' check (cardinality(tags) <= 5),
    status        text not null default 'draft' check (status in ('draft', 'published', 'archived')),
    published_at  timestamptz,
    created_at    timestamptz not null default now(),
    constraint published_has_date check (status = 'draft' or published_at is not null),
    foreign key (org_id, instructor_id) references public.organization_members (org_id, user_id)
);

create table public.lessons (
    id               uuid not null primary key default gen_random_uuid(),
    course_id        uuid not null references public.courses on delete cascade,
    position         integer not null check (position > 0),   -- reordering swaps positions in one transaction
    title            text not null,
    duration_minutes integer check (duration_minutes between 1 and 600),
    is_preview       boolean not null default false,
    constraint lessons_course_position_key unique (course_id, position) deferrable initially deferred,
    constraint lessons_course_id_key unique (course_id, id)
);

create table public.enrollments (
    id           uuid not null primary key default gen_random_uuid(),
    course_id    uuid not null references public.courses on delete cascade,
    user_id      uuid not null references auth.users on delete cascade,
    status       text not null default 'active' check (status in ('active', 'completed', 'cancelled')),
    amount_paid  numeric(10,2) not null default 0 check (amount_paid >= 0),
    enrolled_at  timestamptz not null default now(),
    cancelled_at timestamptz,
    unique (course_id, user_id),
    check (status <> 'cancelled' or cancelled_at is not null),
    check (status = 'cancelled' or cancelled_at is null)
);
create index enrollments_user_idx on public.enrollments (user_id);

create table public.lesson_progress (
    lesson_id    uuid not null,
    course_id    uuid not null,
    user_id      uuid not null,
    completed_at timestamptz,
    seconds_watched integer not null default 0 check (seconds_watched >= 0),
    primary key (lesson_id, user_id),
    foreign key (course_id, user_id) references public.enrollments (course_id, user_id) on delete cascade,
    foreign key (course_id, lesson_id) references public.lessons (course_id, id) on delete cascade
);

create table public.rooms (
    id       uuid not null primary key default gen_random_uuid(),
    org_id   uuid not null references public.organizations on delete cascade,
    name     text not null,
    capacity integer not null check (capacity between 1 and 500),
    unique (org_id, name),
    unique (org_id, id)
);

create table public.live_sessions (
    id            uuid not null primary key default gen_random_uuid(),
    org_id        uuid not null,
    course_id     uuid not null references public.courses on delete cascade,
    room_id       uuid not null,
    instructor_id uuid not null,
    starts_at     timestamptz not null,
    ends_at       timestamptz not null,
    status        text not null default 'scheduled' check (status in ('scheduled', 'completed', 'cancelled')),
    cancelled_at  timestamptz,
    check (ends_at > starts_at),
    check (status <> 'cancelled' or cancelled_at is not null),
    check (status = 'cancelled' or cancelled_at is null),
    foreign key (org_id, room_id) references public.rooms (org_id, id) on delete cascade,
    foreign key (org_id, instructor_id) references public.organization_members (org_id, user_id),
    constraint live_sessions_room_free exclude using gist
        (room_id with =, tstzrange(starts_at, ends_at) with &&) where (status <> 'cancelled'),
    constraint live_sessions_instructor_free exclude using gist
        (instructor_id with =, tstzrange(starts_at, ends_at) with &&) where (status <> 'cancelled')
);

-- One-on-one office hours: a student books an instructor of the same organization for a slot.
create table public.bookings (
    id            bigint generated always as identity primary key,
    org_id        uuid not null,
    instructor_id uuid not null,
    student_id    uuid not null,
    slot          tstzrange not null check (not isempty(slot) and not lower_inf(slot) and not upper_inf(slot)),
    price         numeric(10,2) not null check (price >= 0),
    currency      char(3) not null check (currency ~ '^[A-Z]{3}$'),
    status        text not null default 'pending' check (status in ('pending', 'confirmed', 'cancelled')),
    cancelled_at  timestamptz,
    created_at    timestamptz not null default now(),
    check (instructor_id <> student_id),
    check (status <> 'cancelled' or cancelled_at is not null),
    check (status = 'cancelled' or cancelled_at is null),
    foreign key (org_id, instructor_id) references public.organization_members (org_id, user_id) on delete cascade,
    foreign key (org_id, student_id) references public.organization_members (org_id, user_id) on delete cascade,
    constraint bookings_instructor_free exclude using gist (instructor_id with =, slot with &&)
        where (status <> 'cancelled')
);

do $$
declare t text;
begin
    foreach t in array array['organizations', 'organization_members', 'courses', 'lessons', 'enrollments',
                             'lesson_progress', 'rooms', 'live_sessions', 'bookings'] loop
        execute format('alter table public.%I enable row level security', t);
    end loop;
end $$;
create policy "Members see their organizations" on public.organizations for select to authenticated using (public.is_org_member(id));
create policy "Members see each other" on public.organization_members for select to authenticated using (public.is_org_member(org_id));
create policy "Published courses are public" on public.courses for select using (status = 'published');
create policy "Instructors manage their courses" on public.courses for all to authenticated
    using ((select auth.uid()) = instructor_id) with check ((select auth.uid()) = instructor_id);
create policy "Lessons of published courses are public" on public.lessons for select
    using (exists (select 1 from public.courses c where c.id = course_id and c.status = 'published'));
create policy "Students see their enrollments" on public.enrollments for select to authenticated using ((select auth.uid()) = user_id);
create policy "Students track their progress" on public.lesson_progress for all to authenticated
    using ((select auth.uid()) = user_id) with check ((select auth.uid()) = user_id);
create policy "Members see sessions" on public.live_sessions for select to authenticated using (public.is_org_member(org_id));
create policy "Students book as themselves" on public.bookings for insert to authenticated
    with check ((select auth.uid()) = student_id and public.is_org_member(org_id, '{student}'));
grant select on public.courses, public.lessons to anon;
grant select, insert, update, delete on all tables in schema public to authenticated, service_role;

-- Pre-existing rows: one user owning her organization, a published course with two lessons, a room and
-- a live session in it.
insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
                        raw_app_meta_data, raw_user_meta_data, created_at, updated_at,
                        confirmation_token, recovery_token, email_change_token_new, email_change)
values ('00000000-0000-0000-0000-000000000000', 'c0000000-0000-4000-8000-000000000001', 'authenticated',
        'authenticated', 'maria@existing.example', '', '2024-05-06 09:00:00+00',
        '{"provider":"email","providers":["email"]}', '{"full_name":"Maria Existing"}',
        '2024-05-06 09:00:00+00', '2024-05-06 09:00:00+00', '', '', '', '');
insert into public.organizations (id, name, slug, settings, created_at)
values ('c1000000-0000-4000-8000-000000000001', 'Existing Academy', 'existing-academy',
        '{"timezone":"Europe/Lisbon","booking_window_days":30}', '2024-05-06 09:05:00+00');
insert into public.organization_members (org_id, user_id, role, joined_at)
values ('c1000000-0000-4000-8000-000000000001', 'c0000000-0000-4000-8000-000000000001', 'owner', '2024-05-06 09:05:00+00');
insert into public.courses (id, org_id, instructor_id, title, price, currency, tags, status, published_at, created_at)
values ('c2000000-0000-4000-8000-000000000001', 'c1000000-0000-4000-8000-000000000001',
        'c0000000-0000-4000-8000-000000000001', 'Watercolor for Beginners', 49.00, 'EUR', '{art,painting}',
        'published', '2024-05-10 12:00:00+00', '2024-05-07 10:00:00+00');
insert into public.lessons (course_id, position, title, duration_minutes, is_preview)
values ('c2000000-0000-4000-8000-000000000001', 1, 'Materials and brushes', 12, true),
       ('c2000000-0000-4000-8000-000000000001', 2, 'Your first wash', 25, false);
insert into public.rooms (id, org_id, name, capacity)
values ('c3000000-0000-4000-8000-000000000001', 'c1000000-0000-4000-8000-000000000001', 'Studio A', 12);
insert into public.live_sessions (org_id, course_id, room_id, instructor_id, starts_at, ends_at)
values ('c1000000-0000-4000-8000-000000000001', 'c2000000-0000-4000-8000-000000000001',
        'c3000000-0000-4000-8000-000000000001', 'c0000000-0000-4000-8000-000000000001',
        '2024-06-01 17:00:00+00', '2024-06-01 18:30:00+00');
