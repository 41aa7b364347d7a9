import { env } from "./env";

// The one clock of the app (R8.7). Billing code never calls this: it takes
// `now` as an argument; callers at the edge (pages, routes, commands) ask here.
//
// With METERDESK_NOW set, the clock starts at that instant when the process
// starts and then runs on at the real pace, so a deployment can be rehearsed
// at any date.
//
// One clock per process: the production server's bundle and the Next.js
// bundles each hold a copy of this module, so the clock lives on globalThis
// and is started at boot (server/index.ts, instrumentation.ts). Otherwise each
// copy would start its own clock at its own first use, and the metering API
// would stamp usage at another instant than the billing run.

export interface Clock {
  now(): Date;
}

export function createClock(startAt: string | undefined, realNow: () => number = Date.now): Clock {
  if (!startAt) return { now: () => new Date(realNow()) };
  const offset = Date.parse(startAt) - realNow();
  return { now: () => new Date(realNow() + offset) };
}

const holder = globalThis as unknown as { __meterdeskClock?: Clock };

/** The process's clock, started on first use; `startClock()` at boot makes that the process start. */
export function clock(): Clock {
  return (holder.__meterdeskClock ??= createClock(env().METERDESK_NOW));
}

/** Starts the process's clock now (idempotent): called once at boot. */
export function startClock(): Clock {
  return clock();
}

export function now(): Date {
  return clock().now();
}
