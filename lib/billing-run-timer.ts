import "server-only";

// The server's own billing run: every minute (R8.1, R8.6).
import { runBillingOnce } from "@/lib/billing-run";
import { now } from "@/lib/clock";
import { database } from "@/lib/db";

const TICK_MS = 60_000;

export function startBillingRunTimer() {
  const holder = globalThis as unknown as { __meterdeskBillingRunTimer?: NodeJS.Timeout };
  if (holder.__meterdeskBillingRunTimer) return;
  const tick = async () => {
    try {
      await runBillingOnce(await database(), now(), (line) => console.log(`[billing run] ${line}`));
    } catch (error) {
      console.error("[billing run] tick failed; the next tick retries", error);
    }
  };
  holder.__meterdeskBillingRunTimer = setInterval(() => void tick(), TICK_MS);
  holder.__meterdeskBillingRunTimer.unref();
  setTimeout(() => void tick(), 5_000).unref();
}
