// npm run bench:ingest — the metering API under load: the production build on
// loopback PostgreSQL and Redis, driven by autocannon. Starts everything it
// needs (its own database, a server on a free port) and cleans up. The last
// line is one JSON object of the figures.
//
// Targets (2 cores): ≥ 1,000 single-operation requests/s with p99 < 50 ms;
// ≥ 100,000 operations/s in batches of 100; limiter decision p99 < 1 ms
// in-process and < 2 ms on Redis.
//
// The same run measures its own ceiling: a bare Node HTTP server (a child
// process like the app, answering one fixed JSON body) loaded the same way
// (same connections, same duration). bare_rps is what this machine's Node
// and autocannon manage at this moment; single_ratio = single_rps / bare_rps
// is the share of it the metering API keeps, which compares across machines
// and across busy and quiet moments far better than single_rps alone.
import autocannon from "autocannon";
import { openDatabase } from "@/lib/db/connect";
import { ledgerViolations } from "@/lib/db/ledger/invariants";
import { MemoryRateLimiter, RedisRateLimiter } from "@/lib/rate-limit/limiter";
import { measureLimiterOverhead } from "@/lib/rate-limit/measure";
import { createScratchDatabase, startAppServer, startBareServer } from "./lib/app-server";
import { prepareDatabase, provisionApiWorkspace } from "./lib/provision";

const SERVER_URL = process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/test";
const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const DURATION_S = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
/** A folder for a V8 CPU profile of the server (open it in Chrome DevTools), when set. */
const PROFILE_DIR = process.env.BENCH_PROFILE_DIR;

interface Phase {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

async function load(url: string, secret: string, body: unknown, seconds: number): Promise<Phase> {
  const result = await autocannon({
    url: `${url}/api/v1/operations`,
    method: "POST",
    connections: CONNECTIONS,
    duration: seconds,
    headers: { authorization: `Key ${secret}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, non2xx: result.non2xx, errors: result.errors };
}

const round = (n: number) => Math.round(n * 10) / 10;
const round2 = (n: number) => Math.round(n * 100) / 100;

// What the bare server answers: the size and shape of a real 200 for one operation.
const BARE_BODY = JSON.stringify({
  status: { code: 10000, description: "Ok", req_id: "req_000000000000000000000000" },
  usage: {
    operations: 1,
    credits: "2400",
    usd: "0.0012",
    sources: { included: "2400", package: "0", prepaid: "0", flex: "0" },
    balance: { included: "749997600", prepaid: "1000000000000000", flex_used: "0", packages: [] },
  },
});

async function main() {
  const scratch = await createScratchDatabase(SERVER_URL, "md_bench_ingest");
  const database = await openDatabase({ kind: "postgres", url: scratch.url });
  let server: Awaited<ReturnType<typeof startAppServer>> | null = null;
  let bare: Awaited<ReturnType<typeof startBareServer>> | null = null;
  try {
    await prepareDatabase(database);
    // One large customer with a custom limit (support override), so that the
    // benchmark measures the API, not the 15 req/s default.
    const single = await provisionApiWorkspace(database, { prepaidCredits: 10n ** 15n, perSecond: 1_000_000 });
    const batch = await provisionApiWorkspace(database, { prepaidCredits: 10n ** 15n, perSecond: 1_000_000 });
    server = await startAppServer({
      databaseUrl: scratch.url,
      redisUrl: REDIS_URL,
      nodeArgs: PROFILE_DIR ? ["--cpu-prof", `--cpu-prof-dir=${PROFILE_DIR}`] : [],
    });
    console.log(
      `server ${server.url} on ${scratch.url.replace(/\/\/.*@/, "//")} with Redis ${REDIS_URL}; ${CONNECTIONS} connections, ${DURATION_S} s per phase`,
    );

    await load(server.url, single.secret, { type: "predict", inputs: 1 }, 2); // warm-up
    const singleOps = await load(server.url, single.secret, { type: "predict", inputs: 1 }, DURATION_S);
    console.log(
      `single operation: ${round(singleOps.rps)} req/s, p50 ${singleOps.p50} ms, p99 ${singleOps.p99} ms, non-2xx ${singleOps.non2xx}, errors ${singleOps.errors}`,
    );
    const batches = await load(server.url, batch.secret, { type: "predict", inputs: 100 }, DURATION_S);
    console.log(
      `batches of 100: ${round(batches.rps)} req/s = ${round(batches.rps * 100)} operations/s, p50 ${batches.p50} ms, p99 ${batches.p99} ms, non-2xx ${batches.non2xx}`,
    );

    const violations = await ledgerViolations(database.sql, [single.workspaceId, batch.workspaceId]);
    console.log(`ledger invariants: ${violations.length === 0 ? "hold" : violations.join("; ")}`);
    if (singleOps.non2xx + batches.non2xx > 0 || violations.length > 0) process.exitCode = 1;

    await server.stop();
    server = null;

    // The ceiling, measured with the app stopped so that nothing else competes for the cores.
    bare = await startBareServer({ body: BARE_BODY });
    await load(bare.url, single.secret, { type: "predict", inputs: 1 }, 2); // warm-up, as for the app
    const bareOps = await load(bare.url, single.secret, { type: "predict", inputs: 1 }, DURATION_S);
    await bare.stop();
    bare = null;
    const singleRatio = bareOps.rps > 0 ? singleOps.rps / bareOps.rps : 0;
    console.log(
      `bare Node server: ${round(bareOps.rps)} req/s, p50 ${bareOps.p50} ms, p99 ${bareOps.p99} ms; the API keeps ${round2(singleRatio)} of it`,
    );

    const memory = new MemoryRateLimiter();
    const redis = new RedisRateLimiter({ redisUrl: REDIS_URL });
    const memoryOverhead = await measureLimiterOverhead(memory, 20_000);
    const redisOverhead = await measureLimiterOverhead(redis, 20_000);
    await memory.close();
    await redis.close();
    console.log(
      `limiter decision: in-process p50 ${memoryOverhead.p50Ms.toFixed(3)} ms, p99 ${memoryOverhead.p99Ms.toFixed(3)} ms; Redis p50 ${redisOverhead.p50Ms.toFixed(3)} ms, p99 ${redisOverhead.p99Ms.toFixed(3)} ms`,
    );

    console.log(
      JSON.stringify({
        single_rps: round(singleOps.rps),
        single_p99_ms: round(singleOps.p99),
        bare_rps: round(bareOps.rps),
        single_ratio: round2(singleRatio),
        batch_ops_per_s: round(batches.rps * 100),
        limiter_p99_ms_memory: Math.round(memoryOverhead.p99Ms * 1000) / 1000,
        limiter_p99_ms_redis: Math.round(redisOverhead.p99Ms * 1000) / 1000,
      }),
    );
  } finally {
    await server?.stop().catch(() => {});
    await bare?.stop().catch(() => {});
    await database.close();
    await scratch.drop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
