// The benchmark's own database: created on the local PostgreSQL, migrated,
// loaded with the catalog and with workspaces written in bulk, and dropped at
// the end whatever happens (bench-ledger.ts calls `drop` in a finally and on
// SIGINT/SIGTERM).
import crypto from "node:crypto";
import { createScratchDatabase } from "./scratch-database";
import fs from "node:fs";
import path from "node:path";
import { periodEndFor } from "@/lib/billing/plan-terms";
import { parseCatalog } from "@/lib/catalog/schema";
import { syncCatalog } from "@/lib/db/catalog";
import type { SqlRunner } from "@/lib/db/connect";
import type { PrismaClient } from "@/lib/generated/prisma/client";

export type { ScratchDatabase as BenchDatabase } from "./scratch-database";

/** CREATE DATABASE md_bench_<random> on the server of `serverUrl`. */
export const createBenchDatabase = (serverUrl: string) => createScratchDatabase(serverUrl, "md_bench");

export async function loadCatalogFile(prisma: PrismaClient): Promise<void> {
  const json: unknown = JSON.parse(fs.readFileSync(path.join(process.cwd(), "prisma/catalog.json"), "utf8"));
  await syncCatalog(prisma, parseCatalog(json));
}

export interface SeededWorkspaces {
  ids: string[];
  periodStart: Date;
  periodEnd: Date;
  includedCredits: bigint;
}

// PostgreSQL reads an ISO string with Z as the same wall-clock time in a
// `timestamp` column, which is how Prisma stores UTC instants.
const iso = (date: Date) => date.toISOString();

/**
 * `count` workspaces on `planCode`, signed up at `signUp`: the rows
 * accounts.ts `createWorkspace` and grants.ts `startIncludedPeriod` write for
 * a new workspace (owner and membership, balance, subscription, first period,
 * the INCLUDED grant and its GRANT ledger entry, so that ledger = balance),
 * one INSERT … SELECT unnest(…) per table instead of ~12 statements each.
 */
export async function seedWorkspaces(sql: SqlRunner, input: { count: number; planCode: string; signUp: Date }): Promise<SeededWorkspaces> {
  const [plan] = await sql.query<{
    id: string;
    interval: "NONE" | "MONTH" | "YEAR";
    includedCredits: string;
    rank: number;
    feeCents: number;
    flexAllowed: boolean;
    payAsYouGo: boolean;
    code: string;
  }>(
    `SELECT "id", "code", "interval", "includedCredits"::text, "rank", "feeCents", "flexAllowed", "payAsYouGo" FROM "Plan" WHERE "code" = $1`,
    [input.planCode],
  );
  if (!plan) throw new Error(`plan ${input.planCode} is not in the catalog`);
  const included = BigInt(plan.includedCredits);
  const anchorDay = input.signUp.getUTCDate();
  const periodEnd = periodEndFor({ ...plan, includedCredits: included }, input.signUp, anchorDay);
  const at = iso(input.signUp);
  const end = iso(periodEnd);

  const rows = Array.from({ length: input.count }, (_, n) => ({
    n,
    workspace: crypto.randomUUID(),
    user: crypto.randomUUID(),
    subscription: crypto.randomUUID(),
    period: crypto.randomUUID(),
    grant: crypto.randomUUID(),
  }));
  // Sorted like the app's lock order, so that "the first N" are spread evenly.
  rows.sort((a, b) => a.workspace.localeCompare(b.workspace));
  const col = (key: "workspace" | "user" | "subscription" | "period" | "grant") => rows.map((row) => row[key]);
  const numbers = rows.map((row) => row.n);
  const [ws, users, subs, periods, grants] = [col("workspace"), col("user"), col("subscription"), col("period"), col("grant")];

  await sql.query(
    `INSERT INTO "User" ("id", "email", "name", "createdAt", "updatedAt")
     SELECT u, 'owner-' || n || '@bench.dev', 'Bench owner ' || n, $3::timestamp, $3::timestamp FROM unnest($1::uuid[], $2::int[]) AS t(u, n)`,
    [users, numbers, at],
  );
  await sql.query(
    `INSERT INTO "Workspace" ("id", "slug", "name", "createdAt", "updatedAt")
     SELECT w, 'bench-' || n, 'Bench ' || n, $3::timestamp, $3::timestamp FROM unnest($1::uuid[], $2::int[]) AS t(w, n)`,
    [ws, numbers, at],
  );
  await sql.query(
    `INSERT INTO "Membership" ("workspaceId", "userId", "role", "createdAt")
     SELECT w, u, 'OWNER', $3::timestamp FROM unnest($1::uuid[], $2::uuid[]) AS t(w, u)`,
    [ws, users, at],
  );
  await sql.query(
    `INSERT INTO "Subscription" ("workspaceId", "id", "planId", "anchorDay", "startedAt", "currentPeriodStart", "currentPeriodEnd", "createdAt", "updatedAt")
     SELECT w, s, $3::uuid, $4, $5::timestamp, $5::timestamp, $6::timestamp, $5::timestamp, $5::timestamp FROM unnest($1::uuid[], $2::uuid[]) AS t(w, s)`,
    [ws, subs, plan.id, anchorDay, at, end],
  );
  await sql.query(
    `INSERT INTO "SubscriptionPeriod" ("workspaceId", "id", "subscriptionId", "planId", "startsAt", "endsAt", "includedGranted", "createdAt")
     SELECT w, p, s, $4::uuid, $5::timestamp, $6::timestamp, $7::bigint, $5::timestamp FROM unnest($1::uuid[], $2::uuid[], $3::uuid[]) AS t(w, p, s)`,
    [ws, periods, subs, plan.id, at, end, String(included)],
  );
  await sql.query(
    `INSERT INTO "CreditBalance" ("workspaceId", "included", "includedExpiresAt", "includedPeriodId", "flexPeriodStart", "updatedAt")
     SELECT w, $3::bigint, $4::timestamp, p, $5::timestamp, $5::timestamp FROM unnest($1::uuid[], $2::uuid[]) AS t(w, p)`,
    [ws, periods, String(included), end, at],
  );
  await sql.query(
    `INSERT INTO "CreditGrant" ("workspaceId", "id", "kind", "source", "amount", "expiresAt", "createdAt")
     SELECT w, g, 'INCLUDED', 'INCLUDED', $3::bigint, $4::timestamp, $5::timestamp FROM unnest($1::uuid[], $2::uuid[]) AS t(w, g)`,
    [ws, grants, String(included), end, at],
  );
  // Same key as createWorkspace (`included:<period>:<plan>`): the clock's idempotency checks see it.
  await sql.query(
    `INSERT INTO "LedgerEntry" ("workspaceId", "createdAt", "reason", "source", "amount", "grantId", "idempotencyKey", "memo")
     SELECT w, $4::timestamp, 'GRANT', 'INCLUDED', $5::bigint, g, 'included:' || p || ':' || $6, 'included credits of the period'
     FROM unnest($1::uuid[], $2::uuid[], $3::uuid[]) AS t(w, g, p)`,
    [ws, grants, periods, at, String(included), plan.id],
  );
  await sql.exec(`ANALYZE`);
  return { ids: ws, periodStart: input.signUp, periodEnd, includedCredits: included };
}
