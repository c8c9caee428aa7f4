-- Corpus fixture: a Next.js app on Drizzle with Better Auth and its admin and organization plugins (written for
-- supaseed after the tables Better Auth's CLI generates and Drizzle's migration log; not copied). Plain
-- PostgreSQL, no auth schema.
-- Patterns: a singular quoted "user" table (a reserved word) with camelCase columns and text ids the app makes;
-- "emailVerified" a NOT NULL boolean; a ban flag with its reason and expiry ("banned", "banReason", "banExpires");
-- sessions with a unique token, IP and browser, and the active organization's id kept as text with no foreign
-- key; an OAuth account link by "providerId" + "accountId" with tokens, their expiries and scope; verification
-- rows (identifier = email, value = token); organizations, members and invitations with text roles and status;
-- Drizzle's "__drizzle_migrations" log; an app table (todos) with a serial key.
create table "user" ("id" text not null primary key, "name" text not null, "email" text not null unique, "emailVerified" boolean not null,
  "image" text, "createdAt" timestamp not null, "updatedAt" timestamp not null, "role" text, "banned" boolean, "banReason" text, "banExpires" timestamp);
create table "session" ("id" text not null primary key, "expiresAt" timestamp not null, "token" text not null unique, "createdAt" timestamp not null,
  "updatedAt" timestamp not null, "ipAddress" text, "userAgent" text, "userId" text not null references "user" ("id") on delete cascade,
  "activeOrganizationId" text, "impersonatedBy" text);
create table "account" ("id" text not null primary key, "accountId" text not null, "providerId" text not null,
  "userId" text not null references "user" ("id") on delete cascade, "accessToken" text, "refreshToken" text, "idToken" text,
  "accessTokenExpiresAt" timestamp, "refreshTokenExpiresAt" timestamp, "scope" text, "password" text, "createdAt" timestamp not null, "updatedAt" timestamp not null);
create table "verification" ("id" text not null primary key, "identifier" text not null, "value" text not null, "expiresAt" timestamp not null,
  "createdAt" timestamp, "updatedAt" timestamp);
create table "organization" ("id" text not null primary key, "name" text not null, "slug" text unique, "logo" text, "createdAt" timestamp not null, "metadata" text);
create table "member" ("id" text not null primary key, "organizationId" text not null references "organization" ("id") on delete cascade,
  "userId" text not null references "user" ("id") on delete cascade, "role" text not null, "createdAt" timestamp not null);
create table "invitation" ("id" text not null primary key, "organizationId" text not null references "organization" ("id") on delete cascade,
  "email" text not null, "role" text, "status" text not null, "expiresAt" timestamp not null, "inviterId" text not null references "user" ("id") on delete cascade);
create table "__drizzle_migrations" (id serial primary key, hash text not null, created_at bigint);
create table "todos" ("id" serial primary key, "title" varchar(256) not null, "completed" boolean default false not null, "userId" text not null references "user"("id"), "createdAt" timestamp default now() not null, "dueDate" date);

-- What the user has already: Drizzle's record of its one migration, the developer's own account.
insert into "__drizzle_migrations" (hash, created_at) values ('9f0c3a77d1e24b5c8a6e0f12b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6', 1735725600000);
insert into "user" values ('u_dev01', 'Sam Developer', 'sam@app.dev', true, null, '2025-01-01 10:00:00', '2025-01-01 10:00:00', 'admin', false, null, null);
insert into "account" ("id", "accountId", "providerId", "userId", "createdAt", "updatedAt")
    values ('a_dev01', 'u_dev01', 'credential', 'u_dev01', '2025-01-01 10:00:00', '2025-01-01 10:00:00');
