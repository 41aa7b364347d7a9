import { afterEach, describe, expect, it, vi } from "vitest";
import { createClock } from "./clock";

describe("the clock (R8.7)", () => {
  afterEach(() => {
    delete (globalThis as { __meterdeskClock?: unknown }).__meterdeskClock;
    vi.useRealTimers();
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  it("is one clock per process, started at boot, however many copies of the module are loaded (server and Next.js bundles)", async () => {
    vi.stubEnv("METERDESK_NOW", "2027-01-31T00:00:00Z");
    vi.useFakeTimers({ now: Date.parse("2026-11-21T10:00:00Z") });
    vi.resetModules();
    const serverCopy = await import("./clock");
    serverCopy.startClock();
    vi.setSystemTime(Date.parse("2026-11-21T10:00:05Z"));
    vi.resetModules();
    const nextCopy = await import("./clock");
    expect(nextCopy).not.toBe(serverCopy);
    // The copy loaded 5 s after boot reads the same instant: METERDESK_NOW counts from boot.
    expect(nextCopy.now().toISOString()).toBe("2027-01-31T00:00:05.000Z");
    expect(serverCopy.now().toISOString()).toBe("2027-01-31T00:00:05.000Z");
  });

  it("starts at METERDESK_NOW and then runs on at the real pace", () => {
    let real = Date.parse("2026-11-21T10:00:00Z");
    const clock = createClock("2027-01-31T00:00:00Z", () => real);
    expect(clock.now().toISOString()).toBe("2027-01-31T00:00:00.000Z");
    real += 90_000;
    expect(clock.now().toISOString()).toBe("2027-01-31T00:01:30.000Z");
  });

  it("is the real time when METERDESK_NOW is unset", () => {
    const clock = createClock(undefined, () => Date.parse("2026-11-21T10:00:00Z"));
    expect(clock.now().toISOString()).toBe("2026-11-21T10:00:00.000Z");
  });
});
