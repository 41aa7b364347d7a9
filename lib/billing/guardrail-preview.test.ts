import { describe, expect, it } from "vitest";
import type { GuardrailSettings } from "./guardrails";
import { parseHistory, previewGuardrails, serializeHistory, type HistoryHour, type PeriodHistory } from "./guardrail-preview";

// R14.3: the preview replays last period's hours against the settings being typed.
const PER_USD = 2_000_000n; // credits per dollar: 20,000 credits a cent
const start = new Date("2026-10-01T00:00:00Z");
const at = (day: number, hour = 0) => new Date(Date.UTC(2026, 9, day, hour));
const off: GuardrailSettings = { includedAlerts: false, prepaidBelowCredits: null, flexAboveCredits: null, spendCapCents: null };

function hour(day: number, h: number, part: Partial<HistoryHour>): HistoryHour {
  return { hour: at(day, h), includedCredits: 0n, flexCredits: 0n, flexCalls: 0n, prepaidChange: 0n, ...part };
}

function history(hours: HistoryHour[], rest: Partial<PeriodHistory> = {}): PeriodHistory {
  return {
    start,
    end: new Date("2026-11-01T00:00:00Z"),
    includedAllotment: 1_000n,
    prepaidAtStart: 0n,
    hours,
    autoTopUps: [],
    creditsPerUsd: PER_USD,
    ...rest,
  };
}

describe("previewGuardrails (R14.3)", () => {
  it("dates each included level to the hour it was reached; none when the alerts are off", () => {
    const h = history([
      hour(3, 10, { includedCredits: 499n }),
      hour(5, 9, { includedCredits: 1n }), // 500 / 1,000 = 50 %
      hour(9, 14, { includedCredits: 400n }), // 90 %: 80 here
      hour(20, 8, { includedCredits: 100n }), // 100 %
    ]);
    expect(previewGuardrails(h, { ...off, includedAlerts: true }).included).toEqual([
      { percent: 50, at: at(5, 9) },
      { percent: 80, at: at(9, 14) },
      { percent: 100, at: at(20, 8) },
    ]);
    expect(previewGuardrails(h, off).included).toEqual([]);
    // A plan without included credits has nothing to alert on.
    expect(previewGuardrails({ ...h, includedAllotment: 0n }, { ...off, includedAlerts: true }).included).toEqual([]);
  });

  it("levels passed in one hour are all dated to that hour", () => {
    const h = history([hour(2, 1, { includedCredits: 850n })]);
    expect(previewGuardrails(h, { ...off, includedAlerts: true }).included.map((l) => [l.percent, l.at])).toEqual([
      [50, at(2, 1)],
      [80, at(2, 1)],
    ]);
  });

  it("prepaid below: the first hour the balance goes under the amount, or the period start when it began under", () => {
    const h = history(
      [hour(4, 0, { prepaidChange: -600n }), hour(6, 0, { prepaidChange: 5_000n }), hour(8, 12, { prepaidChange: -5_001n })],
      { prepaidAtStart: 1_000n },
    );
    expect(previewGuardrails(h, { ...off, prepaidBelowCredits: 500n }).prepaidBelowAt).toEqual(at(4, 0)); // 400 < 500
    expect(previewGuardrails(h, { ...off, prepaidBelowCredits: 400n }).prepaidBelowAt).toEqual(at(8, 12)); // 399 after day 8
    expect(previewGuardrails(h, { ...off, prepaidBelowCredits: 399n }).prepaidBelowAt).toBeNull();
    expect(previewGuardrails(h, { ...off, prepaidBelowCredits: 1_001n }).prepaidBelowAt).toEqual(start);
    // Bought in the period's first hour: the balance is looked at as that hour ends.
    const bought = history([hour(1, 0, { prepaidChange: 1_000n })], { prepaidAtStart: 0n });
    expect(previewGuardrails(bought, { ...off, prepaidBelowCredits: 500n }).prepaidBelowAt).toBeNull();
    expect(previewGuardrails(bought, { ...off, prepaidBelowCredits: 1_001n }).prepaidBelowAt).toEqual(at(1, 0));
  });

  it("flex above: the first hour flex this period passes the amount (equal is not past)", () => {
    const h = history([hour(10, 3, { flexCredits: 300n, flexCalls: 3n }), hour(12, 4, { flexCredits: 200n, flexCalls: 2n })]);
    expect(previewGuardrails(h, { ...off, flexAboveCredits: 300n }).flexAboveAt).toEqual(at(12, 4));
    expect(previewGuardrails(h, { ...off, flexAboveCredits: 299n }).flexAboveAt).toEqual(at(10, 3));
    expect(previewGuardrails(h, { ...off, flexAboveCredits: 500n }).flexAboveAt).toBeNull();
    expect(previewGuardrails(h, off).flexCents).toBe(0n); // 500 credits are 0.025 cents: rounded down once
  });

  it("the cap: refusing from the hour flex reaches it, the calls past it in that hour in proportion and every flex call after", () => {
    const cents = (n: bigint) => n * 20_000n; // credits for n cents
    const h = history([
      hour(2, 0, { flexCredits: cents(600n), flexCalls: 6n }),
      hour(3, 0, { flexCredits: cents(800n), flexCalls: 8n }), // $14 with the first: a $10 cap is reached here, 4 of 8 over it
      hour(4, 0, { includedCredits: 10n }), // no flex: nothing refused
      hour(5, 0, { flexCredits: cents(100n), flexCalls: 5n }),
    ]);
    const preview = previewGuardrails(h, { ...off, spendCapCents: 1_000n });
    expect(preview.cap).toEqual({ refusingFrom: at(3, 0), refusedCalls: 4n + 5n, stoppedTopUps: 0, stoppedTopUpCents: 0n });
    expect(preview.flexCents).toBe(1_500n);
    // Exactly the spend: reached in the last hour, nothing refused.
    expect(previewGuardrails(h, { ...off, spendCapCents: 1_500n }).cap).toEqual({
      refusingFrom: at(5, 0),
      refusedCalls: 0n,
      stoppedTopUps: 0,
      stoppedTopUpCents: 0n,
    });
    expect(previewGuardrails(h, { ...off, spendCapCents: 1_501n }).cap?.refusingFrom).toBeNull();
    expect(previewGuardrails(h, off).cap).toBeNull();
    // A $0 cap refuses every call that needed flex.
    expect(previewGuardrails(h, { ...off, spendCapCents: 0n }).cap).toMatchObject({ refusingFrom: at(2, 0), refusedCalls: 19n });
  });

  it("auto top-ups count from when they were charged, and the one that would pass the cap is stopped", () => {
    const h = history(
      [hour(2, 0, { flexCredits: 20_000n * 300n, flexCalls: 3n }), hour(9, 0, { flexCredits: 20_000n * 300n, flexCalls: 3n })],
      {
        autoTopUps: [
          { at: new Date("2026-10-01T12:00:00Z"), cents: 2_000n },
          { at: new Date("2026-10-05T12:00:00Z"), cents: 2_000n },
          { at: new Date("2026-10-20T12:00:00Z"), cents: 2_000n },
        ],
      },
    );
    // $50: $20 + $3 flex + $20 = $43; the third $20 would pass it; $3 more flex reaches $46, under the cap.
    expect(previewGuardrails(h, { ...off, spendCapCents: 5_000n }).cap).toEqual({
      refusingFrom: null,
      refusedCalls: 0n,
      stoppedTopUps: 1,
      stoppedTopUpCents: 2_000n,
    });
    // $44: the second top-up would make $43 — allowed; day 9's flex passes $44 a third of the way in.
    expect(previewGuardrails(h, { ...off, spendCapCents: 4_400n }).cap).toEqual({
      refusingFrom: at(9, 0),
      refusedCalls: 2n,
      stoppedTopUps: 1,
      stoppedTopUpCents: 2_000n,
    });
    expect(previewGuardrails(h, off).autoTopUpCents).toBe(6_000n);
  });

  it("the history goes to the browser as strings and back unchanged", () => {
    const h = history([hour(2, 5, { includedCredits: 10n ** 15n, flexCredits: 7n, flexCalls: 1n, prepaidChange: -3n })], {
      autoTopUps: [{ at: at(3), cents: 2_500n }],
      prepaidAtStart: 12_345_678_901_234_567n,
    });
    const wire = JSON.parse(JSON.stringify(serializeHistory(h)));
    expect(parseHistory(wire)).toEqual(h);
  });
});
