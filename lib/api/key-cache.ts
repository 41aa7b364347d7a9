// An in-process cache of API keys with their workspace's rate limits, so that
// an API call does not wait for a database round trip to learn who it is.
//
// Correctness rests on invalidation, not on expiry: every change that alters
// a lookup notifies the workspace id on a PostgreSQL channel (triggers in the
// `api_auth_notify` migration) and each process drops what it holds for that
// workspace. Entries are used only while the process is listening; when the
// listener connection drops, the cache is emptied and bypassed until it
// listens again. A lookup that was in flight while an invalidation arrived is
// not stored (it may have read the old row), which the generation counter
// tells. The time limit is only a backstop.
//
// Concurrent misses for one prefix share one query (single flight): a burst
// on a cold cache costs one round trip, not one per request. A lookup that
// started before an invalidation (or a change in listening) is shared with no
// request that came after it, by the same generation counter, and while the
// process is not listening nothing is shared: every lookup goes to the
// database, as nothing is cached then either.
//
// Revocation does not depend on this cache alone: the debit transaction checks
// the key again (`debit.ts`), so a revoked key is never charged once its
// revocation has committed.

export interface CachedKey {
  workspaceId: string;
}

export interface KeyCacheOptions {
  /** Longest an entry is used without being read again. */
  ttlMs?: number;
  /** Entries kept; the oldest go first. */
  maxEntries?: number;
  /** Milliseconds for expiry (a monotonic clock; the process clock by default). */
  nowMs?: () => number;
}

const DEFAULT_TTL_MS = 60_000;
const DEFAULT_MAX_ENTRIES = 10_000;
export const EVERY_WORKSPACE = "*";

export class KeyCache<K extends CachedKey> {
  private readonly entries = new Map<string, { key: K; expiresAt: number }>();
  private readonly byWorkspace = new Map<string, Set<string>>();
  private readonly inFlight = new Map<string, { generation: number; lookup: Promise<K | null> }>();
  private generation = 0;
  private listening = false;
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly nowMs: () => number;

  constructor(
    private readonly load: (prefix: string) => Promise<K | null>,
    options: KeyCacheOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
    this.maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
    this.nowMs = options.nowMs ?? (() => performance.now());
  }

  /** The key with this prefix (null when none), from memory when it can be trusted. */
  async get(prefix: string): Promise<K | null> {
    if (!this.listening) return this.load(prefix);
    const hit = this.entries.get(prefix);
    if (hit && hit.expiresAt > this.nowMs()) return hit.key;
    if (hit) this.forget(prefix, hit.key.workspaceId);
    const pending = this.inFlight.get(prefix);
    if (pending && pending.generation === this.generation) return pending.lookup;
    const generation = this.generation;
    const lookup = this.load(prefix).then(
      (key) => {
        this.settle(prefix, lookup);
        if (key && this.listening && generation === this.generation) this.store(prefix, key);
        return key;
      },
      (error: unknown) => {
        this.settle(prefix, lookup);
        throw error;
      },
    );
    this.inFlight.set(prefix, { generation, lookup });
    return lookup;
  }

  /** A change to this workspace's keys or limits committed (`*`: to every workspace's). */
  invalidate(workspaceId: string): void {
    this.generation += 1;
    if (workspaceId === EVERY_WORKSPACE) return this.clear();
    for (const prefix of this.byWorkspace.get(workspaceId) ?? []) this.entries.delete(prefix);
    this.byWorkspace.delete(workspaceId);
  }

  /** Whether invalidations are being received; while not, nothing is cached. */
  setListening(on: boolean): void {
    this.generation += 1;
    this.listening = on;
    this.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  /** Lookups under way (each shared by every request for its prefix that joined it). */
  get pending(): number {
    return this.inFlight.size;
  }

  private settle(prefix: string, lookup: Promise<K | null>): void {
    if (this.inFlight.get(prefix)?.lookup === lookup) this.inFlight.delete(prefix);
  }

  private store(prefix: string, key: K): void {
    const previous = this.entries.get(prefix);
    if (previous) this.forget(prefix, previous.key.workspaceId);
    while (this.entries.size >= this.maxEntries) {
      const [oldest, entry] = this.entries.entries().next().value!;
      this.forget(oldest, entry.key.workspaceId);
    }
    this.entries.set(prefix, { key, expiresAt: this.nowMs() + this.ttlMs });
    let prefixes = this.byWorkspace.get(key.workspaceId);
    if (!prefixes) this.byWorkspace.set(key.workspaceId, (prefixes = new Set()));
    prefixes.add(prefix);
  }

  private forget(prefix: string, workspaceId: string): void {
    this.entries.delete(prefix);
    const prefixes = this.byWorkspace.get(workspaceId);
    prefixes?.delete(prefix);
    if (prefixes?.size === 0) this.byWorkspace.delete(workspaceId);
  }

  private clear(): void {
    this.entries.clear();
    this.byWorkspace.clear();
  }
}
