import "server-only";

// The process's debit queue (group commit) and the rating catalog it uses,
// reloaded every minute so that a catalog change reaches the engine.
import { database } from "@/lib/db";
import { DebitQueue } from "@/lib/db/ledger/debit-queue";
import { loadRatingCatalog, type DebitContext, type DebitOutcome, type DebitRequest } from "@/lib/db/ledger/debit";
import { env } from "@/lib/env";
import { metrics } from "@/lib/metrics";
import { nudgeAutoTopUp } from "@/lib/payments/auto-top-up-runner";

const CATALOG_TTL_MS = 60_000;

interface Service {
  queue: DebitQueue;
  context: DebitContext | null;
  loadedAt: number;
}

const holder = globalThis as unknown as { __meterdeskDebits?: Promise<Service> };

async function service(): Promise<Service> {
  holder.__meterdeskDebits ??= (async () => {
    const db = await database();
    const state: Service = { queue: undefined as unknown as DebitQueue, context: null, loadedAt: 0 };
    const m = metrics();
    state.queue = new DebitQueue(db.sql, () => debitContext(), {
      maxBatch: 200,
      concurrency: db.target.kind === "postgres" ? 2 : 1,
      onBatch: (size) => m.debitBatchSize.observe(size),
    });
    m.watchDebitQueue(() => state.queue.depth());
    return state;
  })();
  return holder.__meterdeskDebits;
}

/** The rating catalog and money settings, cached for a minute. */
export async function debitContext(): Promise<DebitContext> {
  const state = await service();
  if (!state.context || Date.now() - state.loadedAt > CATALOG_TTL_MS) {
    state.context = { catalog: await loadRatingCatalog((await database()).prisma), creditsPerUsd: env().CREDITS_PER_USD };
    state.loadedAt = Date.now();
  }
  return state.context;
}

export async function debit(request: DebitRequest): Promise<DebitOutcome> {
  const { queue } = await service();
  const queuedAt = performance.now();
  const outcome = await queue.debit(request);
  metrics().debitDuration.observe((performance.now() - queuedAt) / 1000);
  // After the commit, off the request's time (R7.2).
  if (outcome.status === "charged" && outcome.autoTopUp) nudgeAutoTopUp(request.workspaceId);
  return outcome;
}
