import "server-only";

// Debits: one transaction per batch of metered calls. Lock the workspaces'
// balances, read what the decision needs, let the engine decide (pure,
// lib/billing/debit-decision.ts: rating R3, source order R5, refusals R2.4,
// R8.3, R8.4, R9.1, R14.2), write what it decided. Four statements whatever
// the batch's size: the lock, one read, one write, the commit.
//
// Concurrency: every writer of a workspace's credits first locks its
// CreditBalance row (SELECT … FOR UPDATE, rows locked in workspace-id order so
// that two batches never deadlock). Under that lock the state is read, the
// engine decides and the writes follow; no balance can go negative and an
// idempotency key is applied once (UsageEvent is unique per key), whatever
// the number of app instances.
import { decideDebits, type DebitContext, type DebitOutcome, type DebitRequest } from "@/lib/billing/debit-decision";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { SqlRunner } from "@/lib/db/connect";
import { lockWorkspaces, readLockedFacts } from "./debit-read";
import { writeDebits } from "./debit-write";
import { prismaQueryable, type Queryable } from "./queryable";
import { withTransactionRetry } from "./retry";

export type { DebitContext, RatingCatalog } from "@/lib/billing/debit-decision";
export type { BalanceSnapshot, DebitOutcome, DebitRequest, RefusalReason, SourceCredits } from "./debit-types";
export { loadRatingCatalog } from "./debit-read";

/** Debits a batch in one transaction through Prisma (the seed, tools); the outcomes are in the order of the requests. */
export async function debitBatch(prisma: PrismaClient, requests: DebitRequest[], context: DebitContext): Promise<DebitOutcome[]> {
  if (requests.length === 0) return [];
  return withTransactionRetry(() =>
    prisma.$transaction((tx) => applyDebits(prismaQueryable(tx), requests, context), { timeout: 30_000, maxWait: 30_000 }),
  );
}

/** The same on the driver, without Prisma: the API's debit queue (the same statements, fewer hops each). */
export async function debitBatchSql(database: SqlRunner, requests: DebitRequest[], context: DebitContext): Promise<DebitOutcome[]> {
  if (requests.length === 0) return [];
  return withTransactionRetry(() => database.transaction((tx) => applyDebits(tx, requests, context)));
}

async function applyDebits(tx: Queryable, requests: DebitRequest[], context: DebitContext): Promise<DebitOutcome[]> {
  const workspaceIds = [...new Set(requests.map((r) => r.workspaceId))].sort();
  const workspaces = await lockWorkspaces(tx, workspaceIds);
  const state = await readLockedFacts(tx, workspaces, requests);
  const { outcomes, writes } = decideDebits(state, requests, context);
  await writeDebits(tx, writes);
  return outcomes;
}
