CREATE TYPE mood AS ENUM ('happy','sad','ok');
CREATE DOMAIN zip AS text CHECK (VALUE ~ '^\d{5}$');
CREATE TABLE users (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), email text NOT NULL UNIQUE, name text, created_at timestamptz NOT NULL DEFAULT now());
CREATE UNIQUE INDEX users_lower_email ON users (lower(email));
CREATE TABLE dept (id serial PRIMARY KEY, name text NOT NULL UNIQUE, manager_id int);
CREATE TABLE emp (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, dept_id int NOT NULL REFERENCES dept, boss_id bigint REFERENCES emp, salary numeric(10,2) CHECK (salary BETWEEN 1000 AND 9000), grade text CHECK (grade IN ('a','b','c')), mood mood, zip zip, tags text[], full_name text GENERATED ALWAYS AS ('x' || grade) STORED);
ALTER TABLE dept ADD FOREIGN KEY (manager_id) REFERENCES emp(id) ;
CREATE TABLE a (id uuid PRIMARY KEY, b_id uuid NOT NULL);
CREATE TABLE b (id uuid PRIMARY KEY, a_id uuid NOT NULL REFERENCES a DEFERRABLE INITIALLY DEFERRED);
ALTER TABLE a ADD FOREIGN KEY (b_id) REFERENCES b DEFERRABLE;
CREATE TABLE orders (user_id uuid NOT NULL REFERENCES users ON DELETE CASCADE, n int NOT NULL, "Total Ämount" numeric(8,2) NOT NULL CHECK ("Total Ämount" > 0), status varchar(10) NOT NULL CHECK (status::text = ANY (ARRAY['new'::varchar,'paid'::varchar])), note text CHECK (lower(note) = note), PRIMARY KEY (user_id, n));
CREATE TABLE order_lines (user_id uuid, n int, line int, qty int NOT NULL CHECK (qty > 0), PRIMARY KEY (user_id, n, line), FOREIGN KEY (user_id, n) REFERENCES orders ON DELETE CASCADE);
CREATE TABLE events (id bigserial, at date NOT NULL, kind text, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
CREATE TABLE flags (id int PRIMARY KEY, is_personal boolean NOT NULL, slug text, CHECK ((is_personal AND slug IS NULL) OR (NOT is_personal AND slug IS NOT NULL)));
-- NOT NULL, non-deferrable cycle with keys we generate: loaded in one statement
CREATE TABLE ring_a (id uuid PRIMARY KEY, ring_b_id uuid NOT NULL);
CREATE TABLE ring_b (id uuid PRIMARY KEY, ring_a_id uuid NOT NULL REFERENCES ring_a);
ALTER TABLE ring_a ADD FOREIGN KEY (ring_b_id) REFERENCES ring_b;
-- self reference with a real hierarchy, partial unique, quoted names
CREATE TABLE "Staff Members" ("Staff Id" uuid PRIMARY KEY, manager uuid REFERENCES "Staff Members", "Größe" smallint CHECK ("Größe" BETWEEN 1 AND 9), active boolean NOT NULL, badge text);
CREATE UNIQUE INDEX staff_badge_active ON "Staff Members" (badge) WHERE active;
CREATE TABLE memberships (user_id uuid NOT NULL REFERENCES users, dept_id int NOT NULL REFERENCES dept, PRIMARY KEY (user_id, dept_id));
