// npm run bench:support — how fast the support console's account search
// (R11, lib/db/queries/support.ts `searchAccounts`) answers on 100,000
// workspaces on the local PostgreSQL, timed in this process around the
// function itself. The run drops and recreates its own database
// (meterdesk_bench_support), migrates it, fills it in bulk
// (scripts/lib/support-bench-data.ts), ANALYZEs, then times each kind of query
// with varied values after a warm-up, round-robin across kinds so that noise
// from other processes spreads evenly. Every answer is checked (the account
// sought is found; a query for nothing finds nothing), and every kind's plan
// must read indexes only. The last line is one JSON object with the figures.
//
// Target (2 cores): every kind's p95 < 100 ms.
//
// Options: --server <postgres url> (default postgresql://postgres@127.0.0.1:5432/postgres)
//          --workspaces N (100000)  --runs N per kind (200)  --explain (print each kind's EXPLAIN ANALYZE)
//          --keep (leave the database for a look afterwards)
import os from "node:os";
import { performance } from "node:perf_hooks";
import pg from "pg";
import { openDatabase, type Database } from "@/lib/db/connect";
import { searchAccounts, searchHitsSql, type AccountSearchResult } from "@/lib/db/queries/support";
import { applyMigrations } from "@/lib/db/migrate";
import { loadCatalogFile } from "./lib/bench-database";
import { percentile } from "./lib/bench-load";
import { countFlag, flagValue } from "./lib/flags";
import { fillSupportBench } from "./lib/support-bench-data";

const DATABASE = "meterdesk_bench_support";
const AT = new Date("2027-04-10T12:00:00.000Z");
const WARM_UP_RUNS = 25;
const TARGET_P95_MS = 100;

const log = (line: string) => console.log(line);
const round1 = (value: number) => Math.round(value * 10) / 10;

interface Sample {
  id: string;
  name: string;
  email: string;
  prefix: string;
  number: string;
}

interface Probe {
  query: string;
  /** Whether the answer is the one this query must give. */
  check: (results: AccountSearchResult[]) => boolean;
}

interface Kind {
  name: string;
  label: string;
  probe: (index: number) => Probe;
}

/** A 32-bit LCG: the same values every run, so that runs compare. */
function lcg(seed: number) {
  let x = seed >>> 0;
  return () => (x = (Math.imul(x, 1_664_525) + 1_013_904_223) >>> 0);
}

const has = (id: string) => (results: AccountSearchResult[]) => results.some((result) => result.id === id);
const first = (id: string) => (results: AccountSearchResult[]) => results[0]?.id === id;

function kinds(samples: Sample[], stripe: { id: string; customer: string }[]): Kind[] {
  const random = lcg(20_270_410);
  const at = <T>(list: T[], index: number) => list[index % list.length]!;
  return [
    {
      name: "email_prefix",
      label: "email prefix",
      probe: (i) => {
        const sample = at(samples, i);
        return { query: sample.email.slice(0, 3 + (random() % 10)), check: (results) => results.length > 0 };
      },
    },
    {
      name: "email_full",
      label: "full email",
      probe: (i) => {
        const sample = at(samples, i);
        return { query: i % 4 === 0 ? sample.email.toUpperCase() : sample.email, check: has(sample.id) };
      },
    },
    {
      name: "name_substring",
      label: "name substring",
      probe: (i) => {
        // A part with three letters in a row, as the search matches it anywhere (shorter parts match the start).
        const { name } = at(samples, i);
        let query = name;
        for (let attempt = 0; attempt < 20 && (query === name || !/[\p{L}\p{N}]{3}/u.test(query)); attempt += 1) {
          const length = 4 + (random() % 6);
          const start = random() % Math.max(1, name.length - length);
          query = name.slice(start, start + length);
        }
        return { query, check: (results) => results.length > 0 };
      },
    },
    { name: "workspace_id", label: "workspace id", probe: (i) => ({ query: at(samples, i).id, check: first(at(samples, i).id) }) },
    {
      name: "api_key_prefix",
      label: "API-key prefix",
      probe: (i) => {
        const sample = at(samples, i);
        return { query: sample.prefix.slice(0, 8 + (random() % 7)), check: has(sample.id) };
      },
    },
    {
      name: "invoice_number",
      label: "invoice number",
      probe: (i) => {
        const sample = at(samples, i);
        return { query: i % 2 === 0 ? sample.number.toLowerCase() : sample.number, check: first(sample.id) };
      },
    },
    {
      name: "stripe_customer",
      label: "Stripe customer id",
      probe: (i) => ({ query: at(stripe, i).customer, check: first(at(stripe, i).id) }),
    },
    {
      name: "no_match",
      label: "no match",
      probe: (i) => {
        const hex = random().toString(16).padStart(8, "0");
        const query = i % 2 === 0 ? `${hex}-0000-4000-8000-${hex}${hex.slice(0, 4)}` : `qx${hex}zz`;
        return { query, check: (results) => results.length === 0 };
      },
    },
  ];
}

async function recreateDatabase(serverUrl: string): Promise<string> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${DATABASE}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${DATABASE}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${DATABASE}`;
  return url.toString();
}

async function dropDatabase(serverUrl: string): Promise<void> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${DATABASE}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

async function loadSamples(database: Database, count: number) {
  // A deterministic spread of workspaces, each with one of its members' emails, one key and one invoice.
  const samples = await database.sql.query<Sample>(
    `SELECT w."id"::text AS "id", w."name",
            (SELECT u."email" FROM "Membership" m JOIN "User" u ON u."id" = m."userId"
              WHERE m."workspaceId" = w."id" ORDER BY md5(u."email") LIMIT 1) AS "email",
            (SELECT k."prefix" FROM "ApiKey" k WHERE k."workspaceId" = w."id" ORDER BY k."prefix" LIMIT 1) AS "prefix",
            (SELECT i."number" FROM "Invoice" i WHERE i."workspaceId" = w."id" ORDER BY md5(i."number") LIMIT 1) AS "number"
       FROM (SELECT "id", "name" FROM "Workspace" ORDER BY md5("id"::text || 'sample') LIMIT $1) w`,
    [count],
  );
  const stripe = await database.sql.query<{ id: string; customer: string }>(
    `SELECT "id"::text AS "id", "stripeCustomerId" AS "customer" FROM "Workspace"
      WHERE "stripeCustomerId" IS NOT NULL ORDER BY md5("id"::text || 'stripe') LIMIT $1`,
    [count],
  );
  return { samples, stripe };
}

/** Each kind's plan, checked for sequential scans; printed with its run times when `print`. */
async function explainKinds(database: Database, list: Kind[], print: boolean): Promise<Map<string, boolean>> {
  const indexed = new Map<string, boolean>();
  for (const kind of list) {
    const { query } = kind.probe(0);
    const sql = searchHitsSql(query);
    const options = print ? "(ANALYZE, BUFFERS, COSTS OFF)" : "(COSTS OFF)";
    const rows = await database.sql.query<{ "QUERY PLAN": string }>(`EXPLAIN ${options} ${sql.text}`, sql.values);
    const plan = rows.map((row) => row["QUERY PLAN"]);
    indexed.set(kind.name, !plan.some((line) => line.includes("Seq Scan")));
    if (print) {
      log(`\nEXPLAIN ${kind.label}: ${JSON.stringify(query)}`);
      for (const line of plan) log(`  ${line}`);
    }
  }
  return indexed;
}

async function main() {
  const args = process.argv.slice(2);
  const server = flagValue(args, "--server") ?? "postgresql://postgres@127.0.0.1:5432/postgres";
  const workspaces = countFlag(args, "--workspaces", 100_000);
  const runs = countFlag(args, "--runs", 200);
  const [load1] = os.loadavg();
  log(
    `bench:support — PostgreSQL ${new URL(server).host}, ${os.cpus().length} CPUs, load average ${load1?.toFixed(2)} (other processes share these cores)`,
  );

  const url = await recreateDatabase(server);
  let database: Database | undefined;
  const abort = (signal: NodeJS.Signals) => {
    log(`${signal}: dropping ${DATABASE}`);
    void (database?.close() ?? Promise.resolve())
      .catch(() => {})
      .then(() => dropDatabase(server))
      .finally(() => process.exit(130));
  };
  process.once("SIGINT", abort);
  process.once("SIGTERM", abort);

  try {
    const setupStarted = performance.now();
    database = await openDatabase({ kind: "postgres", url }, { poolSize: 2 });
    await applyMigrations(database.sql);
    await loadCatalogFile(database.prisma);
    const counts = await fillSupportBench(database.sql, workspaces, AT);
    log(
      `setup: database ${DATABASE}, ${counts.workspaces} workspaces, ${counts.users} users, ${counts.apiKeys} API keys, ` +
        `${counts.invoices} invoices, ${counts.stripeCustomers} Stripe customers in ${((performance.now() - setupStarted) / 1000).toFixed(1)} s`,
    );

    const { samples, stripe } = await loadSamples(database, runs + WARM_UP_RUNS);
    const list = kinds(samples, stripe);
    const indexed = await explainKinds(database, list, args.includes("--explain"));

    const prisma = database.prisma;
    const failures: string[] = [];
    const timings = new Map(list.map((kind) => [kind.name, new Float64Array(runs)]));
    const resultCounts = new Map(list.map((kind) => [kind.name, 0]));
    for (let i = 0; i < WARM_UP_RUNS + runs; i += 1) {
      for (const kind of list) {
        const probe = kind.probe(i);
        const started = performance.now();
        const results = await searchAccounts(prisma, probe.query, AT);
        const elapsed = performance.now() - started;
        if (!probe.check(results))
          failures.push(`${kind.label} ${JSON.stringify(probe.query)}: ${results.length} results, not the expected`);
        if (i < WARM_UP_RUNS) continue;
        timings.get(kind.name)![i - WARM_UP_RUNS] = elapsed;
        resultCounts.set(kind.name, resultCounts.get(kind.name)! + results.length);
      }
    }
    if (failures.length > 0) {
      for (const failure of failures.slice(0, 10)) log(`  wrong answer: ${failure}`);
      throw new Error(`${failures.length} searches did not find what they looked for`);
    }

    log(`\nsearchAccounts, ${runs} runs per kind after ${WARM_UP_RUNS} warm-up runs (ms):`);
    log(`  ${"kind".padEnd(20)}${"p50".padStart(8)}${"p95".padStart(8)}${"max".padStart(8)}${"results".padStart(10)}  plan`);
    const figures: Record<string, number> = { search_p95_ms: 0 };
    for (const kind of list) {
      const sorted = timings.get(kind.name)!.sort();
      const p95 = round1(percentile(sorted, 0.95));
      figures[`${kind.name}_p95_ms`] = p95;
      figures.search_p95_ms = Math.max(figures.search_p95_ms!, p95);
      log(
        `  ${kind.label.padEnd(20)}${round1(percentile(sorted, 0.5)).toFixed(1).padStart(8)}${p95.toFixed(1).padStart(8)}` +
          `${round1(sorted[sorted.length - 1]!)
            .toFixed(1)
            .padStart(8)}${(resultCounts.get(kind.name)! / runs).toFixed(1).padStart(10)}  ` +
          (indexed.get(kind.name) ? "indexes only" : "SEQUENTIAL SCAN"),
      );
    }
    const unindexed = list.filter((kind) => !indexed.get(kind.name));
    log("targets (2 cores):");
    log(
      `  ${figures.search_p95_ms! < TARGET_P95_MS ? "met   " : "MISSED"} every kind's p95 < ${TARGET_P95_MS} ms: worst ${figures.search_p95_ms} ms`,
    );
    log(
      `  ${unindexed.length === 0 ? "met   " : "MISSED"} no sequential scan: ${unindexed.map((kind) => kind.label).join(", ") || "none"}`,
    );

    await database.close();
    database = undefined;
    if (args.includes("--keep")) log(`kept ${DATABASE} (drop it with: dropdb ${DATABASE})`);
    else {
      await dropDatabase(server);
      log(`cleanup: dropped ${DATABASE}`);
    }
    console.log(JSON.stringify(figures));
  } catch (error) {
    await database?.close().catch(() => {});
    await dropDatabase(server).catch(() => {});
    throw error;
  }
}

main().catch((error: unknown) => {
  console.error(`bench:support failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
