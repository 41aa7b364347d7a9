-- The support console's account search (R11) reads an index for every kind
-- of query, never a whole table: a member's email and an API-key prefix by
-- their start (text_pattern_ops: a range scan whatever the database's
-- collation), a workspace's name or slug by any part of it in any case
-- (pg_trgm's trigram GIN). Workspace ids, Stripe customer ids and invoice
-- numbers already have their btree indexes.
--
-- pg_trgm is a trusted extension (PostgreSQL 13+): the database's owner may
-- create it. The embedded PGlite loads it at start (lib/db/connect.ts).

-- CreateExtension
CREATE EXTENSION IF NOT EXISTS "pg_trgm";

-- CreateIndex
CREATE INDEX "User_email_idx" ON "User"("email" text_pattern_ops);

-- CreateIndex
CREATE INDEX "Workspace_name_idx" ON "Workspace" USING GIN ("name" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "Workspace_slug_idx" ON "Workspace" USING GIN ("slug" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "ApiKey_prefix_pattern_idx" ON "ApiKey"("prefix" text_pattern_ops);
