-- Corpus fixture: a Next.js SaaS starter on Prisma with Auth.js (NextAuth) — written for supaseed in the shape
-- `prisma migrate` writes for PostgreSQL, after the patterns Prisma starters share (the Auth.js Prisma adapter's
-- models, BoxyHQ-style teams, invitations and API keys, the blog models of Prisma's examples); not copied.
-- Plain PostgreSQL, no auth schema.
-- Patterns: quoted PascalCase tables and camelCase columns ("User"."emailVerified"); text ids with no default
-- (cuid() is made by Prisma in the app); "updatedAt" NOT NULL with no default (@updatedAt); every unique key a
-- CREATE UNIQUE INDEX, never a constraint (@unique, @@unique), so tables without a primary key are told apart by
-- one ("VerificationToken" (identifier, token)); an implicit many-to-many table "_PostToTag" ("A", "B") keyed
-- only by its unique index; an enum type "Role"; text[] with an ARRAY[] default; an OAuth account link per
-- provider ("provider", "providerAccountId"); the migration log "_prisma_migrations", whose rows are not data.
CREATE TYPE "Role" AS ENUM ('ADMIN', 'OWNER', 'MEMBER');
CREATE TABLE "_prisma_migrations" (
    "id" VARCHAR(36) NOT NULL, "checksum" VARCHAR(64) NOT NULL, "finished_at" TIMESTAMPTZ, "migration_name" VARCHAR(255) NOT NULL,
    "logs" TEXT, "rolled_back_at" TIMESTAMPTZ, "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(), "applied_steps_count" INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY ("id"));
CREATE TABLE "Account" (
    "id" TEXT NOT NULL, "userId" TEXT NOT NULL, "type" TEXT NOT NULL, "provider" TEXT NOT NULL, "providerAccountId" TEXT NOT NULL,
    "refresh_token" TEXT, "access_token" TEXT, "expires_at" INTEGER, "token_type" TEXT, "scope" TEXT, "id_token" TEXT, "session_state" TEXT,
    CONSTRAINT "Account_pkey" PRIMARY KEY ("id"));
CREATE TABLE "Session" (
    "id" TEXT NOT NULL, "sessionToken" TEXT NOT NULL, "userId" TEXT NOT NULL, "expires" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "Session_pkey" PRIMARY KEY ("id"));
CREATE TABLE "User" (
    "id" TEXT NOT NULL, "name" TEXT, "email" TEXT NOT NULL, "emailVerified" TIMESTAMP(3), "image" TEXT, "password" TEXT,
    "invalid_login_attempts" INTEGER NOT NULL DEFAULT 0, "lockedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP, "updatedAt" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "User_pkey" PRIMARY KEY ("id"));
CREATE TABLE "VerificationToken" ("identifier" TEXT NOT NULL, "token" TEXT NOT NULL, "expires" TIMESTAMP(3) NOT NULL);
CREATE TABLE "Team" (
    "id" TEXT NOT NULL, "name" TEXT NOT NULL, "slug" TEXT NOT NULL, "domain" TEXT, "defaultRole" "Role" NOT NULL DEFAULT 'MEMBER',
    "billingId" TEXT, "billingProvider" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP, "updatedAt" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "Team_pkey" PRIMARY KEY ("id"));
CREATE TABLE "TeamMember" (
    "id" TEXT NOT NULL, "teamId" TEXT NOT NULL, "userId" TEXT NOT NULL, "role" "Role" NOT NULL DEFAULT 'MEMBER',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP, "updatedAt" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "TeamMember_pkey" PRIMARY KEY ("id"));
CREATE TABLE "Invitation" (
    "id" TEXT NOT NULL, "teamId" TEXT NOT NULL, "email" TEXT, "role" "Role" NOT NULL DEFAULT 'MEMBER', "token" TEXT NOT NULL,
    "expires" TIMESTAMP(3) NOT NULL, "invitedBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP, "updatedAt" TIMESTAMP(3) NOT NULL,
    "sentViaEmail" BOOLEAN NOT NULL DEFAULT true, "allowedDomains" TEXT[] DEFAULT ARRAY[]::TEXT[],
    CONSTRAINT "Invitation_pkey" PRIMARY KEY ("id"));
CREATE TABLE "ApiKey" (
    "id" TEXT NOT NULL, "name" TEXT NOT NULL, "teamId" TEXT NOT NULL, "hashedKey" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP, "updatedAt" TIMESTAMP(3) NOT NULL,
    "expiresAt" TIMESTAMP(3), "lastUsedAt" TIMESTAMP(3),
    CONSTRAINT "ApiKey_pkey" PRIMARY KEY ("id"));
CREATE TABLE "Post" (
    "id" SERIAL NOT NULL, "title" VARCHAR(255) NOT NULL, "content" TEXT, "published" BOOLEAN NOT NULL DEFAULT false,
    "authorId" TEXT NOT NULL, "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP, "updatedAt" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "Post_pkey" PRIMARY KEY ("id"));
CREATE TABLE "Tag" ("id" SERIAL NOT NULL, "name" TEXT NOT NULL, CONSTRAINT "Tag_pkey" PRIMARY KEY ("id"));
CREATE TABLE "_PostToTag" ("A" INTEGER NOT NULL, "B" INTEGER NOT NULL);
CREATE UNIQUE INDEX "Account_provider_providerAccountId_key" ON "Account"("provider", "providerAccountId");
CREATE UNIQUE INDEX "Session_sessionToken_key" ON "Session"("sessionToken");
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");
CREATE UNIQUE INDEX "VerificationToken_token_key" ON "VerificationToken"("token");
CREATE UNIQUE INDEX "VerificationToken_identifier_token_key" ON "VerificationToken"("identifier", "token");
CREATE UNIQUE INDEX "Team_slug_key" ON "Team"("slug");
CREATE UNIQUE INDEX "Team_domain_key" ON "Team"("domain");
CREATE INDEX "TeamMember_userId_idx" ON "TeamMember"("userId");
CREATE UNIQUE INDEX "TeamMember_teamId_userId_key" ON "TeamMember"("teamId", "userId");
CREATE UNIQUE INDEX "Invitation_token_key" ON "Invitation"("token");
CREATE UNIQUE INDEX "Invitation_teamId_email_key" ON "Invitation"("teamId", "email");
CREATE UNIQUE INDEX "ApiKey_hashedKey_key" ON "ApiKey"("hashedKey");
CREATE UNIQUE INDEX "Tag_name_key" ON "Tag"("name");
CREATE UNIQUE INDEX "_PostToTag_AB_unique" ON "_PostToTag"("A", "B");
CREATE INDEX "_PostToTag_B_index" ON "_PostToTag"("B");
ALTER TABLE "Account" ADD CONSTRAINT "Account_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "Session" ADD CONSTRAINT "Session_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "TeamMember" ADD CONSTRAINT "TeamMember_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "TeamMember" ADD CONSTRAINT "TeamMember_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "Invitation" ADD CONSTRAINT "Invitation_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "Invitation" ADD CONSTRAINT "Invitation_invitedBy_fkey" FOREIGN KEY ("invitedBy") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "ApiKey" ADD CONSTRAINT "ApiKey_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "_PostToTag" ADD CONSTRAINT "_PostToTag_A_fkey" FOREIGN KEY ("A") REFERENCES "Post"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "_PostToTag" ADD CONSTRAINT "_PostToTag_B_fkey" FOREIGN KEY ("B") REFERENCES "Tag"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "Subscription" (
    "id" TEXT NOT NULL, "teamId" TEXT NOT NULL, "stripeCustomerId" TEXT, "stripeSubscriptionId" TEXT, "stripePriceId" TEXT,
    "stripeCurrentPeriodEnd" TIMESTAMP(3), "quantity" INTEGER NOT NULL DEFAULT 1, "amount" DECIMAL(65,30) NOT NULL,
    "metadata" JSONB, "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP, "updatedAt" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "Subscription_pkey" PRIMARY KEY ("id"));
CREATE UNIQUE INDEX "Subscription_stripeSubscriptionId_key" ON "Subscription"("stripeSubscriptionId");
ALTER TABLE "Subscription" ADD CONSTRAINT "Subscription_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- What the user has already: the migration Prisma applied, one user signed in with GitHub, a tag.
INSERT INTO "_prisma_migrations" VALUES ('0b6f0a8e-2f7e-4c59-9d0e-5b1f6c2a9e11', 'a3f1c29be0d4', '2024-01-05 10:00:02+00',
    '20240105095959_init', NULL, NULL, '2024-01-05 10:00:01+00', 1);
INSERT INTO "User" ("id", "name", "email", "createdAt", "updatedAt") VALUES
    ('clrx1owner0000abcd1234efg', 'Dana Owner', 'dana@starter.dev', '2024-01-05 10:10:00', '2024-01-05 10:10:00');
INSERT INTO "Account" ("id", "userId", "type", "provider", "providerAccountId") VALUES
    ('clrx1acct0000abcd1234efg', 'clrx1owner0000abcd1234efg', 'oauth', 'github', '5873641');
INSERT INTO "Tag" ("name") VALUES ('announcements');
