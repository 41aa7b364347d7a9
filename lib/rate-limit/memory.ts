// The in-process rate limiter (R13: the default when REDIS_URL is unset).
// One Map of TATs per workspace; JavaScript runs one check at a time, so the
// read-decide-write of every window is atomic without a lock. It counts for
// this process only: several app instances need the Redis limiter.
import { decideGcra, isTatSpent, type Tat } from "./gcra";
import {
  assertRateLimits,
  longestRefusal,
  RATE_LIMIT_WINDOW_MS,
  type Decision,
  type RateLimit,
  type RateLimiter,
  type RateLimitWindow,
} from "./limits";

type WorkspaceTats = Partial<Record<RateLimitWindow, Tat>>;
type Refusal = Extract<Decision, { allowed: false }>;

export interface MemoryRateLimiterOptions {
  /** Keys kept at most; beyond it idle keys are swept, then the least recently used dropped. */
  maxKeys?: number;
  /** How often idle keys are swept (an unref'd timer; 0 turns it off). */
  sweepIntervalMs?: number;
  /** The clock used when `check` is given no `nowMs`. */
  now?: () => number;
}

const DEFAULT_MAX_KEYS = 100_000;
const DEFAULT_SWEEP_INTERVAL_MS = 60_000;

export class MemoryRateLimiter implements RateLimiter {
  private readonly tats = new Map<string, WorkspaceTats>();
  private readonly maxKeys: number;
  private readonly clock: () => number;
  private readonly sweepTimer: ReturnType<typeof setInterval> | undefined;
  // Sweeps judge "idle" on the clock the checks run on (tests pass their own nowMs).
  private latestNowMs = Number.NEGATIVE_INFINITY;

  constructor(options: MemoryRateLimiterOptions = {}) {
    this.maxKeys = options.maxKeys ?? DEFAULT_MAX_KEYS;
    this.clock = options.now ?? Date.now;
    const every = options.sweepIntervalMs ?? DEFAULT_SWEEP_INTERVAL_MS;
    if (every > 0) {
      this.sweepTimer = setInterval(() => this.sweepIdleKeys(), every);
      // Never keep the process (a command, a test run) alive for the sweep.
      this.sweepTimer.unref?.();
    }
  }

  /** Workspaces currently holding state (for tests and metrics). */
  get size(): number {
    return this.tats.size;
  }

  async check(key: string, limits: readonly RateLimit[], nowMs?: number): Promise<Decision> {
    assertRateLimits(limits);
    const now = Math.floor(nowMs ?? this.clock());
    if (now > this.latestNowMs) this.latestNowMs = now;

    const stored = this.tats.get(key);
    const admitted: WorkspaceTats = {};
    const refusals: Refusal[] = [];
    for (const { window, limit } of limits) {
      const decision = decideGcra({ limit, windowMs: RATE_LIMIT_WINDOW_MS[window] }, stored?.[window], now);
      if (decision.allowed) admitted[window] = decision.tat;
      else refusals.push({ allowed: false, window, limit, retryAfterMs: decision.retryAfterMs });
    }
    // A refused request counts against no window: nothing is written.
    if (refusals.length > 0) return longestRefusal(refusals);
    if (limits.length > 0) this.remember(key, { ...stored, ...admitted });
    return { allowed: true };
  }

  async close(): Promise<void> {
    if (this.sweepTimer !== undefined) clearInterval(this.sweepTimer);
    this.tats.clear();
  }

  /** Forgets every key whose TATs have all passed: it would be admitted as if new. */
  sweepIdleKeys(nowMs: number = this.latestNowMs): void {
    for (const [key, tats] of this.tats) {
      if (isIdle(tats, nowMs)) this.tats.delete(key);
    }
  }

  private remember(key: string, tats: WorkspaceTats): void {
    // Delete first so the Map's order is least recently used first.
    if (!this.tats.delete(key) && this.tats.size >= this.maxKeys) this.makeRoom();
    this.tats.set(key, tats);
  }

  // Memory stays bounded even under a flood of distinct keys. Dropping a live
  // key only gives that workspace a fresh burst — the fail-open direction.
  private makeRoom(): void {
    this.sweepIdleKeys();
    const target = Math.floor(this.maxKeys * 0.9);
    for (const key of this.tats.keys()) {
      if (this.tats.size <= target) break;
      this.tats.delete(key);
    }
  }
}

function isIdle(tats: WorkspaceTats, nowMs: number): boolean {
  return Object.values(tats).every((tat) => tat === undefined || isTatSpent(tat, nowMs));
}
