// The spans the Usage page reads (R10): the last 24 hours or 7 days by the
// hour, the last 30 or 90 days, the current billing period or a custom range
// by the day — days in the viewer's time zone. Pure: `now` and the period
// come in as arguments. Usage is kept by the UTC hour, so a day in a zone
// whose offset is not whole hours starts at the hour its midnight falls in.

export const RANGE_KINDS = ["24h", "7d", "30d", "90d", "period", "custom"] as const;
export type RangeKind = (typeof RANGE_KINDS)[number];

export const RANGE_LABELS: Record<RangeKind, string> = {
  "24h": "24 hours",
  "7d": "7 days",
  "30d": "30 days",
  "90d": "90 days",
  period: "This period",
  custom: "Custom",
};

/** The longest custom range, in days. */
export const MAX_CUSTOM_DAYS = 366;

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

export type Bucket = "hour" | "day";

export interface UsageRange {
  kind: RangeKind;
  /** First instant included. */
  start: Date;
  /** First instant after the range. */
  end: Date;
  bucket: Bucket;
  timeZone: string;
  /** The start of every bucket, in order; the last one ends at `end`. */
  buckets: Date[];
}

export interface RangeRequest {
  kind: RangeKind;
  /** Custom ranges: local dates "YYYY-MM-DD", both days included. */
  from?: string;
  to?: string;
  timeZone: string;
}

export class UsageRangeError extends Error {}

/** True when `timeZone` is an IANA zone this runtime knows (e.g. "Europe/Paris", "UTC"). */
export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
    return true;
  } catch {
    return false;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function partsFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The wall-clock date and time in `timeZone` at `at`, as if it were UTC. */
function wallClock(at: Date, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const part of partsFormatter(timeZone).formatToParts(at)) {
    if (part.type !== "literal") parts[part.type] = Number(part.value);
  }
  return Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
}

/** The local calendar date at `at` in `timeZone`, "YYYY-MM-DD". */
export function localDate(at: Date, timeZone: string): string {
  return new Date(wallClock(at, timeZone)).toISOString().slice(0, 10);
}

/** The instant local midnight begins on `date` ("YYYY-MM-DD") in `timeZone`, rounded down to the UTC hour usage is kept by. */
export function localMidnight(date: string, timeZone: string): Date {
  const wall = Date.parse(`${date}T00:00:00Z`);
  // The offset at a guess, then at the answer: right across a daylight-saving change.
  let guess = wall;
  for (let i = 0; i < 2; i += 1) guess = wall - (wallClock(new Date(guess), timeZone) - guess);
  return new Date(Math.floor(guess / HOUR_MS) * HOUR_MS);
}

const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

function hourly(start: Date, end: Date): Date[] {
  const out: Date[] = [];
  for (let t = start.getTime(); t < end.getTime(); t += HOUR_MS) out.push(new Date(t));
  return out;
}

/** Local days from `firstDay` while they start before `end`. */
function daily(firstDay: string, end: Date, timeZone: string): Date[] {
  const out: Date[] = [];
  for (let day = firstDay; ; day = addDays(day, 1)) {
    const start = localMidnight(day, timeZone);
    if (start.getTime() >= end.getTime()) break;
    if (out.length === 0 || start.getTime() > out[out.length - 1]!.getTime()) out.push(start);
  }
  return out;
}

/**
 * The range a request names, at `now`. Hour ranges end with the current hour;
 * day ranges with today (local); the period range is the whole current
 * billing period, so the rest of it can show the forecast.
 */
export function resolveRange(request: RangeRequest, now: Date, period: { start: Date; end: Date } | null): UsageRange {
  const { kind, timeZone } = request;
  if (!isTimeZone(timeZone)) throw new UsageRangeError(`Unknown time zone "${timeZone}".`);
  const nextHour = new Date(Math.floor(now.getTime() / HOUR_MS) * HOUR_MS + HOUR_MS);
  const today = localDate(now, timeZone);
  const tomorrow = localMidnight(addDays(today, 1), timeZone);

  switch (kind) {
    case "24h":
    case "7d": {
      const start = new Date(nextHour.getTime() - (kind === "24h" ? 24 : 168) * HOUR_MS);
      return { kind, start, end: nextHour, bucket: "hour", timeZone, buckets: hourly(start, nextHour) };
    }
    case "30d":
    case "90d": {
      const first = addDays(today, -(kind === "30d" ? 29 : 89));
      return {
        kind,
        start: localMidnight(first, timeZone),
        end: tomorrow,
        bucket: "day",
        timeZone,
        buckets: daily(first, tomorrow, timeZone),
      };
    }
    case "period": {
      if (!period) throw new UsageRangeError("This workspace has no current billing period.");
      const first = localDate(period.start, timeZone);
      const buckets = daily(first, period.end, timeZone);
      // The period's own start, not the local midnight before it: usage before it belongs to the last period.
      buckets[0] = new Date(Math.max(buckets[0]?.getTime() ?? period.start.getTime(), period.start.getTime()));
      return { kind, start: period.start, end: period.end, bucket: "day", timeZone, buckets };
    }
    case "custom": {
      const { from, to } = request;
      if (
        !from ||
        !to ||
        !/^\d{4}-\d{2}-\d{2}$/.test(from) ||
        !/^\d{4}-\d{2}-\d{2}$/.test(to) ||
        Number.isNaN(Date.parse(from)) ||
        Number.isNaN(Date.parse(to))
      ) {
        throw new UsageRangeError("Choose a start and an end date.");
      }
      if (from > to) throw new UsageRangeError("The start date must be on or before the end date.");
      const days = Math.round((Date.parse(to) - Date.parse(from)) / DAY_MS) + 1;
      if (days > MAX_CUSTOM_DAYS) throw new UsageRangeError(`Choose at most ${MAX_CUSTOM_DAYS} days.`);
      if (from > today) throw new UsageRangeError("The range starts in the future.");
      const start = localMidnight(from, timeZone);
      const end = localMidnight(addDays(to, 1), timeZone);
      // Two days or fewer read better by the hour.
      if (days <= 2) return { kind, start, end, bucket: "hour", timeZone, buckets: hourly(start, end) };
      return { kind, start, end, bucket: "day", timeZone, buckets: daily(from, end, timeZone) };
    }
  }
}

/** The index of the bucket an hour of usage falls in, or -1 outside the range. */
export function bucketIndex(range: UsageRange, hour: Date): number {
  const t = hour.getTime();
  if (t < range.start.getTime() || t >= range.end.getTime()) return -1;
  if (range.bucket === "hour") return Math.floor((t - range.start.getTime()) / HOUR_MS);
  // Binary search: the last bucket starting at or before the hour.
  let low = 0;
  let high = range.buckets.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (range.buckets[mid]!.getTime() <= t) low = mid;
    else high = mid - 1;
  }
  return low;
}

/** The local date and time at `at` in `timeZone`, "YYYY-MM-DD HH:mm". */
export function localDateTime(at: Date, timeZone: string): string {
  return new Date(wallClock(at, timeZone)).toISOString().slice(0, 16).replace("T", " ");
}
