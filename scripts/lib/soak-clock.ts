// The soak test's simulated clock: one time line for every worker that only
// moves forward. Each reading is a millisecond after the one before (so no
// two operations share an instant); a clock run jumps it ahead by hours or
// days, so that periods end, packages expire and flex is invoiced. Billing
// code takes `now` as an argument and is never given the real clock.
export class SimulatedClock {
  private instant: number;

  constructor(start: Date) {
    this.instant = start.getTime();
  }

  /** The next instant: a millisecond after the last reading. */
  now(): Date {
    this.instant += 1;
    return new Date(this.instant);
  }

  /** The last instant read, without reading a new one (progress lines). */
  peek(): Date {
    return new Date(this.instant);
  }

  /** Jumps ahead by `ms` and returns the new instant. */
  advance(ms: number): Date {
    this.instant += Math.max(1, Math.round(ms));
    return new Date(this.instant);
  }
}
