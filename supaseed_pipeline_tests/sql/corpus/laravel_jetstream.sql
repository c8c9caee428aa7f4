-- Corpus fixture: a Laravel app on PostgreSQL with Jetstream (teams, two-factor, Sanctum tokens) and a project
-- tracker of its own — written for supaseed in the shape `php artisan migrate` leaves on PostgreSQL (as a
-- `schema:dump` shows it); not copied. Plain PostgreSQL, no auth schema.
-- Patterns: bigserial ids; varchar(255) everywhere; nullable created_at / updated_at timestamps(0) with no
-- default (Eloquent fills them); constraints and indexes named "<table>_<columns>_<unique|index|foreign>";
-- users with email_verified_at, remember_token and the two-factor columns; password_reset_tokens keyed by
-- email; the database session driver's sessions (varchar id, nullable user_id without a foreign key, ip,
-- user agent, base64 payload, last_activity a unix time); Sanctum's personal_access_tokens on a morph
-- (tokenable_type + tokenable_id, no foreign key); teams / team_user / team_invitations; enums as varchar
-- + CHECK (Laravel's `enum()` on PostgreSQL); polymorphic comments and activity (commentable_*, subject_*);
-- a pivot with extra columns and timestamps (project_user); the framework's migrations, jobs, failed_jobs,
-- job_batches, cache and cache_locks, which are not data.
CREATE TABLE migrations (id serial NOT NULL, migration varchar(255) NOT NULL, batch integer NOT NULL,
    CONSTRAINT migrations_pkey PRIMARY KEY (id));
CREATE TABLE users (id bigserial NOT NULL, name varchar(255) NOT NULL, email varchar(255) NOT NULL,
    email_verified_at timestamp(0) without time zone NULL, password varchar(255) NOT NULL, remember_token varchar(100) NULL,
    current_team_id bigint NULL, profile_photo_path varchar(2048) NULL,
    two_factor_secret text NULL, two_factor_recovery_codes text NULL, two_factor_confirmed_at timestamp(0) without time zone NULL,
    created_at timestamp(0) without time zone NULL, updated_at timestamp(0) without time zone NULL,
    CONSTRAINT users_pkey PRIMARY KEY (id));
ALTER TABLE users ADD CONSTRAINT users_email_unique UNIQUE (email);
CREATE TABLE password_reset_tokens (email varchar(255) NOT NULL, token varchar(255) NOT NULL, created_at timestamp(0) without time zone NULL,
    CONSTRAINT password_reset_tokens_pkey PRIMARY KEY (email));
CREATE TABLE sessions (id varchar(255) NOT NULL, user_id bigint NULL, ip_address varchar(45) NULL, user_agent text NULL,
    payload text NOT NULL, last_activity integer NOT NULL, CONSTRAINT sessions_pkey PRIMARY KEY (id));
CREATE INDEX sessions_user_id_index ON sessions (user_id);
CREATE INDEX sessions_last_activity_index ON sessions (last_activity);
CREATE TABLE cache (key varchar(255) NOT NULL, value text NOT NULL, expiration integer NOT NULL, CONSTRAINT cache_pkey PRIMARY KEY (key));
CREATE TABLE cache_locks (key varchar(255) NOT NULL, owner varchar(255) NOT NULL, expiration integer NOT NULL, CONSTRAINT cache_locks_pkey PRIMARY KEY (key));
CREATE TABLE jobs (id bigserial NOT NULL, queue varchar(255) NOT NULL, payload text NOT NULL, attempts smallint NOT NULL,
    reserved_at integer NULL, available_at integer NOT NULL, created_at integer NOT NULL, CONSTRAINT jobs_pkey PRIMARY KEY (id));
CREATE INDEX jobs_queue_index ON jobs (queue);
CREATE TABLE job_batches (id varchar(255) NOT NULL, name varchar(255) NOT NULL, total_jobs integer NOT NULL, pending_jobs integer NOT NULL,
    failed_jobs integer NOT NULL, failed_job_ids text NOT NULL, options text NULL, cancelled_at integer NULL, created_at integer NOT NULL,
    finished_at integer NULL, CONSTRAINT job_batches_pkey PRIMARY KEY (id));
CREATE TABLE failed_jobs (id bigserial NOT NULL, uuid varchar(255) NOT NULL, connection text NOT NULL, queue text NOT NULL,
    payload text NOT NULL, exception text NOT NULL, failed_at timestamp(0) without time zone NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT failed_jobs_pkey PRIMARY KEY (id));
ALTER TABLE failed_jobs ADD CONSTRAINT failed_jobs_uuid_unique UNIQUE (uuid);
CREATE TABLE personal_access_tokens (id bigserial NOT NULL, tokenable_type varchar(255) NOT NULL, tokenable_id bigint NOT NULL,
    name varchar(255) NOT NULL, token varchar(64) NOT NULL, abilities text NULL, last_used_at timestamp(0) without time zone NULL,
    expires_at timestamp(0) without time zone NULL, created_at timestamp(0) without time zone NULL, updated_at timestamp(0) without time zone NULL,
    CONSTRAINT personal_access_tokens_pkey PRIMARY KEY (id));
CREATE INDEX personal_access_tokens_tokenable_type_tokenable_id_index ON personal_access_tokens (tokenable_type, tokenable_id);
ALTER TABLE personal_access_tokens ADD CONSTRAINT personal_access_tokens_token_unique UNIQUE (token);
CREATE TABLE teams (id bigserial NOT NULL, user_id bigint NOT NULL, name varchar(255) NOT NULL, personal_team boolean NOT NULL,
    created_at timestamp(0) without time zone NULL, updated_at timestamp(0) without time zone NULL, CONSTRAINT teams_pkey PRIMARY KEY (id));
CREATE INDEX teams_user_id_index ON teams (user_id);
CREATE TABLE team_user (id bigserial NOT NULL, team_id bigint NOT NULL, user_id bigint NOT NULL, role varchar(255) NULL,
    created_at timestamp(0) without time zone NULL, updated_at timestamp(0) without time zone NULL, CONSTRAINT team_user_pkey PRIMARY KEY (id));
ALTER TABLE team_user ADD CONSTRAINT team_user_team_id_user_id_unique UNIQUE (team_id, user_id);
CREATE TABLE team_invitations (id bigserial NOT NULL, team_id bigint NOT NULL, email varchar(255) NOT NULL, role varchar(255) NULL,
    created_at timestamp(0) without time zone NULL, updated_at timestamp(0) without time zone NULL, CONSTRAINT team_invitations_pkey PRIMARY KEY (id));
ALTER TABLE team_invitations ADD CONSTRAINT team_invitations_team_id_email_unique UNIQUE (team_id, email);
ALTER TABLE team_invitations ADD CONSTRAINT team_invitations_team_id_foreign FOREIGN KEY (team_id) REFERENCES teams (id) ON DELETE CASCADE;

-- the app: projects of a team, tasks, a members pivot with a role, polymorphic comments and an activity log
CREATE TABLE projects (id bigserial NOT NULL, team_id bigint NOT NULL, owner_id bigint NOT NULL, name varchar(255) NOT NULL,
    slug varchar(255) NOT NULL, description text NULL, status varchar(255) NOT NULL DEFAULT 'active',
    budget numeric(10, 2) NULL, starts_on date NULL, due_on date NULL, archived_at timestamp(0) without time zone NULL,
    created_at timestamp(0) without time zone NULL, updated_at timestamp(0) without time zone NULL, deleted_at timestamp(0) without time zone NULL,
    CONSTRAINT projects_pkey PRIMARY KEY (id),
    CONSTRAINT projects_status_check CHECK (status::text = ANY (ARRAY['active'::varchar, 'on_hold'::varchar, 'completed'::varchar, 'archived'::varchar]::text[])));
ALTER TABLE projects ADD CONSTRAINT projects_slug_unique UNIQUE (slug);
ALTER TABLE projects ADD CONSTRAINT projects_team_id_foreign FOREIGN KEY (team_id) REFERENCES teams (id) ON DELETE CASCADE;
ALTER TABLE projects ADD CONSTRAINT projects_owner_id_foreign FOREIGN KEY (owner_id) REFERENCES users (id);
CREATE TABLE project_user (id bigserial NOT NULL, project_id bigint NOT NULL, user_id bigint NOT NULL,
    role varchar(255) NOT NULL DEFAULT 'member', hourly_rate numeric(8, 2) NULL, joined_at timestamp(0) without time zone NULL,
    created_at timestamp(0) without time zone NULL, updated_at timestamp(0) without time zone NULL, CONSTRAINT project_user_pkey PRIMARY KEY (id),
    CONSTRAINT project_user_role_check CHECK (role::text = ANY (ARRAY['manager'::varchar, 'member'::varchar, 'viewer'::varchar]::text[])));
ALTER TABLE project_user ADD CONSTRAINT project_user_project_id_user_id_unique UNIQUE (project_id, user_id);
ALTER TABLE project_user ADD CONSTRAINT project_user_project_id_foreign FOREIGN KEY (project_id) REFERENCES projects (id) ON DELETE CASCADE;
ALTER TABLE project_user ADD CONSTRAINT project_user_user_id_foreign FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE;
CREATE TABLE tasks (id bigserial NOT NULL, project_id bigint NOT NULL, assignee_id bigint NULL, created_by bigint NOT NULL,
    title varchar(255) NOT NULL, body text NULL, priority varchar(255) NOT NULL DEFAULT 'normal', position integer NOT NULL DEFAULT 0,
    estimate_minutes integer NULL, due_at timestamp(0) without time zone NULL, completed_at timestamp(0) without time zone NULL,
    created_at timestamp(0) without time zone NULL, updated_at timestamp(0) without time zone NULL, CONSTRAINT tasks_pkey PRIMARY KEY (id),
    CONSTRAINT tasks_priority_check CHECK (priority::text = ANY (ARRAY['low'::varchar, 'normal'::varchar, 'high'::varchar, 'urgent'::varchar]::text[])));
ALTER TABLE tasks ADD CONSTRAINT tasks_project_id_foreign FOREIGN KEY (project_id) REFERENCES projects (id) ON DELETE CASCADE;
ALTER TABLE tasks ADD CONSTRAINT tasks_assignee_id_foreign FOREIGN KEY (assignee_id) REFERENCES users (id) ON DELETE SET NULL;
ALTER TABLE tasks ADD CONSTRAINT tasks_created_by_foreign FOREIGN KEY (created_by) REFERENCES users (id);
CREATE TABLE labels (id bigserial NOT NULL, team_id bigint NOT NULL, name varchar(255) NOT NULL, color varchar(7) NOT NULL,
    created_at timestamp(0) without time zone NULL, updated_at timestamp(0) without time zone NULL, CONSTRAINT labels_pkey PRIMARY KEY (id));
ALTER TABLE labels ADD CONSTRAINT labels_team_id_foreign FOREIGN KEY (team_id) REFERENCES teams (id) ON DELETE CASCADE;
CREATE TABLE label_task (label_id bigint NOT NULL, task_id bigint NOT NULL, CONSTRAINT label_task_pkey PRIMARY KEY (label_id, task_id));
ALTER TABLE label_task ADD CONSTRAINT label_task_label_id_foreign FOREIGN KEY (label_id) REFERENCES labels (id) ON DELETE CASCADE;
ALTER TABLE label_task ADD CONSTRAINT label_task_task_id_foreign FOREIGN KEY (task_id) REFERENCES tasks (id) ON DELETE CASCADE;
CREATE TABLE comments (id bigserial NOT NULL, user_id bigint NOT NULL, commentable_type varchar(255) NOT NULL, commentable_id bigint NOT NULL,
    body text NOT NULL, created_at timestamp(0) without time zone NULL, updated_at timestamp(0) without time zone NULL,
    CONSTRAINT comments_pkey PRIMARY KEY (id));
CREATE INDEX comments_commentable_type_commentable_id_index ON comments (commentable_type, commentable_id);
ALTER TABLE comments ADD CONSTRAINT comments_user_id_foreign FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE;
CREATE TABLE activity_log (id bigserial NOT NULL, log_name varchar(255) NULL, description text NOT NULL,
    subject_type varchar(255) NULL, subject_id bigint NULL, event varchar(255) NULL, causer_type varchar(255) NULL, causer_id bigint NULL,
    properties json NULL, batch_uuid uuid NULL,
    created_at timestamp(0) without time zone NULL, updated_at timestamp(0) without time zone NULL, CONSTRAINT activity_log_pkey PRIMARY KEY (id));
CREATE INDEX subject ON activity_log (subject_type, subject_id);
CREATE INDEX causer ON activity_log (causer_type, causer_id);
CREATE INDEX activity_log_log_name_index ON activity_log (log_name);

-- What the user has already: the migrations that ran, the developer's account and personal team.
INSERT INTO migrations (migration, batch) VALUES ('0001_01_01_000000_create_users_table', 1), ('0001_01_01_000001_create_cache_table', 1),
    ('0001_01_01_000002_create_jobs_table', 1), ('2024_05_02_101500_create_teams_table', 1), ('2024_05_10_083000_create_projects_table', 2);
INSERT INTO users (name, email, email_verified_at, password, current_team_id, created_at, updated_at)
    VALUES ('Taylor Dev', 'taylor@laravel.test', '2024-05-01 09:00:00', '$2y$12$Qm0vN2zXJmYbq1kq6uVjeu8Vb0mJk1ZkJt1m1Yc4b3Gq5b1pQk3bW', 1,
            '2024-05-01 09:00:00', '2024-05-01 09:00:00');
INSERT INTO teams (user_id, name, personal_team, created_at, updated_at) VALUES (1, 'Taylor''s Team', true, '2024-05-01 09:00:00', '2024-05-01 09:00:00');
INSERT INTO team_user (team_id, user_id, role, created_at, updated_at) VALUES (1, 1, 'admin', '2024-05-01 09:00:00', '2024-05-01 09:00:00');
