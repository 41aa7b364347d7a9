import { env } from "./env";

// The one clock of the app (R8.7). Billing code never calls this: it takes
// `now` as an argument; callers at the edge (pages, routes, commands) ask here.
//
// With METERDESK_NOW set, the clock starts at that instant when the process
// starts and then runs on at the real pace, so a deployment can be rehearsed
// at any date.

export interface Clock {
  now(): Date;
}

export function createClock(startAt: string | undefined, realNow: () => number = Date.now): Clock {
  if (!startAt) return { now: () => new Date(realNow()) };
  const offset = Date.parse(startAt) - realNow();
  return { now: () => new Date(realNow() + offset) };
}

let processClock: Clock | undefined;

export function clock(): Clock {
  if (!processClock) {
    processClock = createClock(env().METERDESK_NOW);
  }
  return processClock;
}

export function now(): Date {
  return clock().now();
}
