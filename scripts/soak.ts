// npm run test:soak — the ledger under a long random load (outside CI). A
// fresh database on the local PostgreSQL (TEST_DATABASE_URL, default
// postgresql://postgres@127.0.0.1:5432/test, as the other scripts), migrated
// and loaded with the catalog; SOAK_WORKSPACES workspaces made through the
// app's paths on a mix of plans (soak-setup.ts). Then 32 concurrent workers
// in this process draw random operations by weight (soak-operations.ts):
// debits through two group-commit queues (two app instances on one
// database), retries of earlier keys, top-ups, support grants, plan changes,
// packages, settings, card changes and clock runs on one simulated clock
// that only moves forward. The run stops after SOAK_OPERATIONS operations
// (default 1,000,000; a debit batch counts its debits) or SOAK_MAX_SECONDS
// (default 1800), whichever comes first; the simulated time it covers is
// SOAK_SPAN_DAYS (default 45 days plus a year per million operations, at
// most 2 years). Then every invariant is checked (soak-checks.ts) against
// the soak's own tally of what was acknowledged (soak-tally.ts). A worker's
// operation that throws an error the app does not mean for its caller (not
// a refusal in words) counts as a violation, except a transaction PostgreSQL
// rolled back whole (deadlock, serialization failure), counted and reported
// apart as `aborted_transactions`. Progress goes to stderr every
// 10 s; the figures to stdout, the last line one JSON object. Exits 1 on a
// violation or a short run. The database is dropped unless SOAK_KEEP_DB=1.
import { performance } from "node:perf_hooks";
import { FlexSettingRefused } from "@/lib/db/billing/flex-setting";
import { PlanChangeError } from "@/lib/db/billing/plan-changes";
import { openDatabase, type Database } from "@/lib/db/connect";
import { DebitQueue } from "@/lib/db/ledger/debit-queue";
import { loadRatingCatalog, type DebitContext } from "@/lib/db/ledger/debit";
import { isRetryableTransactionError } from "@/lib/db/ledger/retry";
import { seededRandom } from "@/lib/db/seed/usage-shape";
import { TestGateway } from "@/lib/payments/test-gateway";
import { PaymentRefused } from "@/lib/payments/top-ups";
import { createScratchDatabase } from "./lib/scratch-database";
import { prepareDatabase } from "./lib/provision";
import { SimulatedClock } from "./lib/soak-clock";
import { soakViolations } from "./lib/soak-checks";
import {
  meanCountPerDraw,
  OPERATION_WEIGHTS,
  pickWorkspace,
  runOperation,
  type OperationName,
  type SoakContext,
} from "./lib/soak-operations";
import { pickWeighted, provisionSoakWorkspaces } from "./lib/soak-setup";
import { SoakTally } from "./lib/soak-tally";

const WORKERS = 32;
const CREDITS_PER_USD = 2_000_000n;
const CLOCK_START = new Date("2027-03-01T00:00:00Z");
const DAY_MS = 86_400_000;
const PROGRESS_MS = 10_000;

const whole = (name: string, fallback: number) => {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, not ${raw}`);
  return value;
};

const settings = {
  server: process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/test",
  operations: Math.floor(whole("SOAK_OPERATIONS", 1_000_000)),
  maxSeconds: whole("SOAK_MAX_SECONDS", 1800),
  workspaces: Math.floor(whole("SOAK_WORKSPACES", 128)),
  seed: Math.floor(whole("SOAK_SEED", Math.floor(Math.random() * 2 ** 31))),
  keep: process.env.SOAK_KEEP_DB === "1",
};
const spanDays = whole("SOAK_SPAN_DAYS", Math.min(730, 45 + (365 * settings.operations) / 1_000_000));

/** Refusals the app words for its caller: expected answers, not failures. */
const isRefusal = (error: unknown) =>
  error instanceof PaymentRefused || error instanceof PlanChangeError || error instanceof FlexSettingRefused;

async function workspaceExists(database: Database, workspaceId: string) {
  return (await database.sql.query(`SELECT 1 FROM "Workspace" WHERE "id" = $1::uuid`, [workspaceId])).length > 0;
}

async function main() {
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  const scratch = await createScratchDatabase(settings.server, "md_soak");
  // Workers wait on one another's row locks: enough connections that a waiting transaction does not starve the rest.
  const database = await openDatabase({ kind: "postgres", url: scratch.url }, { poolSize: 40 });
  const abort = (signal: NodeJS.Signals) => {
    console.error(`${signal}: dropping ${scratch.name}`);
    // The drop terminates the connections still checked out by the workers; their errors must not end the process before it.
    process.on("uncaughtException", () => {});
    // Dropped first (FORCE ends every connection): closing the pool would wait for the workers' transactions.
    void (settings.keep ? Promise.resolve() : scratch.drop()).catch(() => {}).finally(() => process.exit(130));
  };
  process.once("SIGINT", abort);
  process.once("SIGTERM", abort);

  const tally = new SoakTally();
  let done = 0;
  let ctx: SoakContext | undefined;
  try {
    await prepareDatabase(database);
    const gateway = new TestGateway(
      async () => database.prisma,
      () => "http://soak.test",
    );
    const random = seededRandom(settings.seed);
    const workspaces = await provisionSoakWorkspaces(database.prisma, gateway, {
      count: settings.workspaces,
      clockStart: CLOCK_START,
      creditsPerUsd: CREDITS_PER_USD,
      random,
      tally,
    });
    const debitContext: DebitContext = { catalog: await loadRatingCatalog(database.prisma), creditsPerUsd: CREDITS_PER_USD };
    // Two instances of the app's debit queue (lib/api/debit-service.ts: 200 a batch, 2 lanes each).
    const queues = [0, 1].map(() => new DebitQueue(database.sql, async () => debitContext, { maxBatch: 200, concurrency: 2 }));
    const clockWeight = OPERATION_WEIGHTS.find(([name]) => name === "clock run")![1];
    ctx = {
      database,
      queues,
      gateway,
      clock: new SimulatedClock(CLOCK_START),
      random,
      workspaces,
      tally,
      creditsPerUsd: CREDITS_PER_USD,
      // Spread the clock runs' jumps over the whole span: the run makes operations / meanCountPerDraw() draws.
      clockStepMs: (spanDays * DAY_MS) / Math.max(1, (settings.operations / meanCountPerDraw()) * clockWeight),
      clockBusy: false,
      clockRuns: 0,
      invoices: 0,
      autoTopUpsRunning: new Set(),
      recentTopUps: [],
      recentPackages: [],
    };
    console.log(
      `soak: ${settings.workspaces} workspaces in ${scratch.name} (set up in ${seconds().toFixed(1)} s), ${WORKERS} workers, ` +
        `up to ${settings.operations} operations or ${settings.maxSeconds} s, about ${spanDays.toFixed(0)} simulated days, seed ${settings.seed}`,
    );

    const loadStarted = performance.now();
    const deadline = loadStarted + settings.maxSeconds * 1000;
    const byOperation = new Map<OperationName, { count: number; ms: number }>();
    const progress = setInterval(() => {
      const elapsed = (performance.now() - loadStarted) / 1000;
      console.error(
        `[soak] ${done} operations in ${elapsed.toFixed(0)} s (${(done / elapsed).toFixed(0)}/s), ` +
          `clock at ${ctx!.clock.peek().toISOString().slice(0, 16)}, ${ctx!.clockRuns} clock runs, ${tally.violationCount} violations`,
      );
    }, PROGRESS_MS);
    const worker = async () => {
      while (done < settings.operations && performance.now() < deadline) {
        const name = pickWeighted(random, OPERATION_WEIGHTS);
        const workspace = pickWorkspace(ctx!);
        const opStarted = performance.now();
        try {
          // Read `done` only after the await: `done += await …` would add to a stale value and lose other workers' counts.
          const counted = await runOperation(ctx!, name, workspace);
          done += counted;
        } catch (error) {
          done += 1;
          if (isRefusal(error)) tally.count(`${name} refused`);
          // PostgreSQL rolled the transaction back whole (deadlock, serialization failure): nothing happened, the caller may
          // post again. Not an invariant broken (the final checks hold the database to that); counted and reported apart.
          else if (isRetryableTransactionError(error)) tally.count(`${name} aborted (deadlock or serialization failure)`);
          // R8.5: a workspace deleted for arrears is gone with its rows; any other error is a failure.
          else if (!(await workspaceExists(database, workspace.id))) tally.count(`${name} on a deleted workspace`);
          else
            tally.violation(
              `${name} threw: ${error instanceof Error ? error.message.trim().split("\n").slice(-3).join(" ") : String(error)}`,
            );
        } finally {
          const drawn = byOperation.get(name) ?? { count: 0, ms: 0 };
          drawn.count += 1;
          drawn.ms += performance.now() - opStarted;
          byOperation.set(name, drawn);
        }
      }
    };
    await Promise.all(Array.from({ length: WORKERS }, worker));
    clearInterval(progress);
    const loadSeconds = (performance.now() - loadStarted) / 1000;

    const checkStarted = performance.now();
    for (const problem of await soakViolations(database.sql, tally)) tally.violation(problem);
    const checkSeconds = (performance.now() - checkStarted) / 1000;

    const counts = Object.fromEntries([...tally.outcomes].sort(([a], [b]) => a.localeCompare(b)));
    console.log(
      `operations drawn (mean ms): ${[...byOperation].map(([name, { count, ms }]) => `${name} ${count} (${(ms / count).toFixed(1)})`).join(", ")}`,
    );
    console.log(
      `outcomes: ${Object.entries(counts)
        .map(([name, n]) => `${name} ${n}`)
        .join(", ")}`,
    );
    console.log(
      `load ${loadSeconds.toFixed(1)} s (${(done / loadSeconds).toFixed(0)} operations/s), checks ${checkSeconds.toFixed(1)} s; ` +
        `clock ran ${ctx.clockRuns} times to ${ctx.clock.peek().toISOString()}, ${ctx.invoices} invoices issued by clock runs`,
    );
    console.log(`violations: ${tally.violationCount}`);
    for (const violation of tally.violations) console.log(`  VIOLATION ${violation}`);
  } finally {
    await database.close().catch(() => {});
    if (settings.keep) console.log(`kept database ${scratch.url}`);
    else await scratch.drop();
  }

  const figures = {
    operations: done,
    violations: tally.violationCount,
    seconds: Math.round(seconds() * 10) / 10,
    ops_per_s: Math.round(done / seconds()),
    workers: WORKERS,
    workspaces: settings.workspaces,
    debits_charged: tally.outcomes.get("debit charged") ?? 0,
    debits_replayed: tally.outcomes.get("debit replayed") ?? 0,
    debits_refused: [...tally.outcomes].filter(([name]) => name.startsWith("debit refused")).reduce((sum, [, n]) => sum + n, 0),
    retries: tally.outcomes.get("debit retries sent") ?? 0,
    concurrent_retries: tally.outcomes.get("concurrent retries sent") ?? 0,
    aborted_transactions: [...tally.outcomes]
      .filter(([name]) => name.endsWith("aborted (deadlock or serialization failure)"))
      .reduce((sum, [, n]) => sum + n, 0),
    clock_runs: ctx?.clockRuns ?? 0,
    simulated_days: ctx ? Math.round((ctx.clock.peek().getTime() - CLOCK_START.getTime()) / DAY_MS) : 0,
    seed: settings.seed,
  };
  console.log(JSON.stringify(figures));
  if (figures.violations > 0 || figures.operations < settings.operations) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(`test:soak failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
