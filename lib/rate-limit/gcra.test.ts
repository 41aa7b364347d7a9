import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decideGcra, isTatSpent, tatTtlMs, type GcraLimit, type Tat } from "./gcra";

const PER_SECOND: GcraLimit = { limit: 15, windowMs: 1_000 };
const PAYG_PER_HOUR: GcraLimit = { limit: 18_000, windowMs: 3_600_000 };

/** Feeds requests at the given instants through one TAT; returns each decision's retry-after (0 = admitted). */
function run(limit: GcraLimit, instants: readonly number[]): number[] {
  let tat: Tat | undefined;
  return instants.map((now) => {
    const decision = decideGcra(limit, tat, now);
    if (!decision.allowed) return decision.retryAfterMs;
    tat = decision.tat;
    return 0;
  });
}

const admitted = (retries: number[]) => retries.filter((retry) => retry === 0).length;
const sameInstant = (count: number, at = 0) => Array.from({ length: count }, () => at);

describe("GCRA decisions (R9.3)", () => {
  it.each([
    // R9.3 "15 requests per second": a burst of 15 at one instant, the 16th refused for T = 1000/15 ≈ 66.7 ms → 67
    ["15/s, 16 at once", PER_SECOND, sameInstant(16), 15, 67],
    // Limits whose emission interval is not whole milliseconds stay exact at the boundary
    ["7/s, 8 at once", { limit: 7, windowMs: 1_000 }, sameInstant(8), 7, 143],
    ["1,500/s, 1,501 at once", { limit: 1_500, windowMs: 1_000 }, sameInstant(1_501), 1_500, 1],
    ["1/s, 2 at once", { limit: 1, windowMs: 1_000 }, sameInstant(2), 1, 1_000],
    // R9.3 pay as you go: 18,000 an hour, T = 200 ms
    ["18,000/h, 18,001 at once", PAYG_PER_HOUR, sameInstant(18_001), 18_000, 200],
    ["5/h, 6 at once", { limit: 5, windowMs: 3_600_000 }, sameInstant(6), 5, 720_000],
  ] as const)("%s → %i admitted, the last refused for %i ms", (_name, limit, instants, expectedAdmitted, lastRetry) => {
    const retries = run(limit, instants);
    expect(admitted(retries)).toBe(expectedAdmitted);
    expect(retries.slice(0, expectedAdmitted).every((retry) => retry === 0)).toBe(true);
    expect(retries.at(-1)).toBe(lastRetry);
  });

  it("admits a steady 15 a second for an hour", () => {
    const instants = Array.from({ length: 15 * 3_600 }, (_, i) => Math.floor((i * 1_000) / 15));
    expect(admitted(run(PER_SECOND, instants))).toBe(instants.length);
  });

  it("refuses some of a steady 16 a second", () => {
    const instants = Array.from({ length: 16 * 60 }, (_, i) => Math.floor((i * 1_000) / 16));
    const retries = run(PER_SECOND, instants);
    // Over a minute: the burst of 15 plus 15 a second for the rest of it.
    expect(admitted(retries)).toBe(15 + Math.floor((instants.at(-1)! * 15) / 1_000));
  });

  it("admits the full burst again after a pause of one window", () => {
    const retries = run(PER_SECOND, [...sameInstant(16, 0), ...sameInstant(16, 1_000)]);
    expect(retries.map((retry) => retry === 0)).toEqual([...Array(15).fill(true), false, ...Array(15).fill(true), false]);
  });

  it("admits one more request exactly when the retry-after has passed, not a millisecond before", () => {
    let tat: Tat | undefined;
    for (let i = 0; i < 15; i += 1) {
      const decision = decideGcra(PER_SECOND, tat, 0);
      if (decision.allowed) tat = decision.tat;
    }
    expect(decideGcra(PER_SECOND, tat, 0)).toEqual({ allowed: false, retryAfterMs: 67 });
    expect(decideGcra(PER_SECOND, tat, 66)).toEqual({ allowed: false, retryAfterMs: 1 });
    expect(decideGcra(PER_SECOND, tat, 67).allowed).toBe(true);
  });

  it("keeps the exact TAT: 15 requests at once end exactly one window ahead", () => {
    let tat: Tat | undefined;
    for (let i = 0; i < 15; i += 1) {
      const decision = decideGcra(PER_SECOND, tat, 5_000);
      if (decision.allowed) tat = decision.tat;
    }
    expect(tat).toEqual({ ms: 6_000, rem: 0, limit: 15 });
    expect(tatTtlMs(tat!, 5_000)).toBe(1_000);
    expect(isTatSpent(tat!, 5_999)).toBe(false);
    expect(isTatSpent(tat!, 6_000)).toBe(true);
  });

  it("rounds a TAT up to the next millisecond when support changes the limit (R11)", () => {
    // 1 request at 15/s leaves TAT = 66 + 10/15 ms; at 10/s it counts as 67 ms.
    const first = decideGcra(PER_SECOND, undefined, 0);
    expect(first).toEqual({ allowed: true, tat: { ms: 66, rem: 10, limit: 15 } });
    const changed = decideGcra({ limit: 10, windowMs: 1_000 }, first.allowed ? first.tat : undefined, 0);
    expect(changed).toEqual({ allowed: true, tat: { ms: 167, rem: 0, limit: 10 } });
  });

  it.each([
    [{ limit: 0, windowMs: 1_000 }, 0],
    [{ limit: 1.5, windowMs: 1_000 }, 0],
    [{ limit: 15, windowMs: 0 }, 0],
    [{ limit: 15, windowMs: 1_000 }, 0.5],
    [{ limit: 2 ** 40, windowMs: 3_600_000 }, 0],
  ] as const)("refuses to count %o at %d", (limit, now) => {
    expect(() => decideGcra(limit, undefined, now)).toThrow(RangeError);
  });
});

describe("GCRA properties (R9.3)", () => {
  const limits = fc.record({
    limit: fc.integer({ min: 1, max: 2_000 }),
    windowMs: fc.constantFrom(1_000, 60_000, 3_600_000),
  });

  it("admits exactly `limit` requests at one instant", () => {
    fc.assert(
      fc.property(limits, fc.integer({ min: 0, max: 2 ** 42 }), (limit, now) => {
        const retries = run(limit, sameInstant(limit.limit + 1, now));
        return admitted(retries) === limit.limit && retries.at(-1)! > 0;
      }),
      { numRuns: 200 },
    );
  });

  it("never admits more than limit + d·limit/window requests in any span of d ms", () => {
    const arrivals = fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 1, maxLength: 300 });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), arrivals, (limit, gaps) => {
        const windowMs = 1_000;
        let now = 0;
        const instants = gaps.map((gap) => (now += gap));
        const retries = run({ limit, windowMs }, instants);
        const admittedAt = instants.filter((_, i) => retries[i] === 0);
        for (let a = 0; a < admittedAt.length; a += 1) {
          for (let b = a; b < admittedAt.length; b += 1) {
            const span = admittedAt[b]! - admittedAt[a]!;
            if (b - a + 1 > limit + Math.floor((span * limit) / windowMs)) return false;
          }
        }
        return true;
      }),
      { numRuns: 300 },
    );
  });

  it("admits a refused request exactly retry-after ms later", () => {
    fc.assert(
      fc.property(limits, fc.integer({ min: 1, max: 50 }), fc.integer({ min: 0, max: 2 ** 42 }), (limit, extra, now) => {
        let tat: Tat | undefined;
        for (let i = 0; i < limit.limit + extra; i += 1) {
          const decision = decideGcra(limit, tat, now);
          if (decision.allowed) tat = decision.tat;
        }
        const refused = decideGcra(limit, tat, now);
        if (refused.allowed) return false;
        const at = now + refused.retryAfterMs;
        return decideGcra(limit, tat, at).allowed && !decideGcra(limit, tat, at - 1).allowed;
      }),
      { numRuns: 200 },
    );
  });
});
