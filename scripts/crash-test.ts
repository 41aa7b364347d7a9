// Crash test (issue: "a crash mid-request loses no acknowledged charge"):
// start the production server on a fresh PostgreSQL database, drive
// operations with idempotency keys, kill -9 the server mid-load, restart it,
// retry every unacknowledged request with its key, and check that every
// acknowledged operation is charged exactly once and the ledger holds.
// Prints "crash test: N passed, M failed" style lines; exits 1 on failure.
import { openDatabase } from "@/lib/db/connect";
import { ledgerViolations } from "@/lib/db/ledger/invariants";
import { createScratchDatabase, startAppServer } from "./lib/app-server";
import { prepareDatabase, provisionApiWorkspace } from "./lib/provision";

const WORKERS = 24;
const LOAD_MS = 2_500;

interface Sent {
  key: string;
  body: string;
  acknowledged: string | null;
}

async function post(url: string, secret: string, sent: Sent): Promise<Response> {
  return fetch(`${url}/api/v1/operations`, {
    method: "POST",
    headers: { authorization: `Key ${secret}`, "content-type": "application/json", "idempotency-key": sent.key },
    body: sent.body,
  });
}

async function main() {
  const scratch = await createScratchDatabase(process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/test", "md_crash");
  const database = await openDatabase({ kind: "postgres", url: scratch.url });
  const problems: string[] = [];
  let server = null as Awaited<ReturnType<typeof startAppServer>> | null;
  try {
    await prepareDatabase(database);
    const ws = await provisionApiWorkspace(database, { prepaidCredits: 10_000_000_000n, perSecond: 1_000_000 });
    server = await startAppServer({ databaseUrl: scratch.url });
    const url = server.url;

    // Load, then kill -9 while requests are in flight.
    const sent: Sent[] = [];
    let stop = false;
    const workers = Array.from({ length: WORKERS }, async (_, worker) => {
      for (let i = 0; !stop; i += 1) {
        const item: Sent = {
          key: `crash-${worker}-${i}`,
          body: JSON.stringify({ type: i % 3 === 0 ? "search" : "predict", inputs: 1 + ((worker * 7 + i) % 40) }),
          acknowledged: null,
        };
        sent.push(item);
        try {
          const response = await post(url, ws.secret, item);
          const text = await response.text();
          if (response.status === 200) item.acknowledged = text;
        } catch {
          return; // the server is gone
        }
      }
    });
    await new Promise((resolve) => setTimeout(resolve, LOAD_MS));
    stop = true;
    await server.crash();
    await Promise.all(workers);
    const acknowledged = sent.filter((s) => s.acknowledged !== null).length;
    console.log(`sent ${sent.length} requests, ${acknowledged} acknowledged before kill -9`);

    // Restart and retry everything with its key.
    server = await startAppServer({ databaseUrl: scratch.url });
    let retried = 0;
    for (let i = 0; i < sent.length; i += 32) {
      await Promise.all(
        sent.slice(i, i + 32).map(async (item) => {
          const response = await post(server!.url, ws.secret, item);
          const text = await response.text();
          if (response.status !== 200) {
            problems.push(`retry of ${item.key} answered ${response.status}: ${text}`);
            return;
          }
          retried += 1;
          if (item.acknowledged !== null) {
            // The acknowledged answer is the one a retry gets, byte for byte.
            if (text !== item.acknowledged) problems.push(`retry of ${item.key} answered differently from its acknowledged response`);
          }
        }),
      );
    }

    const events = await database.sql.query<{ key: string; n: string }>(
      `SELECT "idempotencyKey" AS key, COUNT(*)::text AS n FROM "UsageEvent" WHERE "workspaceId" = $1::uuid GROUP BY "idempotencyKey"`,
      [ws.workspaceId],
    );
    if (events.length !== sent.length) problems.push(`${events.length} operations charged for ${sent.length} distinct keys`);
    const doubled = events.filter((e) => e.n !== "1");
    if (doubled.length > 0) problems.push(`${doubled.length} keys charged more than once`);
    problems.push(...(await ledgerViolations(database.sql, [ws.workspaceId])));
    console.log(`retried ${retried} requests after the restart; ${events.length} operations charged once each`);
  } finally {
    await server?.stop().catch(() => {});
    await database.close();
    await scratch.drop();
  }
  if (problems.length > 0) {
    for (const problem of problems.slice(0, 20)) console.error(`FAIL ${problem}`);
    console.log("crash test: failed");
    process.exit(1);
  }
  console.log("crash test: every acknowledged operation charged exactly once; ledger invariants hold");
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
