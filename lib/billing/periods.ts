// Subscription periods (R4.2, R4.3). Pure: every function takes its instants
// as arguments and never reads the clock.

const DAY_MS = 86_400_000;

function daysInMonthUtc(year: number, monthIndex: number): number {
  return new Date(Date.UTC(year, monthIndex + 1, 0)).getUTCDate();
}

/**
 * The instant `months` months after `start`, on `anchorDay` — or on the last
 * day of the month when the month is too short (R4.2: Jan 31 → Feb 28/29 →
 * Mar 31 → Apr 30). The time of day of `start` is kept.
 */
export function addAnniversaryMonths(start: Date, months: number, anchorDay: number = start.getUTCDate()): Date {
  const monthIndex = start.getUTCMonth() + months;
  const year = start.getUTCFullYear() + Math.floor(monthIndex / 12);
  const month = ((monthIndex % 12) + 12) % 12;
  const day = Math.min(anchorDay, daysInMonthUtc(year, month));
  return new Date(
    Date.UTC(year, month, day, start.getUTCHours(), start.getUTCMinutes(), start.getUTCSeconds(), start.getUTCMilliseconds()),
  );
}

export type PeriodInterval = "MONTH" | "YEAR";

/**
 * The end of the period that starts at `periodStart`. Monthly periods follow
 * the anniversary (R4.2); annual periods last twelve anniversary months
 * (R4.3). The anchor day comes from the subscription, not from the period
 * start, so a Feb 28 period of a Jan 31 subscription ends on Mar 31.
 */
export function periodEnd(periodStart: Date, interval: PeriodInterval, anchorDay: number): Date {
  return addAnniversaryMonths(periodStart, interval === "YEAR" ? 12 : 1, anchorDay);
}

/** The start of the calendar month (UTC) that holds `instant` (R3.2, R4.4). */
export function calendarMonthStart(instant: Date): Date {
  return new Date(Date.UTC(instant.getUTCFullYear(), instant.getUTCMonth(), 1));
}

export function nextCalendarMonthStart(instant: Date): Date {
  return new Date(Date.UTC(instant.getUTCFullYear(), instant.getUTCMonth() + 1, 1));
}

/** Whole days from `from` to `to`, rounded down. */
export function wholeDaysBetween(from: Date, to: Date): number {
  return Math.floor((to.getTime() - from.getTime()) / DAY_MS);
}
