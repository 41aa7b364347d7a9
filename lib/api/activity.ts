import "server-only";

// Refused calls (R2.4, R10: shown with their reason) and API keys' last use
// are counted in memory and written every few seconds in one statement each,
// never synchronously on the hot path.
import { database } from "@/lib/db";
import { recordApiActivity } from "@/lib/db/api-auth";

const FLUSH_MS = 5_000;

export type RefusalReason =
  | "throttled"
  | "insufficient_credits"
  | "flex_off"
  | "arrears"
  | "retention"
  | "spend_cap"
  | "invalid_key"
  | "invalid_body"
  | "idempotency_mismatch";

class ActivityRecorder {
  private refusals = new Map<string, { workspaceId: string; minute: Date; reason: string; count: number }>();
  private keysUsed = new Map<string, { workspaceId: string; keyId: string; at: Date }>();
  private timer: NodeJS.Timeout | undefined;

  refused(workspaceId: string, reason: RefusalReason, at: Date) {
    const minute = new Date(Math.floor(at.getTime() / 60_000) * 60_000);
    const key = `${workspaceId}|${minute.getTime()}|${reason}`;
    const entry = this.refusals.get(key);
    if (entry) entry.count += 1;
    else this.refusals.set(key, { workspaceId, minute, reason, count: 1 });
    this.schedule();
  }

  keyUsed(workspaceId: string, keyId: string, at: Date) {
    this.keysUsed.set(keyId, { workspaceId, keyId, at });
    this.schedule();
  }

  private schedule() {
    if (this.timer) return;
    this.timer = setTimeout(() => void this.flush(), FLUSH_MS);
    this.timer.unref();
  }

  /** Writes what is counted so far (every 5 s, and on shutdown). */
  async flush() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const refusals = [...this.refusals.values()];
    const keysUsed = [...this.keysUsed.values()];
    this.refusals.clear();
    this.keysUsed.clear();
    if (refusals.length === 0 && keysUsed.length === 0) return;
    try {
      await recordApiActivity((await database()).prisma, refusals, keysUsed);
    } catch (error) {
      // Counters are best effort: losing a few seconds of them must not fail requests.
      console.warn("[api] could not record refused calls and key use", error);
    }
  }
}

const holder = globalThis as unknown as { __meterdeskActivity?: ActivityRecorder };
export const activity = (holder.__meterdeskActivity ??= new ActivityRecorder());
