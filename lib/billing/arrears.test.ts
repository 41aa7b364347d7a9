import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  arrearsDeadlines,
  arrearsRefusal,
  checkArrearsPolicy,
  DEFAULT_ARREARS_POLICY,
  dueArrearsTransitions,
  dueArrearsWarning,
  nextRetryAt,
  type ArrearsAction,
  type ArrearsFacts,
  type ArrearsPolicy,
} from "./arrears";
import type { BillingState } from "./flex";

const utc = (iso: string) => new Date(`${iso}Z`);
const policy: ArrearsPolicy = DEFAULT_ARREARS_POLICY;
const FAILED = utc("2027-03-03T09:30:00.000");

describe("the retry schedule of a failed invoice (R8.3)", () => {
  it.each([
    ["R8.3 after the first charge failed, the first retry is on day 1", 1, "2027-03-04T09:30:00.000"],
    ["R8.3 the second retry on day 3", 2, "2027-03-06T09:30:00.000"],
    ["R8.3 the third retry on day 5", 3, "2027-03-08T09:30:00.000"],
    ["R8.3 the last retry on day 7", 4, "2027-03-10T09:30:00.000"],
    ["R8.3 after the day-7 retry there is none", 5, null],
    ["R8.3 nor later", 9, null],
  ] as const)("%s", (_rule, attempts, expected) => {
    expect(nextRetryAt(FAILED, attempts, policy)).toEqual(expected === null ? null : utc(expected));
  });

  it("R8.3 days count from the first failure, not from the previous retry", () => {
    const custom = { ...policy, retryDays: [2, 10] };
    expect(nextRetryAt(FAILED, 1, custom)).toEqual(utc("2027-03-05T09:30:00.000"));
    expect(nextRetryAt(FAILED, 2, custom)).toEqual(utc("2027-03-13T09:30:00.000"));
    expect(nextRetryAt(FAILED, 3, custom)).toBeNull();
  });

  it("R8.3 a schedule without retries (DUNNING_RETRY_DAYS empty) never retries", () => {
    expect(nextRetryAt(FAILED, 1, { ...policy, retryDays: [] })).toBeNull();
  });

  it("R8.3 a failed invoice was charged at least once", () => {
    expect(() => nextRetryAt(FAILED, 0, policy)).toThrow(RangeError);
    expect(() => nextRetryAt(FAILED, 1.5, policy)).toThrow(RangeError);
  });

  it("R8.3 every retry is later than the one before, and there are exactly as many as the policy's days", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: 60 }), { maxLength: 8 }), (days) => {
        const retryDays = [...days].sort((a, b) => a - b);
        const schedule: Date[] = [];
        for (let attempts = 1; ; attempts += 1) {
          const next = nextRetryAt(FAILED, attempts, { ...policy, retryDays });
          if (!next) break;
          schedule.push(next);
        }
        expect(schedule).toHaveLength(retryDays.length);
        schedule.forEach((at, i) => expect(at.getTime()).toBeGreaterThan(i === 0 ? FAILED.getTime() : schedule[i - 1]!.getTime()));
      }),
    );
  });
});

describe("the grace and retention deadlines (R8.3, R8.4)", () => {
  it("R8.3 15 days of grace from the failure, then R8.4 15 days of retention", () => {
    expect(arrearsDeadlines(FAILED, policy)).toEqual({
      graceEndsAt: utc("2027-03-18T09:30:00.000"),
      retentionEndsAt: utc("2027-04-02T09:30:00.000"),
    });
  });

  it("R8.3, R8.4 the periods are configurable", () => {
    expect(arrearsDeadlines(FAILED, { ...policy, graceDays: 7, retentionDays: 30 })).toEqual({
      graceEndsAt: utc("2027-03-10T09:30:00.000"),
      retentionEndsAt: utc("2027-04-09T09:30:00.000"),
    });
  });

  it("R8.3 days are 24-hour UTC days, across month ends", () => {
    expect(arrearsDeadlines(utc("2027-01-31T00:00:00.000"), policy).graceEndsAt).toEqual(utc("2027-02-15T00:00:00.000"));
  });
});

describe("what a workspace in arrears may still do (R8.3, R8.4, R8.5)", () => {
  const cases: [string, BillingState, ArrearsAction, boolean][] = [
    ["R8.3 in good standing everything is allowed", "GOOD", "subscribe", true],
    ["R8.3 in good standing a package can be bought", "GOOD", "buy_package", true],
    ["R8.3 in grace nothing can be subscribed", "GRACE", "subscribe", false],
    ["R8.3 in grace the plan cannot be upgraded", "GRACE", "change_plan", false],
    ["R8.3 in grace no package can be bought", "GRACE", "buy_package", false],
    ["R8.3 in grace no package is renewed", "GRACE", "renew_package", false],
    ["R8.3 in grace a top-up is allowed", "GRACE", "top_up", true],
    ["R8.3 in grace the invoice can be paid", "GRACE", "pay_invoice", true],
    ["R8.4 in retention nothing can be subscribed", "RETENTION", "subscribe", false],
    ["R8.4 in retention the plan cannot be upgraded", "RETENTION", "change_plan", false],
    ["R8.4 in retention no package can be bought", "RETENTION", "buy_package", false],
    ["R8.4 in retention no package is renewed", "RETENTION", "renew_package", false],
    ["R8.4 in retention a top-up is allowed", "RETENTION", "top_up", true],
    ["R8.4 paying within retention is allowed (it restores service)", "RETENTION", "pay_invoice", true],
    ["R8.5 once the data is deleted, nothing can be subscribed", "DELETED", "subscribe", false],
    ["R8.5 once the data is deleted, no credits can be bought", "DELETED", "top_up", false],
    ["R8.5 once the data is deleted, no package can be bought", "DELETED", "buy_package", false],
    ["R8.5 once the data is deleted, the invoice can still be paid", "DELETED", "pay_invoice", true],
  ];
  it.each(cases)("%s", (_rule, state, action, allowed) => {
    const refusal = arrearsRefusal(state, action);
    if (allowed) expect(refusal).toBeNull();
    else expect(refusal).toEqual(expect.any(String));
  });

  it("the refusal says in plain words what was refused and what is still possible, without rule numbers", () => {
    expect(arrearsRefusal("GRACE", "buy_package")).toBe(
      "A payment failed and this workspace has an overdue invoice, so buying a package is not possible until it is paid. You can still pay the invoice or buy credits.",
    );
    expect(arrearsRefusal("RETENTION", "change_plan")).toContain("upgrading the plan is not possible");
    expect(arrearsRefusal("DELETED", "top_up")).toContain("You can still pay the invoice.");
    for (const state of ["GRACE", "RETENTION", "DELETED"] as const)
      for (const action of ["subscribe", "change_plan", "buy_package", "renew_package", "top_up"] as const)
        expect(arrearsRefusal(state, action) ?? "").not.toMatch(/R\d/);
  });
});

const SINCE = utc("2027-03-03T00:00:00.000");
const GRACE_ENDS = utc("2027-03-18T00:00:00.000");
const RETENTION_ENDS = utc("2027-04-02T00:00:00.000");
const inState = (billingState: BillingState): ArrearsFacts => ({
  billingState,
  arrearsSince: billingState === "GOOD" ? null : SINCE,
  graceEndsAt: billingState === "GOOD" ? null : GRACE_ENDS,
  retentionEndsAt: billingState === "GOOD" ? null : RETENTION_ENDS,
});

describe("the transitions due at an instant (R8.4, R8.5, R8.6)", () => {
  it.each([
    ["R8.4 grace still runs a millisecond before its end", "GRACE", "2027-03-17T23:59:59.999", []],
    ["R8.4 grace ends at its instant: retention begins", "GRACE", "2027-03-18T00:00:00.000", ["to_retention"]],
    ["R8.4 in retention before its end nothing is due", "RETENTION", "2027-04-01T23:59:59.999", []],
    ["R8.5 retention ends at its instant: the data is deleted", "RETENTION", "2027-04-02T00:00:00.000", ["to_deleted"]],
    ["R8.6 a clock far behind goes through both, in order", "GRACE", "2027-05-01T00:00:00.000", ["to_retention", "to_deleted"]],
    ["R8.6 a workspace in good standing has nothing due", "GOOD", "2027-05-01T00:00:00.000", []],
    ["R8.6 deletion happens once: nothing is due after it", "DELETED", "2027-05-01T00:00:00.000", []],
  ] as const)("%s", (_rule, state, now, expected) => {
    expect(dueArrearsTransitions(inState(state), utc(now))).toEqual(expected);
  });

  it("R8.4 retention before the end of grace (support extended grace): only the grace deadline counts first", () => {
    const extended = { ...inState("GRACE"), graceEndsAt: utc("2027-04-10T00:00:00.000") };
    expect(dueArrearsTransitions(extended, utc("2027-04-05T00:00:00.000"))).toEqual([]);
  });
});

describe("the warnings before each transition (R8.5)", () => {
  it.each([
    ["R8.5 no warning more than 3 days before the end of grace", "GRACE", "2027-03-14T23:59:59.999", null],
    ["R8.5 the grace warning is due 3 days before its end", "GRACE", "2027-03-15T00:00:00.000", "grace_ending"],
    ["R8.5 and until the last moment of grace", "GRACE", "2027-03-17T23:59:59.999", "grace_ending"],
    ["R8.5 no late grace warning once grace is over", "GRACE", "2027-03-18T00:00:00.000", null],
    ["R8.5 no deletion warning early in retention", "RETENTION", "2027-03-25T00:00:00.000", null],
    ["R8.5 the deletion warning is due 3 days before the deletion", "RETENTION", "2027-03-30T00:00:00.000", "retention_ending"],
    ["R8.5 no warning at or after the deletion instant", "RETENTION", "2027-04-02T00:00:00.000", null],
    ["R8.5 nothing to warn about in good standing", "GOOD", "2027-03-16T00:00:00.000", null],
    ["R8.5 nothing to warn about once deleted", "DELETED", "2027-04-01T00:00:00.000", null],
  ] as const)("%s", (_rule, state, now, expected) => {
    expect(dueArrearsWarning(inState(state), utc(now), policy)?.kind ?? null).toBe(expected);
  });

  it("R8.5 each warning names its deadline and has one key per arrears and deadline", () => {
    const grace = dueArrearsWarning(inState("GRACE"), utc("2027-03-16T00:00:00.000"), policy)!;
    const again = dueArrearsWarning(inState("GRACE"), utc("2027-03-17T00:00:00.000"), policy)!;
    expect(grace).toEqual({ kind: "grace_ending", endsAt: GRACE_ENDS, dedupeKey: again.dedupeKey });
    const retention = dueArrearsWarning(inState("RETENTION"), utc("2027-03-31T00:00:00.000"), policy)!;
    expect(retention.endsAt).toEqual(RETENTION_ENDS);
    expect(retention.dedupeKey).not.toBe(grace.dedupeKey);
    // Support moved the end of grace: the new deadline is warned about too.
    const moved = dueArrearsWarning(
      { ...inState("GRACE"), graceEndsAt: utc("2027-03-20T00:00:00.000") },
      utc("2027-03-18T00:00:00.000"),
      policy,
    )!;
    expect(moved.dedupeKey).not.toBe(grace.dedupeKey);
    // A later arrears is warned about again.
    const later = dueArrearsWarning(
      { ...inState("GRACE"), arrearsSince: utc("2027-03-04T00:00:00.000") },
      utc("2027-03-16T00:00:00.000"),
      policy,
    )!;
    expect(later.dedupeKey).not.toBe(grace.dedupeKey);
  });

  it("R8.5 the warning period is configurable", () => {
    const week = { ...policy, warningDays: 7 };
    expect(dueArrearsWarning(inState("GRACE"), utc("2027-03-11T00:00:00.000"), week)?.kind).toBe("grace_ending");
    expect(dueArrearsWarning(inState("GRACE"), utc("2027-03-10T23:59:59.999"), week)).toBeNull();
  });
});

describe("the policy is checked once", () => {
  it.each([
    ["the defaults", DEFAULT_ARREARS_POLICY, true],
    ["no retries", { ...policy, retryDays: [] }, true],
    ["retry days out of order", { ...policy, retryDays: [3, 1] }, false],
    ["a retry on day 0", { ...policy, retryDays: [0, 1] }, false],
    ["half a day of grace", { ...policy, graceDays: 0.5 }, false],
    ["no retention", { ...policy, retentionDays: 0 }, false],
    ["negative warning days", { ...policy, warningDays: -1 }, false],
  ] as const)("%s", (_name, candidate, valid) => {
    if (valid) expect(checkArrearsPolicy(candidate as ArrearsPolicy)).toEqual(candidate);
    else expect(() => checkArrearsPolicy(candidate as ArrearsPolicy)).toThrow(RangeError);
  });
});
