import "server-only";

// Runs auto top-ups off the metering request's time (R7.2): a debit that
// left prepaid below the threshold nudges the runner after its commit, and
// the runner charges in the background. One run per workspace at a time in
// this process; the database lock in runAutoTopUp covers other processes,
// and the billing run's sweep covers a nudge lost to a crash.
import { now } from "@/lib/clock";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { paymentGateway } from "./index";
import { runAutoTopUp } from "./auto-top-up";

const holder = globalThis as unknown as { __meterdeskAutoTopUps?: Set<string> };

export function nudgeAutoTopUp(workspaceId: string): void {
  const running = (holder.__meterdeskAutoTopUps ??= new Set());
  if (running.has(workspaceId)) return;
  running.add(workspaceId);
  setImmediate(() => {
    void (async () => {
      try {
        await runAutoTopUp(await db(), paymentGateway(), workspaceId, now(), env().CREDITS_PER_USD);
      } catch (error) {
        console.error(`[auto top-up] workspace ${workspaceId}: failed; the billing run tries again`, error);
      } finally {
        running.delete(workspaceId);
      }
    })();
  });
}
