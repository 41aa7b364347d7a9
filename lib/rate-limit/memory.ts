// The in-process rate limiter (R13: the default when REDIS_URL is unset).
// One Map of counting windows per workspace (lib/rate-limit/windows.ts);
// JavaScript runs one check at a time, so the decide-then-record of every
// window is atomic without a lock. It counts for this process only: several
// app instances need the Redis limiter.
import type { CountingWindow } from "./windows";
import {
  assertRateLimits,
  countingWindow,
  limiterNowMs,
  longestRefusal,
  type Decision,
  type RateLimit,
  type RateLimiter,
  type RateLimitWindow,
} from "./limits";

type WorkspaceWindows = Partial<Record<RateLimitWindow, CountingWindow>>;
type Refusal = Extract<Decision, { allowed: false }>;

export interface MemoryRateLimiterOptions {
  /** Keys kept at most; beyond it idle keys are swept, then the least recently used dropped. */
  maxKeys?: number;
  /** How often idle keys are swept (an unref'd timer; 0 turns it off). */
  sweepIntervalMs?: number;
  /** The clock used when `check` is given no `nowMs` (default limiterNowMs). */
  now?: () => number;
}

const DEFAULT_MAX_KEYS = 100_000;
const DEFAULT_SWEEP_INTERVAL_MS = 60_000;

export class MemoryRateLimiter implements RateLimiter {
  private readonly windows = new Map<string, WorkspaceWindows>();
  private readonly maxKeys: number;
  private readonly clock: () => number;
  private readonly sweepTimer: ReturnType<typeof setInterval> | undefined;
  // Sweeps judge "idle" on the time line the checks run on (tests pass their own nowMs).
  private latestNowMs = Number.NEGATIVE_INFINITY;

  constructor(options: MemoryRateLimiterOptions = {}) {
    this.maxKeys = options.maxKeys ?? DEFAULT_MAX_KEYS;
    this.clock = options.now ?? limiterNowMs;
    const every = options.sweepIntervalMs ?? DEFAULT_SWEEP_INTERVAL_MS;
    if (every > 0) {
      this.sweepTimer = setInterval(() => this.sweepIdleKeys(), every);
      // Never keep the process (a command, a test run) alive for the sweep.
      this.sweepTimer.unref?.();
    }
  }

  /** Workspaces currently holding state (for tests and metrics). */
  get size(): number {
    return this.windows.size;
  }

  async check(key: string, limits: readonly RateLimit[], nowMs?: number): Promise<Decision> {
    assertRateLimits(limits);
    const arrival = Math.floor(nowMs ?? this.clock());
    if (arrival > this.latestNowMs) this.latestNowMs = arrival;

    const stored = this.windows.get(key);
    const refusals: Refusal[] = [];
    for (const { window, limit } of limits) {
      const verdict = stored?.[window]?.decide(arrival, limit);
      if (verdict && !verdict.allowed) refusals.push({ allowed: false, window, limit, retryAfterMs: verdict.retryAfterMs });
    }
    // A refused request counts against no window: nothing is written.
    if (refusals.length > 0) return longestRefusal(refusals);
    if (limits.length === 0) return { allowed: true };
    const windows = stored ?? {};
    for (const { window, limit } of limits) (windows[window] ??= countingWindow(window)).record(arrival, limit);
    this.remember(key, windows);
    return { allowed: true };
  }

  /** The counters held for a workspace (for tests that compare them with the Redis script's). */
  windowsOf(key: string): Readonly<WorkspaceWindows> | undefined {
    return this.windows.get(key);
  }

  async close(): Promise<void> {
    if (this.sweepTimer !== undefined) clearInterval(this.sweepTimer);
    this.windows.clear();
  }

  /** Forgets every workspace whose windows hold nothing any call could still count. */
  sweepIdleKeys(nowMs: number = this.latestNowMs): void {
    for (const [key, windows] of this.windows) {
      if (isIdle(windows, nowMs)) this.windows.delete(key);
    }
  }

  private remember(key: string, windows: WorkspaceWindows): void {
    // Delete first so the Map's order is least recently used first.
    if (!this.windows.delete(key) && this.windows.size >= this.maxKeys) this.makeRoom();
    this.windows.set(key, windows);
  }

  // Memory stays bounded even under a flood of distinct keys. Dropping a live
  // key only gives that workspace a fresh window — the fail-open direction.
  private makeRoom(): void {
    this.sweepIdleKeys();
    const target = Math.floor(this.maxKeys * 0.9);
    for (const key of this.windows.keys()) {
      if (this.windows.size <= target) break;
      this.windows.delete(key);
    }
  }
}

function isIdle(windows: WorkspaceWindows, nowMs: number): boolean {
  return Object.values(windows).every((window) => window === undefined || window.expiresAtMs() <= nowMs);
}
