// Dates as the billing engine sees them: in UTC (R3.2: months and periods are
// UTC), formatted on the server with one locale so that server and browser agree.
const LOCALE = "en-US";

const dateFormat = new Intl.DateTimeFormat(LOCALE, { dateStyle: "medium", timeZone: "UTC" });
const dateTimeFormat = new Intl.DateTimeFormat(LOCALE, {
  dateStyle: "medium",
  timeStyle: "short",
  hourCycle: "h23",
  timeZone: "UTC",
});

/** "Mar 5, 2026" */
export function formatDate(date: Date): string {
  return dateFormat.format(date);
}

/** "Mar 5, 2026, 14:00 UTC" */
export function formatDateTime(date: Date): string {
  return `${dateTimeFormat.format(date)} UTC`;
}

/** "Mar 5 – Apr 5, 2026" */
export function formatDateRange(start: Date, end: Date): string {
  return dateFormat.formatRange(start, end);
}

/** "in 12 days", "tomorrow", "3 days ago", relative to `now` (whole UTC days). */
export function formatRelativeDays(date: Date, now: Date): string {
  const days = Math.round((utcDay(date) - utcDay(now)) / 86_400_000);
  return new Intl.RelativeTimeFormat(LOCALE, { numeric: "auto" }).format(days, "day");
}

function utcDay(date: Date): number {
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
}

export function DateText({ date, withTime = false }: { date: Date; withTime?: boolean }) {
  return (
    <time dateTime={date.toISOString()} className="tabular-nums">
      {withTime ? formatDateTime(date) : formatDate(date)}
    </time>
  );
}
