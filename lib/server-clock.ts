import "server-only";

// The server's own billing clock: a tick every minute (R8.1, R8.6).
import { runClockOnce } from "@/lib/billing-clock-runner";
import { now } from "@/lib/clock";
import { database } from "@/lib/db";

const TICK_MS = 60_000;

export function startServerClock() {
  const holder = globalThis as unknown as { __meterdeskClock?: NodeJS.Timeout };
  if (holder.__meterdeskClock) return;
  const tick = async () => {
    try {
      await runClockOnce(await database(), now(), (line) => console.log(`[billing clock] ${line}`));
    } catch (error) {
      console.error("[billing clock] tick failed; the next tick retries", error);
    }
  };
  holder.__meterdeskClock = setInterval(() => void tick(), TICK_MS);
  holder.__meterdeskClock.unref();
  setTimeout(() => void tick(), 5_000).unref();
}
