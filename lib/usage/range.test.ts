import { describe, expect, it } from "vitest";
import { bucketIndex, localDate, localMidnight, resolveRange, UsageRangeError } from "./range";

const at = (iso: string) => new Date(iso);
const iso = (dates: Date[]) => dates.map((d) => d.toISOString());

describe("usage ranges", () => {
  const now = at("2027-03-15T10:20:00Z");

  it("24 hours and 7 days are hourly and end with the current hour", () => {
    const day = resolveRange({ kind: "24h", timeZone: "UTC" }, now, null);
    expect([day.start.toISOString(), day.end.toISOString(), day.bucket, day.buckets.length]).toEqual([
      "2027-03-14T11:00:00.000Z",
      "2027-03-15T11:00:00.000Z",
      "hour",
      24,
    ]);
    expect(resolveRange({ kind: "7d", timeZone: "UTC" }, now, null).buckets).toHaveLength(168);
  });

  it("30 and 90 days are local days ending today, in the viewer's time zone", () => {
    const utc = resolveRange({ kind: "30d", timeZone: "UTC" }, now, null);
    expect([utc.start.toISOString(), utc.end.toISOString(), utc.buckets.length]).toEqual([
      "2027-02-14T00:00:00.000Z",
      "2027-03-16T00:00:00.000Z",
      30,
    ]);
    // New York is UTC−5 until the second Sunday of March (the 14th in 2027), then UTC−4.
    const ny = resolveRange({ kind: "30d", timeZone: "America/New_York" }, now, null);
    expect(ny.start.toISOString()).toBe("2027-02-14T05:00:00.000Z");
    expect(ny.end.toISOString()).toBe("2027-03-16T04:00:00.000Z");
    expect(iso(ny.buckets.slice(27, 30))).toEqual(["2027-03-13T05:00:00.000Z", "2027-03-14T05:00:00.000Z", "2027-03-15T04:00:00.000Z"]);
    expect(resolveRange({ kind: "90d", timeZone: "Asia/Tokyo" }, now, null).buckets).toHaveLength(90);
  });

  it("a zone with a half-hour offset starts its days at the hour its midnight falls in", () => {
    expect(localMidnight("2027-03-15", "Asia/Kolkata").toISOString()).toBe("2027-03-14T18:00:00.000Z");
    expect(localDate(at("2027-03-14T18:40:00Z"), "Asia/Kolkata")).toBe("2027-03-15");
  });

  it("this period is the whole billing period, from its own start", () => {
    const period = { start: at("2027-03-10T09:00:00Z"), end: at("2027-04-10T09:00:00Z") };
    const range = resolveRange({ kind: "period", timeZone: "UTC" }, now, period);
    expect([range.start, range.end]).toEqual([period.start, period.end]);
    expect(range.buckets[0]).toEqual(period.start);
    expect(range.buckets[1]!.toISOString()).toBe("2027-03-11T00:00:00.000Z");
    expect(range.buckets).toHaveLength(32); // Mar 10 (from 09:00) to Apr 10 (until 09:00)
    expect(() => resolveRange({ kind: "period", timeZone: "UTC" }, now, null)).toThrow(UsageRangeError);
  });

  it("custom ranges include both days; two days or fewer are hourly; bad ones are refused with a reason", () => {
    const week = resolveRange({ kind: "custom", from: "2027-03-01", to: "2027-03-07", timeZone: "UTC" }, now, null);
    expect([week.start.toISOString(), week.end.toISOString(), week.bucket, week.buckets.length]).toEqual([
      "2027-03-01T00:00:00.000Z",
      "2027-03-08T00:00:00.000Z",
      "day",
      7,
    ]);
    expect(resolveRange({ kind: "custom", from: "2027-03-01", to: "2027-03-02", timeZone: "UTC" }, now, null).buckets).toHaveLength(48);
    const refused =
      (from?: string, to?: string, timeZone = "UTC") =>
      () =>
        resolveRange({ kind: "custom", from, to, timeZone }, now, null);
    expect(refused("2027-03-07", "2027-03-01")).toThrow("The start date must be on or before the end date.");
    expect(refused(undefined, "2027-03-01")).toThrow("Choose a start and an end date.");
    expect(refused("2027-13-45", "2027-03-01")).toThrow("Choose a start and an end date.");
    expect(refused("2025-01-01", "2027-03-01")).toThrow("Choose at most 366 days.");
    expect(refused("2027-04-01", "2027-04-02")).toThrow("The range starts in the future.");
    expect(refused("2027-03-01", "2027-03-02", "Mars/Olympus")).toThrow('Unknown time zone "Mars/Olympus".');
  });

  it("puts each hour of usage in its bucket, and hours outside the range nowhere", () => {
    const ny = resolveRange({ kind: "30d", timeZone: "America/New_York" }, now, null);
    expect(bucketIndex(ny, at("2027-03-15T04:00:00Z"))).toBe(29);
    expect(bucketIndex(ny, at("2027-03-15T03:00:00Z"))).toBe(28);
    expect(bucketIndex(ny, at("2027-02-14T04:00:00Z"))).toBe(-1);
    expect(bucketIndex(ny, ny.end)).toBe(-1);
    const day = resolveRange({ kind: "24h", timeZone: "UTC" }, now, null);
    expect(bucketIndex(day, at("2027-03-15T10:00:00Z"))).toBe(23);
  });
});
