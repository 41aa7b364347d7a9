// npm run billing:run -- --now <ISO-8601>: runs every billing job due as of
// that instant (R8.6); without --now, as of the clock (METERDESK_NOW aware).
// With the embedded database held by a running server, the server runs it.
import { formatSummary, internalBillingRunToken, runBillingOnce } from "@/lib/billing-run";
import { now as clockNow } from "@/lib/clock";
import { configuredTarget } from "@/lib/db";
import { openDatabase, readEmbeddedLock } from "@/lib/db/connect";
import type { BillingRunSummary } from "@/lib/db/billing/billing-run";

function parseNow(args: string[]): Date {
  const index = args.indexOf("--now");
  if (index === -1) return clockNow();
  const value = args[index + 1];
  if (!value || Number.isNaN(Date.parse(value))) throw new Error("--now needs an ISO-8601 instant, e.g. --now 2027-02-01T00:00:00Z");
  return new Date(value);
}

async function main() {
  const now = parseNow(process.argv.slice(2));
  const target = configuredTarget();
  console.log(`billing:run as of ${now.toISOString()}`);

  const holder = target.kind === "pglite" ? readEmbeddedLock(target.dir) : null;
  if (holder?.port) {
    console.log(`the embedded database is held by the server on port ${holder.port}: asking it to run the clock`);
    const response = await fetch(`http://127.0.0.1:${holder.port}/api/internal/billing-run`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${internalBillingRunToken()}` },
      body: JSON.stringify({ now: now.toISOString() }),
    });
    const body = (await response.json()) as { summary?: BillingRunSummary; lines?: string[]; error?: string };
    if (!response.ok || !body.summary) throw new Error(body.error ?? `the server answered ${response.status}`);
    for (const line of body.lines ?? []) console.log(`  ${line}`);
    console.log(formatSummary(body.summary));
    return;
  }

  const database = await openDatabase(target, { role: "billing-run" });
  try {
    const result = await runBillingOnce(database, now, (line) => console.log(`  ${line}`));
    if (!result.ran) throw new Error("another billing run is in progress right now; try again in a moment");
    console.log(formatSummary(result.summary));
  } finally {
    await database.close();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
