// npm run bench:ledger — how fast the ledger debits and the month closes on
// the local PostgreSQL. Debits go through the app's hot path (DebitQueue group
// commit) from many concurrent callers: one hot workspace, then spread over
// 1,000 workspaces. Then `runBilling` closes the month of 10,000
// workspaces. The run works in its own database (md_bench_<random>), dropped
// at the end even on failure. The last line is one JSON object with the figures.
//
// Options: --server <postgres url> (default postgresql://postgres@127.0.0.1:5432/postgres)
//          --callers N --max-batch N --queue-concurrency N --clock-concurrency N
import os from "node:os";
import { performance } from "node:perf_hooks";
import { runBilling } from "@/lib/db/billing/billing-run";
import { openDatabase, type Database } from "@/lib/db/connect";
import { DebitQueue } from "@/lib/db/ledger/debit-queue";
import { loadRatingCatalog, type DebitContext, type DebitRequest } from "@/lib/db/ledger/debit";
import { ledgerViolations } from "@/lib/db/ledger/invariants";
import { applyMigrations } from "@/lib/db/migrate";
import { periodEnd } from "@/lib/billing/periods";
import { createBenchDatabase, loadCatalogFile, seedWorkspaces, type SeededWorkspaces } from "./lib/bench-database";
import { describePhase, runDebitPhase, type PhaseResult } from "./lib/bench-load";
import { countFlag, flagValue } from "./lib/flags";

const CREDITS_PER_USD = 2_000_000n;
const WORKSPACES = 10_000;
const SPREAD_WORKSPACES = 1_000;
const WARM_UP_DEBITS = 2_000;
const HOT_DEBITS = 20_000;
const SPREAD_DEBITS = 40_000;
// Starter: a fee, flex allowed, 70M included credits — enough for 20,000 predict calls (~46M credits).
const PLAN = "starter_monthly";
const SIGN_UP = new Date("2027-01-05T00:00:00Z");
const DAY_MS = 86_400_000;

const TARGETS = { hotPerSecond: 2_000, spreadPerSecond: 5_000, p99Ms: 20, monthCloseSeconds: 60 };

interface Settings {
  server: string;
  callers: number;
  maxBatch: number;
  queueConcurrency: number;
  clockConcurrency: number;
}

function parseSettings(args: string[]): Settings {
  const value = (flag: string) => flagValue(args, flag);
  const count = (flag: string, fallback: number) => countFlag(args, flag, fallback);
  return {
    server: value("--server") ?? "postgresql://postgres@127.0.0.1:5432/postgres",
    callers: count("--callers", 64),
    maxBatch: count("--max-batch", 200),
    // Two lanes, as the app uses on PostgreSQL: a workspace always goes through the same lane, so
    // the hot workspace keeps one transaction in flight while spread debits use both lanes.
    queueConcurrency: count("--queue-concurrency", 2),
    clockConcurrency: count("--clock-concurrency", 8),
  };
}

const log = (line: string) => console.log(line);
const round1 = (value: number) => Math.round(value * 10) / 10;

function debitRequest(phase: string, workspaceId: string, index: number, at: Date): DebitRequest {
  return {
    workspaceId,
    operationType: "predict",
    operations: 1n,
    idempotencyKey: `bench:${phase}:${index}`,
    requestId: `req-${phase}-${index}`,
    at,
  };
}

/** Every debit of every phase must be charged: a refusal or an error means the benchmark measured something else. */
function assertAllCharged(result: PhaseResult) {
  if (result.charged !== result.debits) {
    throw new Error(`${result.name}: ${result.debits - result.charged} debits not charged (first error: ${result.firstError ?? "none"})`);
  }
}

async function debitPhases(database: Database, seeded: SeededWorkspaces, settings: Settings) {
  const context: DebitContext = { catalog: await loadRatingCatalog(database.prisma), creditsPerUsd: CREDITS_PER_USD };
  const batchCounter = { batches: 0 };
  const queue = new DebitQueue(
    database.sql,
    async () => {
      batchCounter.batches += 1;
      return context;
    },
    { maxBatch: settings.maxBatch, concurrency: settings.queueConcurrency },
  );
  const [hot] = seeded.ids;
  const spread = seeded.ids.slice(1, 1 + SPREAD_WORKSPACES);
  const warmUp = seeded.ids.slice(1 + SPREAD_WORKSPACES, 1 + 2 * SPREAD_WORKSPACES);
  const mid = (days: number, index: number) => new Date(seeded.periodStart.getTime() + days * DAY_MS + index);
  // Uniformly random workspaces, the same sequence every run (a 32-bit LCG), so that runs compare.
  const picks = new Uint16Array(SPREAD_DEBITS);
  for (let i = 0, x = 20_270_105; i < picks.length; i += 1) {
    x = (Math.imul(x, 1_664_525) + 1_013_904_223) >>> 0;
    picks[i] = x % spread.length;
  }
  const pick = (index: number) => spread[picks[index]!]!;

  const phases: PhaseResult[] = [];
  const run = async (name: string, debits: number, request: (index: number) => DebitRequest) => {
    const result = await runDebitPhase(queue, batchCounter, { name, debits, callers: settings.callers, request });
    for (const line of describePhase(result)) log(`  ${line}`);
    assertAllCharged(result);
    return result;
  };

  // Warm-up (not counted): connections opened, statements planned, JIT warm.
  await run("warm-up", WARM_UP_DEBITS, (i) => debitRequest("warm", warmUp[i % warmUp.length]!, i, mid(9, i)));
  phases.push(await run("hot (1 workspace)", HOT_DEBITS, (i) => debitRequest("hot", hot!, i, mid(10, i))));
  phases.push(await run(`spread (${SPREAD_WORKSPACES} workspaces)`, SPREAD_DEBITS, (i) => debitRequest("spread", pick(i), i, mid(11, i))));

  const [written] = await database.sql.query<{ events: number }>(`SELECT count(*)::int AS events FROM "UsageEvent"`);
  const expected = WARM_UP_DEBITS + HOT_DEBITS + SPREAD_DEBITS;
  log(`  usage events written: ${written?.events} (expected ${expected})`);
  if (written?.events !== expected) throw new Error(`expected ${expected} usage events, found ${written?.events}`);
  return { hot: phases[0]!, spread: phases[1]! };
}

async function checkLedger(database: Database, when: string) {
  const violations = await ledgerViolations(database.sql);
  log(`  ledger invariants ${when}: ${violations.length} violations`);
  if (violations.length > 0) {
    for (const violation of violations.slice(0, 10)) log(`    ${violation}`);
    throw new Error(`${violations.length} ledger invariant violations ${when}`);
  }
}

async function monthClose(database: Database, seeded: SeededWorkspaces, settings: Settings): Promise<number> {
  const now = new Date(seeded.periodEnd.getTime() + 1_000);
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const summary = await runBilling(database.prisma, { now, creditsPerUsd: CREDITS_PER_USD, concurrency: settings.clockConcurrency });
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  log(
    `  runBilling at ${now.toISOString()}: ${seconds.toFixed(2)} s = ${(WORKSPACES / seconds).toFixed(0)} workspaces/s ` +
      `(${summary.subscriptionEvents} subscription events, ${summary.invoices} invoices, ${summary.statements} hourly statements)`,
  );
  log(
    `  app process CPU ${cpuSeconds.toFixed(1)} s (${((cpuSeconds / seconds) * 100).toFixed(0)}% of one core, ${((cpuSeconds * 1000) / WORKSPACES).toFixed(1)} ms per workspace)`,
  );

  // R4.2: each monthly period is closed with a fee invoice and the next period opened on the anniversary.
  const nextEnd = periodEnd(seeded.periodEnd, "MONTH", SIGN_UP.getUTCDate());
  const [check] = await database.sql.query<{ invoices: number; renewed: number; periods: number }>(
    `SELECT (SELECT count(*)::int FROM "Invoice" WHERE "kind" = 'PLAN_FEE') AS invoices,
            (SELECT count(*)::int FROM "Subscription" WHERE "status" = 'ACTIVE'
               AND "currentPeriodStart" = $1::timestamp AND "currentPeriodEnd" = $2::timestamp) AS renewed,
            (SELECT count(*)::int FROM "SubscriptionPeriod" WHERE "startsAt" = $1::timestamp AND "closedAt" IS NULL) AS periods`,
    [seeded.periodEnd.toISOString(), nextEnd.toISOString()],
  );
  log(
    `  PLAN_FEE invoices: ${check?.invoices}, subscriptions in the next period: ${check?.renewed}, open next periods: ${check?.periods} (expected ${WORKSPACES} each)`,
  );
  if (check?.invoices !== WORKSPACES || check.renewed !== WORKSPACES || check.periods !== WORKSPACES) {
    throw new Error("the month close did not renew every subscription exactly once");
  }
  return seconds;
}

async function main() {
  const settings = parseSettings(process.argv.slice(2));
  const poolSize = Math.max(settings.queueConcurrency, settings.clockConcurrency) + 2;
  const [load1] = os.loadavg();
  log(
    `bench:ledger — PostgreSQL ${new URL(settings.server).host}, ${os.cpus().length} CPUs, load average ${load1?.toFixed(2)} (other processes share these cores)`,
  );
  log(
    `settings: ${settings.callers} concurrent callers, DebitQueue maxBatch ${settings.maxBatch} / concurrency ${settings.queueConcurrency}, ` +
      `billing run concurrency ${settings.clockConcurrency}, pool ${poolSize} connections`,
  );

  const bench = await createBenchDatabase(settings.server);
  let database: Database | undefined;
  const abort = (signal: NodeJS.Signals) => {
    log(`${signal}: dropping ${bench.name}`);
    void (database?.close() ?? Promise.resolve())
      .catch(() => {})
      .then(() => bench.drop())
      .finally(() => process.exit(130));
  };
  process.once("SIGINT", abort);
  process.once("SIGTERM", abort);

  try {
    const setupStarted = performance.now();
    database = await openDatabase({ kind: "postgres", url: bench.url }, { poolSize });
    await applyMigrations(database.sql);
    await loadCatalogFile(database.prisma);
    const seeded = await seedWorkspaces(database.sql, { count: WORKSPACES, planCode: PLAN, signUp: SIGN_UP });
    log(
      `setup: database ${bench.name}, ${WORKSPACES} workspaces on ${PLAN} (${seeded.includedCredits} included credits, ` +
        `period ${seeded.periodStart.toISOString()} → ${seeded.periodEnd.toISOString()}) in ${((performance.now() - setupStarted) / 1000).toFixed(1)} s`,
    );

    log("debits (predict × 1 operation each):");
    const debits = await debitPhases(database, seeded, settings);
    await checkLedger(database, "after the debits");

    log(`month close (${WORKSPACES} workspaces):`);
    const closeSeconds = await monthClose(database, seeded, settings);
    await checkLedger(database, "after the month close");

    const figures = {
      hot_debits_per_s: round1(debits.hot.perSecond),
      spread_debits_per_s: round1(debits.spread.perSecond),
      // The worse of the two measured phases.
      p99_ms: round1(Math.max(debits.hot.p99Ms, debits.spread.p99Ms)),
      month_close_10k_s: round1(closeSeconds),
    };
    const verdict = (name: string, ok: boolean, detail: string) => log(`  ${ok ? "met   " : "MISSED"} ${name}: ${detail}`);
    log("targets (2 cores):");
    verdict("hot debits/s", figures.hot_debits_per_s >= TARGETS.hotPerSecond, `${figures.hot_debits_per_s} ≥ ${TARGETS.hotPerSecond}`);
    verdict(
      "spread debits/s",
      figures.spread_debits_per_s >= TARGETS.spreadPerSecond,
      `${figures.spread_debits_per_s} ≥ ${TARGETS.spreadPerSecond}`,
    );
    verdict("p99 debit latency", figures.p99_ms < TARGETS.p99Ms, `${figures.p99_ms} ms < ${TARGETS.p99Ms} ms`);
    verdict(
      "month close of 10k",
      figures.month_close_10k_s < TARGETS.monthCloseSeconds,
      `${figures.month_close_10k_s} s < ${TARGETS.monthCloseSeconds} s`,
    );
    await database.close();
    database = undefined;
    await bench.drop();
    log(`cleanup: dropped ${bench.name}`);
    console.log(JSON.stringify(figures));
  } finally {
    await database?.close().catch(() => {});
    await bench.drop();
  }
}

main().catch((error: unknown) => {
  console.error(`bench:ledger failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
