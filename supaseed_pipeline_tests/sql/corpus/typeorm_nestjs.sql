-- Corpus fixture: a NestJS API on TypeORM — a boilerplate's users, roles, statuses, sessions and files plus a
-- realworld-style blog (articles, comments, tags, favorites, follows) — written for supaseed in the shape
-- `typeorm migration:generate` writes for PostgreSQL; not copied. Plain PostgreSQL, no auth schema.
-- Patterns: quoted singular tables and camelCase columns ("firstName", "authorId"); uuid keys with
-- uuid_generate_v4() (uuid-ossp) next to serial ones; every constraint and index named by a hash ("PK_…", "FK_…",
-- "UQ_…", "IDX_…", "REL_…"); enums named "<table>_<column>_enum"; "createdAt" / "updatedAt" DEFAULT now() and a
-- soft-delete "deletedAt"; a @OneToOne photo ("REL_" unique FK); lookup tables with fixed integer ids (role,
-- status); many-to-many join tables with a composite primary key and an index per side; a self-referencing
-- follow table; TypeORM's `migrations` log (id, timestamp, name) and its `typeorm_metadata` (view definitions,
-- no key), whose rows are not data.
-- uuid-ossp where the server has it; else the same function over gen_random_uuid() (the embedded test server)
DO $$ BEGIN CREATE EXTENSION IF NOT EXISTS "uuid-ossp";
EXCEPTION WHEN feature_not_supported OR undefined_file THEN
    CREATE FUNCTION uuid_generate_v4() RETURNS uuid LANGUAGE sql VOLATILE AS 'SELECT gen_random_uuid()';
END $$;

CREATE TABLE "migrations" ("id" SERIAL NOT NULL, "timestamp" bigint NOT NULL, "name" character varying NOT NULL,
    CONSTRAINT "PK_8c82d7f526340ab734260ea46be" PRIMARY KEY ("id"));
CREATE TABLE "typeorm_metadata" ("type" character varying NOT NULL, "database" character varying, "schema" character varying,
    "table" character varying, "name" character varying, "value" text);

CREATE TABLE "role" ("id" integer NOT NULL, "name" character varying NOT NULL, CONSTRAINT "PK_b36bcfe02fc8de3c57a8b2391c2" PRIMARY KEY ("id"));
CREATE TABLE "status" ("id" integer NOT NULL, "name" character varying NOT NULL, CONSTRAINT "PK_e12743a7086ec826733f54e1d95" PRIMARY KEY ("id"));
CREATE TABLE "file" ("id" uuid NOT NULL DEFAULT uuid_generate_v4(), "path" character varying NOT NULL,
    CONSTRAINT "PK_36b46d232307066b3a2c9ea3a1d" PRIMARY KEY ("id"));
CREATE TYPE "public"."user_provider_enum" AS ENUM('email', 'google', 'facebook', 'apple');
CREATE TABLE "user" ("id" uuid NOT NULL DEFAULT uuid_generate_v4(), "email" character varying, "password" character varying,
    "provider" "public"."user_provider_enum" NOT NULL DEFAULT 'email', "socialId" character varying,
    "firstName" character varying, "lastName" character varying, "username" character varying NOT NULL,
    "bio" character varying NOT NULL DEFAULT '', "image" character varying, "isEmailConfirmed" boolean NOT NULL DEFAULT false,
    "lastLoginAt" TIMESTAMP WITH TIME ZONE,
    "createdAt" TIMESTAMP NOT NULL DEFAULT now(), "updatedAt" TIMESTAMP NOT NULL DEFAULT now(), "deletedAt" TIMESTAMP,
    "photoId" uuid, "roleId" integer, "statusId" integer,
    CONSTRAINT "UQ_e12875dfb3b1d92d7d7c5377e22" UNIQUE ("email"),
    CONSTRAINT "UQ_78a916df40e02a9deb1c4b75edb" UNIQUE ("username"),
    CONSTRAINT "REL_75e2be4ce11d447ef43be0e374" UNIQUE ("photoId"),
    CONSTRAINT "PK_cace4a159ff9f2512dd42373760" PRIMARY KEY ("id"));
CREATE INDEX "IDX_9bd2fe7a8e694dedc4ec2f666f" ON "user" ("socialId");
CREATE INDEX "IDX_58e4dbff0e1a32a9bdc861bb29" ON "user" ("firstName");
CREATE INDEX "IDX_f0e1b4ecdca13b177e2e3a0613" ON "user" ("lastName");
CREATE TABLE "session" ("id" SERIAL NOT NULL, "hash" character varying NOT NULL, "userAgent" character varying, "ipAddress" character varying,
    "createdAt" TIMESTAMP NOT NULL DEFAULT now(), "updatedAt" TIMESTAMP NOT NULL DEFAULT now(), "deletedAt" TIMESTAMP, "userId" uuid,
    CONSTRAINT "PK_f55da76ac1c3ac420f444d2ff11" PRIMARY KEY ("id"));
CREATE INDEX "IDX_3d2f174ef04fb312fdebd0ddc5" ON "session" ("userId");
CREATE TABLE "tag" ("id" uuid NOT NULL DEFAULT uuid_generate_v4(), "name" character varying NOT NULL,
    "createdAt" TIMESTAMP NOT NULL DEFAULT now(),
    CONSTRAINT "UQ_6a9775008add570dc3e5a0bab7b" UNIQUE ("name"), CONSTRAINT "PK_8e4052373c579afc1471f526760" PRIMARY KEY ("id"));
CREATE TYPE "public"."article_status_enum" AS ENUM('draft', 'published', 'archived');
CREATE TABLE "article" ("id" uuid NOT NULL DEFAULT uuid_generate_v4(), "slug" character varying NOT NULL, "title" character varying NOT NULL,
    "description" character varying NOT NULL DEFAULT '', "body" text NOT NULL DEFAULT '',
    "status" "public"."article_status_enum" NOT NULL DEFAULT 'draft', "publishedAt" TIMESTAMP, "favoritesCount" integer NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP NOT NULL DEFAULT now(), "updatedAt" TIMESTAMP NOT NULL DEFAULT now(), "deletedAt" TIMESTAMP, "authorId" uuid,
    CONSTRAINT "UQ_0ab85f4be07b22d79906671d72f" UNIQUE ("slug"), CONSTRAINT "PK_40808690eb7b915046558c0f81b" PRIMARY KEY ("id"));
CREATE TABLE "comment" ("id" SERIAL NOT NULL, "body" text NOT NULL,
    "createdAt" TIMESTAMP NOT NULL DEFAULT now(), "updatedAt" TIMESTAMP NOT NULL DEFAULT now(), "deletedAt" TIMESTAMP,
    "articleId" uuid, "authorId" uuid, CONSTRAINT "PK_0b0e4bbc8415ec426f87f3a88e2" PRIMARY KEY ("id"));
CREATE TABLE "article_tags_tag" ("articleId" uuid NOT NULL, "tagId" uuid NOT NULL,
    CONSTRAINT "PK_25290137c7f85b582eea2bc470d" PRIMARY KEY ("articleId", "tagId"));
CREATE INDEX "IDX_9b7dd28292e2799512cd70bfd8" ON "article_tags_tag" ("articleId");
CREATE INDEX "IDX_5fee2a10f8d6688bd2f2c50f15" ON "article_tags_tag" ("tagId");
CREATE TABLE "user_favorites_article" ("userId" uuid NOT NULL, "articleId" uuid NOT NULL,
    CONSTRAINT "PK_5a4e5d1f0f2e8b4b3b1c9e0d7a6" PRIMARY KEY ("userId", "articleId"));
CREATE INDEX "IDX_2c1d6e4f1e0a9b8c7d6e5f4a3b" ON "user_favorites_article" ("userId");
CREATE INDEX "IDX_7e6d5c4b3a291807f6e5d4c3b2" ON "user_favorites_article" ("articleId");
CREATE TABLE "follow" ("id" SERIAL NOT NULL, "followerId" uuid NOT NULL, "followingId" uuid NOT NULL,
    "createdAt" TIMESTAMP NOT NULL DEFAULT now(),
    CONSTRAINT "UQ_4d3f4b6c0b1e2a7f9c8d5e6a1b2" UNIQUE ("followerId", "followingId"),
    CONSTRAINT "PK_fda88bc28a84d2d6d06e19df6e5" PRIMARY KEY ("id"));
CREATE TYPE "public"."notification_type_enum" AS ENUM('comment', 'follow', 'favorite');
CREATE TABLE "notification" ("id" uuid NOT NULL DEFAULT uuid_generate_v4(), "type" "public"."notification_type_enum" NOT NULL,
    "message" character varying NOT NULL, "readAt" TIMESTAMP, "isRead" boolean NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP NOT NULL DEFAULT now(), "recipientId" uuid NOT NULL,
    CONSTRAINT "PK_705b6c7cdf9b2c2ff7ac7872cb7" PRIMARY KEY ("id"));

ALTER TABLE "user" ADD CONSTRAINT "FK_75e2be4ce11d447ef43be0e374f" FOREIGN KEY ("photoId") REFERENCES "file"("id") ON DELETE NO ACTION ON UPDATE NO ACTION;
ALTER TABLE "user" ADD CONSTRAINT "FK_c28e52f758e7bbc53828db92194" FOREIGN KEY ("roleId") REFERENCES "role"("id") ON DELETE NO ACTION ON UPDATE NO ACTION;
ALTER TABLE "user" ADD CONSTRAINT "FK_dc18daa696860586ba4667a9d31" FOREIGN KEY ("statusId") REFERENCES "status"("id") ON DELETE NO ACTION ON UPDATE NO ACTION;
ALTER TABLE "session" ADD CONSTRAINT "FK_3d2f174ef04fb312fdebd0ddc53" FOREIGN KEY ("userId") REFERENCES "user"("id") ON DELETE NO ACTION ON UPDATE NO ACTION;
ALTER TABLE "article" ADD CONSTRAINT "FK_a9c5f4ec6cceb1604b4a3c84c87" FOREIGN KEY ("authorId") REFERENCES "user"("id") ON DELETE CASCADE ON UPDATE NO ACTION;
ALTER TABLE "comment" ADD CONSTRAINT "FK_c20404221e5c125a581a0d90c0e" FOREIGN KEY ("articleId") REFERENCES "article"("id") ON DELETE CASCADE ON UPDATE NO ACTION;
ALTER TABLE "comment" ADD CONSTRAINT "FK_276779da446413a0d79598d4fbd" FOREIGN KEY ("authorId") REFERENCES "user"("id") ON DELETE CASCADE ON UPDATE NO ACTION;
ALTER TABLE "article_tags_tag" ADD CONSTRAINT "FK_9b7dd28292e2799512cd70bfd81" FOREIGN KEY ("articleId") REFERENCES "article"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "article_tags_tag" ADD CONSTRAINT "FK_5fee2a10f8d6688bd2f2c50f15e" FOREIGN KEY ("tagId") REFERENCES "tag"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "user_favorites_article" ADD CONSTRAINT "FK_2c1d6e4f1e0a9b8c7d6e5f4a3b2" FOREIGN KEY ("userId") REFERENCES "user"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "user_favorites_article" ADD CONSTRAINT "FK_7e6d5c4b3a291807f6e5d4c3b21" FOREIGN KEY ("articleId") REFERENCES "article"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "follow" ADD CONSTRAINT "FK_550dce89df9570f251b6af2665a" FOREIGN KEY ("followerId") REFERENCES "user"("id") ON DELETE CASCADE ON UPDATE NO ACTION;
ALTER TABLE "follow" ADD CONSTRAINT "FK_e9f68503556c5d72a161ce38513" FOREIGN KEY ("followingId") REFERENCES "user"("id") ON DELETE CASCADE ON UPDATE NO ACTION;
ALTER TABLE "notification" ADD CONSTRAINT "FK_ab7cbe7a013ecac5da0a8f88884" FOREIGN KEY ("recipientId") REFERENCES "user"("id") ON DELETE CASCADE ON UPDATE NO ACTION;

-- What the user has already: the migration run, the boilerplate's role and status seeds, the admin.
INSERT INTO "migrations" ("timestamp", "name") VALUES (1715028537217, 'CreateUser1715028537217'), (1716115025312, 'Blog1716115025312');
INSERT INTO "role" ("id", "name") VALUES (1, 'Admin'), (2, 'User');
INSERT INTO "status" ("id", "name") VALUES (1, 'Active'), (2, 'Inactive');
INSERT INTO "user" ("email", "password", "firstName", "lastName", "username", "roleId", "statusId", "isEmailConfirmed")
    VALUES ('admin@example.com', '$2a$10$abcdefghijklmnopqrstuuM7yTq8bK1XhE2tRj0dN4wQ6vZ8cF5gO', 'Super', 'Admin', 'admin', 1, 1, true);
