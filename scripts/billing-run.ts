// npm run billing:run -- --now <ISO-8601>: runs every billing job due as of
// that instant (R8.6); without --now, as of the clock (METERDESK_NOW aware).
// With the embedded database held by a running server, the server runs it —
// and without --now, as of the server's own clock (R8.7: the clock the API
// stamps usage with), not this command's.
import { formatSummary, internalBillingRunToken, runBillingOnce } from "@/lib/billing-run";
import { now as clockNow } from "@/lib/clock";
import { configuredTarget } from "@/lib/db";
import { openDatabase, readEmbeddedLock } from "@/lib/db/connect";
import type { BillingRunSummary } from "@/lib/db/billing/billing-run";

/** The instant of `--now`, or null when it is not given. */
function parseNow(args: string[]): Date | null {
  const index = args.indexOf("--now");
  if (index === -1) return null;
  const value = args[index + 1];
  if (!value || Number.isNaN(Date.parse(value))) throw new Error("--now needs an ISO-8601 instant, e.g. --now 2027-02-01T00:00:00Z");
  return new Date(value);
}

async function main() {
  const requested = parseNow(process.argv.slice(2));
  const target = configuredTarget();

  const holder = target.kind === "pglite" ? readEmbeddedLock(target.dir) : null;
  if (holder?.port) {
    console.log(`the embedded database is held by the server on port ${holder.port}: asking it to do the billing run`);
    const response = await fetch(`http://127.0.0.1:${holder.port}/api/internal/billing-run`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${internalBillingRunToken()}` },
      body: JSON.stringify(requested ? { now: requested.toISOString() } : {}),
    });
    const body = (await response.json()) as { now?: string; summary?: BillingRunSummary; lines?: string[]; error?: string };
    if (!response.ok || !body.summary) throw new Error(body.error ?? `the server answered ${response.status}`);
    console.log(`billing:run as of ${body.now} (${requested ? "--now" : "the server's clock"})`);
    for (const line of body.lines ?? []) console.log(`  ${line}`);
    console.log(formatSummary(body.summary));
    return;
  }

  const now = requested ?? clockNow();
  console.log(`billing:run as of ${now.toISOString()}`);
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
