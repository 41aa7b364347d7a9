import { describe, expect, it } from "vitest";
import { EVERY_WORKSPACE, KeyCache } from "./key-cache";

interface Key {
  workspaceId: string;
  revoked: boolean;
}

/** A loader over a mutable table that counts its round trips; `gate` holds a load open. */
function table(rows: Record<string, Key>) {
  const state = { loads: 0, gate: null as Promise<void> | null };
  const load = async (prefix: string) => {
    state.loads += 1;
    const row = rows[prefix] ? { ...rows[prefix] } : null;
    if (state.gate) await state.gate;
    return row;
  };
  return { rows, state, load };
}

describe("the API key cache (R9.1, R9.3: revocations and new limits apply at once)", () => {
  it("answers from memory while it listens for invalidations, and goes to the database while it does not", async () => {
    const t = table({ a: { workspaceId: "w1", revoked: false } });
    const cache = new KeyCache<Key>(t.load);
    await cache.get("a");
    await cache.get("a");
    expect(t.state.loads).toBe(2);
    cache.setListening(true);
    await cache.get("a");
    await cache.get("a");
    expect(t.state.loads).toBe(3);
    cache.setListening(false);
    expect(cache.size).toBe(0);
    await cache.get("a");
    expect(t.state.loads).toBe(4);
  });

  it("drops a workspace's keys when that workspace is notified, and only those", async () => {
    const t = table({
      a: { workspaceId: "w1", revoked: false },
      b: { workspaceId: "w1", revoked: false },
      c: { workspaceId: "w2", revoked: false },
    });
    const cache = new KeyCache<Key>(t.load);
    cache.setListening(true);
    for (const prefix of ["a", "b", "c"]) await cache.get(prefix);
    t.rows.a!.revoked = true;
    cache.invalidate("w1");
    expect(cache.size).toBe(1);
    expect(await cache.get("a")).toEqual({ workspaceId: "w1", revoked: true });
    await cache.get("c");
    expect(t.state.loads).toBe(4);
    cache.invalidate(EVERY_WORKSPACE);
    expect(cache.size).toBe(0);
  });

  it("does not keep a lookup that was in flight when an invalidation arrived (it may hold the old row)", async () => {
    const t = table({ a: { workspaceId: "w1", revoked: false } });
    const cache = new KeyCache<Key>(t.load);
    cache.setListening(true);
    let open!: () => void;
    t.state.gate = new Promise((resolve) => (open = resolve));
    const inFlight = cache.get("a"); // read the row before the revocation committed…
    t.rows.a!.revoked = true;
    cache.invalidate("w1"); // …whose notification arrives before the read returns
    open();
    expect(await inFlight).toEqual({ workspaceId: "w1", revoked: false });
    t.state.gate = null;
    expect(await cache.get("a")).toEqual({ workspaceId: "w1", revoked: true });
    expect(t.state.loads).toBe(2);
  });

  it("does not keep a lookup that was in flight while the listener dropped and came back", async () => {
    const t = table({ a: { workspaceId: "w1", revoked: false } });
    const cache = new KeyCache<Key>(t.load);
    cache.setListening(true);
    let open!: () => void;
    t.state.gate = new Promise((resolve) => (open = resolve));
    const inFlight = cache.get("a");
    cache.setListening(false);
    cache.setListening(true);
    open();
    await inFlight;
    expect(cache.size).toBe(0);
  });

  it("does not cache unknown keys, expires entries after the time limit and keeps at most maxEntries", async () => {
    let now = 0;
    const t = table({
      a: { workspaceId: "w1", revoked: false },
      b: { workspaceId: "w2", revoked: false },
      c: { workspaceId: "w3", revoked: false },
    });
    const cache = new KeyCache<Key>(t.load, { ttlMs: 1_000, maxEntries: 2, nowMs: () => now });
    cache.setListening(true);
    expect(await cache.get("zz")).toBeNull();
    expect(await cache.get("zz")).toBeNull();
    expect(t.state.loads).toBe(2);

    await cache.get("a");
    now = 999;
    await cache.get("a");
    expect(t.state.loads).toBe(3);
    now = 1_000;
    await cache.get("a");
    expect(t.state.loads).toBe(4);

    await cache.get("b");
    await cache.get("c"); // evicts "a", the oldest
    expect(cache.size).toBe(2);
    const before = t.state.loads;
    await cache.get("c");
    await cache.get("b");
    expect(t.state.loads).toBe(before);
    await cache.get("a");
    expect(t.state.loads).toBe(before + 1);
  });

  it("shares one lookup between concurrent misses for the same prefix (single flight), and only those", async () => {
    const t = table({ a: { workspaceId: "w1", revoked: false }, b: { workspaceId: "w2", revoked: false } });
    const cache = new KeyCache<Key>(t.load);
    cache.setListening(true);
    let open!: () => void;
    t.state.gate = new Promise((resolve) => (open = resolve));
    const burst = [...Array.from({ length: 16 }, () => cache.get("a")), cache.get("b")];
    expect(cache.pending).toBe(2);
    open();
    const keys = await Promise.all(burst);
    expect(keys.slice(0, 16).every((key) => key?.workspaceId === "w1")).toBe(true);
    expect(keys[16]).toEqual({ workspaceId: "w2", revoked: false });
    expect(t.state.loads).toBe(2);
    expect(cache.pending).toBe(0);
    expect(cache.size).toBe(2);
  });

  it("does not hand a lookup that started before an invalidation to a request that came after it", async () => {
    const t = table({ a: { workspaceId: "w1", revoked: false } });
    const cache = new KeyCache<Key>(t.load);
    cache.setListening(true);
    let openFirst!: () => void;
    t.state.gate = new Promise((resolve) => (openFirst = resolve));
    const before = cache.get("a"); // reads the row before the revocation committed…
    t.rows.a!.revoked = true;
    cache.invalidate("w1"); // …whose notification arrives while the read is under way
    let openSecond!: () => void;
    t.state.gate = new Promise((resolve) => (openSecond = resolve));
    const after = cache.get("a");
    const alongside = cache.get("a"); // joins the second lookup, not the first
    openFirst();
    openSecond();
    expect(await before).toEqual({ workspaceId: "w1", revoked: false });
    expect(await after).toEqual({ workspaceId: "w1", revoked: true });
    expect(await alongside).toEqual({ workspaceId: "w1", revoked: true });
    expect(t.state.loads).toBe(2);
    t.state.gate = null;
    expect(await cache.get("a")).toEqual({ workspaceId: "w1", revoked: true });
    expect(t.state.loads).toBe(2);
  });

  it("shares nothing while it does not listen, and lets a failed lookup fail only the requests that shared it", async () => {
    const t = table({ a: { workspaceId: "w1", revoked: false } });
    const cache = new KeyCache<Key>(t.load);
    await Promise.all(Array.from({ length: 4 }, () => cache.get("a")));
    expect(t.state.loads).toBe(4);

    let fail = true;
    const flaky = new KeyCache<Key>(async (prefix) => {
      await Promise.resolve();
      if (fail) throw new Error("connection reset");
      return t.load(prefix);
    });
    flaky.setListening(true);
    const failed = await Promise.allSettled([flaky.get("a"), flaky.get("a")]);
    expect(failed.map((result) => result.status)).toEqual(["rejected", "rejected"]);
    expect(flaky.pending).toBe(0);
    fail = false;
    expect(await flaky.get("a")).toEqual({ workspaceId: "w1", revoked: false });
  });
});
