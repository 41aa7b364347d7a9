import "server-only";

// The server's own billing run: every minute (R8.1, R8.6), on one instance.
// With several instances on one PostgreSQL each competes for the lead
// (Database.lead: a session advisory lock on a connection of its own); only
// the leader's timer ticks, and a follower takes the lead within one interval
// of the leader stopping, crashing or losing its connection
// (docs/SCALING.md). Every run still takes the billing run's own lock
// (runBillingOnce), so `npm run billing:run` never overlaps the leader either.
import { formatSummary, runBillingOnce } from "@/lib/billing-run";
import { now } from "@/lib/clock";
import { database } from "@/lib/db";
import type { Leadership } from "@/lib/db/connect";
import type { BillingRunSummary } from "@/lib/db/billing/billing-run";
import { env } from "@/lib/env";

/** The timer's lead: not BILLING_RUN_LOCK, which every run takes (the command's too) and gives back. */
export const BILLING_RUN_LEADER_LOCK = 727_073_692;

const FIRST_TICK_MS = 5_000;

const log = (line: string) => console.log(`[billing run] ${line}`);
const didWork = (summary: BillingRunSummary) => Object.values(summary).some((count) => count > 0);

export function startBillingRunTimer() {
  const holder = globalThis as unknown as { __meterdeskBillingRunTimer?: Promise<void> };
  holder.__meterdeskBillingRunTimer ??= leadBillingRun(env().METERDESK_BILLING_RUN_INTERVAL_MS).catch((error) =>
    console.error("[billing run] could not compete for the lead; this instance will not run the billing", error),
  );
}

async function leadBillingRun(intervalMs: number) {
  const db = await database();
  let first: NodeJS.Timeout | undefined;
  let ticks: NodeJS.Timeout | undefined;
  const tick = async () => {
    try {
      // A leader whose connection died unnoticed must not run beside the one that took over.
      if (!(await leadership.confirm())) return;
      const outcome = await runBillingOnce(db, now(), log);
      if (outcome.ran && didWork(outcome.summary)) log(`done: ${formatSummary(outcome.summary)}`);
    } catch (error) {
      console.error("[billing run] tick failed; the next tick retries", error);
    }
  };
  // Elected at the earliest just before this resolves: the first tick comes at least 100 ms after.
  const leadership: Leadership = await db.lead(
    BILLING_RUN_LEADER_LOCK,
    {
      elected() {
        log(`pid ${process.pid} leads the billing run (every ${intervalMs} ms)`);
        first = setTimeout(() => void tick(), Math.min(FIRST_TICK_MS, intervalMs)).unref();
        ticks = setInterval(() => void tick(), intervalMs).unref();
      },
      deposed() {
        log(`pid ${process.pid} no longer leads the billing run`);
        clearTimeout(first);
        clearInterval(ticks);
      },
    },
    { retryMs: intervalMs },
  );
}
