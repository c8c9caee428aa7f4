-- Corpus fixture: two shapes in one database (written for supaseed, not copied). Plain PostgreSQL, no auth schema.
-- (1) What `manage.py migrate` leaves behind for a Django 3.2/4.0 project with django.contrib.auth, contenttypes,
--     admin and sessions plus a `blog` app, in the shape of `manage.py sqlmigrate` output for PostgreSQL (e.g.
--     niledatabase/niledatabase examples/quickstart/django/nilemigrations/*.sql, the "Django by Example" blog app).
--     Patterns: <app>_<model> table names and `_id` FK columns; serial keys on the contrib apps and bigserial on
--     the app and on auto-created many-to-many tables (DEFAULT_AUTO_FIELD = BigAutoField); every FK added by
--     ALTER TABLE as DEFERRABLE INITIALLY DEFERRED with a hashed <table>_<column>_<hash>_fk_<target> name and
--     an index of its own; `_like` varchar_pattern_ops indexes beside unique / indexed varchars; no column
--     defaults at all (Django fills them in Python): NOT NULL booleans and timestamps without DEFAULT;
--     unique-together pairs (content type app_label + model, permission content_type_id + codename, the m2m
--     junctions); a PositiveSmallIntegerField CHECK (action_flag >= 0); a session table keyed by a 40-char
--     string with an expire_date index; Meta.constraints CHECKs named <table>_<field>_check; a ManyToMany
--     through table blog_post_tags. The user already migrated: content types, permissions, the migration log
--     and one superuser exist.
-- (2) The MySQL "world" sample as ported to PostgreSQL (pgfoundry dbsamples world-1.0, e.g.
--     ghusta/docker-postgres-world-db scripts/world.sql): a char(3) ISO code as country key, a continent CHECK
--     over the seven continents, real / numeric(10,2) statistics, a (countrycode, language) composite key and
--     the country.capital -> city.id <-> city.countrycode -> country.code cycle (capital nullable, neither FK
--     deferrable). The city key is a serial here and city.countrycode carries the FK added in world 2.1.

-- ---------------------------------------------------------------------------------------------- contenttypes
create table public.django_content_type (
    "id"        serial not null primary key,
    "app_label" varchar(100) not null,
    "model"     varchar(100) not null,
    constraint "django_content_type_app_label_model_5e1c8a3f_uniq" unique ("app_label", "model")
);

-- ------------------------------------------------------------------------------------------------------ auth
create table public.auth_permission (
    "id"              serial not null primary key,
    "name"            varchar(255) not null,
    "content_type_id" integer not null,
    "codename"        varchar(100) not null,
    constraint "auth_permission_content_type_id_codename_7c2e90d4_uniq" unique ("content_type_id", "codename")
);
alter table public.auth_permission add constraint "auth_permission_content_type_id_4b1a7e02_fk_django_co"
    foreign key ("content_type_id") references public.django_content_type ("id") deferrable initially deferred;
create index "auth_permission_content_type_id_4b1a7e02" on public.auth_permission ("content_type_id");

create table public.auth_group (
    "id"   serial not null primary key,
    "name" varchar(150) not null unique
);
create index "auth_group_name_9d03c5b1_like" on public.auth_group ("name" varchar_pattern_ops);

create table public.auth_group_permissions (
    "id"            bigserial not null primary key,
    "group_id"      integer not null,
    "permission_id" integer not null,
    constraint "auth_group_permissions_group_id_permission_id_3e8f41aa_uniq" unique ("group_id", "permission_id")
);
alter table public.auth_group_permissions add constraint "auth_group_permissions_group_id_61c0d2e7_fk_auth_group_id"
    foreign key ("group_id") references public.auth_group ("id") deferrable initially deferred;
alter table public.auth_group_permissions add constraint "auth_group_permissio_permission_id_0f9b3c55_fk_auth_perm"
    foreign key ("permission_id") references public.auth_permission ("id") deferrable initially deferred;
create index "auth_group_permissions_group_id_61c0d2e7" on public.auth_group_permissions ("group_id");
create index "auth_group_permissions_permission_id_0f9b3c55" on public.auth_group_permissions ("permission_id");

create table public.auth_user (
    "id"           serial not null primary key,
    "password"     varchar(128) not null,
    "last_login"   timestamp with time zone null,
    "is_superuser" boolean not null,
    "username"     varchar(150) not null unique,
    "first_name"   varchar(150) not null,
    "last_name"    varchar(150) not null,
    "email"        varchar(254) not null,
    "is_staff"     boolean not null,
    "is_active"    boolean not null,
    "date_joined"  timestamp with time zone not null
);
create index "auth_user_username_2a7d5e90_like" on public.auth_user ("username" varchar_pattern_ops);

create table public.auth_user_groups (
    "id"       bigserial not null primary key,
    "user_id"  integer not null,
    "group_id" integer not null,
    constraint "auth_user_groups_user_id_group_id_b81f06c2_uniq" unique ("user_id", "group_id")
);
alter table public.auth_user_groups add constraint "auth_user_groups_user_id_8e4c1a73_fk_auth_user_id"
    foreign key ("user_id") references public.auth_user ("id") deferrable initially deferred;
alter table public.auth_user_groups add constraint "auth_user_groups_group_id_d25f7b19_fk_auth_group_id"
    foreign key ("group_id") references public.auth_group ("id") deferrable initially deferred;
create index "auth_user_groups_user_id_8e4c1a73" on public.auth_user_groups ("user_id");
create index "auth_user_groups_group_id_d25f7b19" on public.auth_user_groups ("group_id");

create table public.auth_user_user_permissions (
    "id"            bigserial not null primary key,
    "user_id"       integer not null,
    "permission_id" integer not null,
    constraint "auth_user_user_permissions_user_id_permission_id_c93a0e58_uniq" unique ("user_id", "permission_id")
);
alter table public.auth_user_user_permissions add constraint "auth_user_user_permissions_user_id_57d2b0e4_fk_auth_user_id"
    foreign key ("user_id") references public.auth_user ("id") deferrable initially deferred;
alter table public.auth_user_user_permissions add constraint "auth_user_user_permi_permission_id_a6f39c21_fk_auth_perm"
    foreign key ("permission_id") references public.auth_permission ("id") deferrable initially deferred;
create index "auth_user_user_permissions_user_id_57d2b0e4" on public.auth_user_user_permissions ("user_id");
create index "auth_user_user_permissions_permission_id_a6f39c21" on public.auth_user_user_permissions ("permission_id");

-- ----------------------------------------------------------------------------------------------------- admin
create table public.django_admin_log (
    "id"              serial not null primary key,
    "action_time"     timestamp with time zone not null,
    "object_id"       text null,
    "object_repr"     varchar(200) not null,
    "action_flag"     smallint not null check ("action_flag" >= 0),
    "change_message"  text not null,
    "content_type_id" integer null,
    "user_id"         integer not null
);
alter table public.django_admin_log add constraint "django_admin_log_content_type_id_e7a90b36_fk_django_co"
    foreign key ("content_type_id") references public.django_content_type ("id") deferrable initially deferred;
alter table public.django_admin_log add constraint "django_admin_log_user_id_3b5d8f12_fk_auth_user_id"
    foreign key ("user_id") references public.auth_user ("id") deferrable initially deferred;
create index "django_admin_log_content_type_id_e7a90b36" on public.django_admin_log ("content_type_id");
create index "django_admin_log_user_id_3b5d8f12" on public.django_admin_log ("user_id");

-- -------------------------------------------------------------------------------------------------- sessions
create table public.django_session (
    "session_key"  varchar(40) not null primary key,
    "session_data" text not null,
    "expire_date"  timestamp with time zone not null
);
create index "django_session_session_key_f04a2c7e_like" on public.django_session ("session_key" varchar_pattern_ops);
create index "django_session_expire_date_8c61d3b9" on public.django_session ("expire_date");

-- ------------------------------------------------------------------------------------------ migration record
create table public.django_migrations (
    "id"      bigserial not null primary key,
    "app"     varchar(255) not null,
    "name"    varchar(255) not null,
    "applied" timestamp with time zone not null
);

-- ------------------------------------------------------------------------------------------------ app: blog
create table public.blog_tag (
    "id"   bigserial not null primary key,
    "name" varchar(50) not null unique,
    "slug" varchar(50) not null unique
);
create index "blog_tag_name_2c8e4a61_like" on public.blog_tag ("name" varchar_pattern_ops);
create index "blog_tag_slug_7f0b3d95_like" on public.blog_tag ("slug" varchar_pattern_ops);

create table public.blog_post (
    "id"           bigserial not null primary key,
    "title"        varchar(250) not null,
    "slug"         varchar(50) not null unique,
    "body"         text not null,
    "status"       varchar(10) not null,
    "created_at"   timestamp with time zone not null,
    "updated_at"   timestamp with time zone not null,
    "published_at" timestamp with time zone null,
    "author_id"    integer not null
);
alter table public.blog_post add constraint "blog_post_status_check" check ("status" in ('draft', 'published'));
alter table public.blog_post add constraint "blog_post_published_at_check"
    check ("status" = 'draft' or "published_at" is not null);
alter table public.blog_post add constraint "blog_post_author_id_5a9e7c13_fk_auth_user_id"
    foreign key ("author_id") references public.auth_user ("id") deferrable initially deferred;
create index "blog_post_slug_0d4b6e28_like" on public.blog_post ("slug" varchar_pattern_ops);
create index "blog_post_author_id_5a9e7c13" on public.blog_post ("author_id");
create index "blog_post_published_at_91c2f0ad" on public.blog_post ("published_at");

create table public.blog_post_tags (
    "id"      bigserial not null primary key,
    "post_id" bigint not null,
    "tag_id"  bigint not null,
    constraint "blog_post_tags_post_id_tag_id_4e7d19a0_uniq" unique ("post_id", "tag_id")
);
alter table public.blog_post_tags add constraint "blog_post_tags_post_id_c3a85f02_fk_blog_post_id"
    foreign key ("post_id") references public.blog_post ("id") deferrable initially deferred;
alter table public.blog_post_tags add constraint "blog_post_tags_tag_id_18e6b4d7_fk_blog_tag_id"
    foreign key ("tag_id") references public.blog_tag ("id") deferrable initially deferred;
create index "blog_post_tags_post_id_c3a85f02" on public.blog_post_tags ("post_id");
create index "blog_post_tags_tag_id_18e6b4d7" on public.blog_post_tags ("tag_id");

create table public.blog_comment (
    "id"         bigserial not null primary key,
    "name"       varchar(80) not null,
    "email"      varchar(254) not null,
    "body"       text not null,
    "created_at" timestamp with time zone not null,
    "active"     boolean not null,
    "post_id"    bigint not null,
    "author_id"  integer null
);
alter table public.blog_comment add constraint "blog_comment_post_id_6b0f2e85_fk_blog_post_id"
    foreign key ("post_id") references public.blog_post ("id") deferrable initially deferred;
alter table public.blog_comment add constraint "blog_comment_author_id_a4d73c19_fk_auth_user_id"
    foreign key ("author_id") references public.auth_user ("id") deferrable initially deferred;
create index "blog_comment_post_id_6b0f2e85" on public.blog_comment ("post_id");
create index "blog_comment_author_id_a4d73c19" on public.blog_comment ("author_id");
create index "blog_comment_created_at_e5b1903c" on public.blog_comment ("created_at");

-- ----------------------------------------------------------------------------------------------------- world
create table public.country (
    code           character(3) not null,
    name           text not null,
    continent      text not null,
    region         text not null,
    surfacearea    real not null,
    indepyear      smallint,
    population     integer not null,
    lifeexpectancy real,
    gnp            numeric(10,2),
    gnpold         numeric(10,2),
    localname      text not null,
    governmentform text not null,
    headofstate    text,
    capital        integer,
    code2          character(2) not null,
    constraint country_continent_check check (continent in
        ('Asia', 'Europe', 'North America', 'Africa', 'Oceania', 'Antarctica', 'South America'))
);
create table public.city (
    id          serial not null,
    name        text not null,
    countrycode character(3) not null,
    district    text not null,
    population  integer not null
);
create table public.countrylanguage (
    countrycode character(3) not null,
    "language"  text not null,
    isofficial  boolean not null,
    percentage  real not null,
    constraint countrylanguage_percentage_check check (percentage between 0 and 100)
);
alter table only public.city add constraint city_pkey primary key (id);
alter table only public.country add constraint country_pkey primary key (code);
alter table only public.countrylanguage add constraint countrylanguage_pkey primary key (countrycode, "language");
alter table only public.country add constraint country_capital_fkey foreign key (capital) references public.city (id);
alter table only public.city add constraint city_country_fk foreign key (countrycode) references public.country (code);
alter table only public.countrylanguage add constraint countrylanguage_countrycode_fkey
    foreign key (countrycode) references public.country (code);

-- ------------------------------------------------------------------------------------------ the user's rows
-- What `migrate` and `createsuperuser` wrote: the migration log, the content types, the four default
-- permissions of every model, and one superuser. Nothing in the blog or the world tables yet.
insert into public.django_migrations ("app", "name", "applied")
select m.app, m.name, timestamptz '2024-03-04 09:12:40+00' + (m.n * interval '150 milliseconds')
from (values (1, 'contenttypes', '0001_initial'), (2, 'auth', '0001_initial'), (3, 'admin', '0001_initial'),
             (4, 'admin', '0002_logentry_remove_auto_add'), (5, 'admin', '0003_logentry_add_action_flag_choices'),
             (6, 'contenttypes', '0002_remove_content_type_name'), (7, 'auth', '0002_alter_permission_name_max_length'),
             (8, 'auth', '0003_alter_user_email_max_length'), (9, 'auth', '0004_alter_user_username_opts'),
             (10, 'auth', '0005_alter_user_last_login_null'), (11, 'auth', '0006_require_contenttypes_0002'),
             (12, 'auth', '0007_alter_validators_add_error_messages'), (13, 'auth', '0008_alter_user_username_max_length'),
             (14, 'auth', '0009_alter_user_last_name_max_length'), (15, 'auth', '0010_alter_group_name_max_length'),
             (16, 'auth', '0011_update_proxy_permissions'), (17, 'auth', '0012_alter_user_first_name_max_length'),
             (18, 'blog', '0001_initial'), (19, 'sessions', '0001_initial')) as m (n, app, name)
order by m.n;

insert into public.django_content_type ("app_label", "model") values
    ('admin', 'logentry'), ('auth', 'permission'), ('auth', 'group'), ('auth', 'user'),
    ('contenttypes', 'contenttype'), ('sessions', 'session'), ('blog', 'tag'), ('blog', 'post'), ('blog', 'comment');

insert into public.auth_permission ("name", "content_type_id", "codename")
select 'Can ' || a.action || ' ' || v.label, ct.id, a.action || '_' || ct.model
from public.django_content_type ct
join (values ('logentry', 'log entry'), ('permission', 'permission'), ('group', 'group'), ('user', 'user'),
             ('contenttype', 'content type'), ('session', 'session'), ('tag', 'tag'), ('post', 'post'),
             ('comment', 'comment')) as v (model, label) on v.model = ct.model
cross join (values (1, 'add'), (2, 'change'), (3, 'delete'), (4, 'view')) as a (n, action)
order by ct.id, a.n;

insert into public.auth_user ("password", "last_login", "is_superuser", "username", "first_name", "last_name",
                              "email", "is_staff", "is_active", "date_joined")
values ('pbkdf2_sha256$390000$Qm7vXcR2tLw9aNe4Pk1HdZ$Hc3yT0qW8rVb2nFjL6sKx9uPm4aEo1iGz5dYt7RwB0Q=',
        '2024-03-04 09:20:05+00', true, 'admin', '', '', 'admin@example.com', true, true, '2024-03-04 09:14:31+00');
