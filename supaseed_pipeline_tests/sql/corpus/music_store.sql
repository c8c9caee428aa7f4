-- Corpus fixture: a digital music store in the style of the Chinook sample database (written for
-- supaseed, not copied). Plain PostgreSQL, no auth schema.
-- Patterns: plain integer keys the application assigns (no serial), smallint lookup keys (media types,
-- genres), artist -> album -> track, a playlist junction with a composite key, an employee hierarchy
-- (reports_to self reference) that customers point at as their support rep, invoices with billing
-- address columns and a total, invoice lines with unit price and quantity CHECKs, song durations in
-- milliseconds and sizes in bytes.

create table public.artist (
    artist_id integer primary key,
    name      varchar(120)
);
create table public.album (
    album_id  integer primary key,
    title     varchar(160) not null,
    artist_id integer not null references public.artist
);
create table public.media_type (
    media_type_id smallint primary key,
    name          varchar(120)
);
create table public.genre (
    genre_id smallint primary key,
    name     varchar(120)
);
create table public.track (
    track_id      integer primary key,
    name          varchar(200) not null,
    album_id      integer references public.album,
    media_type_id smallint not null references public.media_type,
    genre_id      smallint references public.genre,
    composer      varchar(220),
    milliseconds  integer not null check (milliseconds > 0),
    bytes         integer check (bytes > 0),
    unit_price    numeric(10,2) not null check (unit_price >= 0)
);
create table public.playlist (
    playlist_id integer primary key,
    name        varchar(120)
);
create table public.playlist_track (
    playlist_id integer not null references public.playlist,
    track_id    integer not null references public.track,
    primary key (playlist_id, track_id)
);
create table public.employee (
    employee_id integer primary key,
    last_name   varchar(20) not null,
    first_name  varchar(20) not null,
    title       varchar(30),
    reports_to  integer references public.employee,
    birth_date  timestamp,
    hire_date   timestamp,
    address     varchar(70),
    city        varchar(40),
    state       varchar(40),
    country     varchar(40),
    postal_code varchar(10),
    phone       varchar(24),
    fax         varchar(24),
    email       varchar(60),
    constraint employee_hired_after_birth check (hire_date > birth_date)
);
create table public.customer (
    customer_id    integer primary key,
    first_name     varchar(40) not null,
    last_name      varchar(20) not null,
    company        varchar(80),
    address        varchar(70),
    city           varchar(40),
    state          varchar(40),
    country        varchar(40),
    postal_code    varchar(10),
    phone          varchar(24),
    fax            varchar(24),
    email          varchar(60) not null unique,
    support_rep_id integer references public.employee
);
create table public.invoice (
    invoice_id          integer primary key,
    customer_id         integer not null references public.customer,
    invoice_date        timestamp not null,
    billing_address     varchar(70),
    billing_city        varchar(40),
    billing_state       varchar(40),
    billing_country     varchar(40),
    billing_postal_code varchar(10),
    total               numeric(10,2) not null check (total >= 0)
);
create table public.invoice_line (
    invoice_line_id integer primary key,
    invoice_id      integer not null references public.invoice,
    track_id        integer not null references public.track,
    unit_price      numeric(10,2) not null check (unit_price >= 0),
    quantity        integer not null check (quantity > 0)
);
create index ifk_track_album_id on public.track (album_id);
create index ifk_invoice_line_invoice_id on public.invoice_line (invoice_id);

-- Pre-existing rows: the lookups a user loads first (media types, genres).
insert into public.media_type values (1, 'MPEG audio file'), (2, 'Protected AAC audio file'), (3, 'AAC audio file');
insert into public.genre values (1, 'Rock'), (2, 'Jazz'), (3, 'Metal'), (4, 'Latin'), (5, 'Blues');
