// Arrears (R8.3–R8.5): the retry schedule of a failed invoice, the grace and
// retention deadlines, what a workspace in arrears may still do, and which
// transition or warning is due at an instant. Pure: no clock, no database;
// lib/db/payments/arrears.ts applies what these functions decide.
import type { BillingState } from "./flex";

const DAY_MS = 86_400_000;

/** The arrears settings of a deployment (DUNNING_RETRY_DAYS, GRACE_DAYS, RETENTION_DAYS, ARREARS_WARNING_DAYS). */
export interface ArrearsPolicy {
  /** Days after the first failed charge on which it is tried again, increasing (default 1, 3, 5, 7). */
  retryDays: number[];
  /** R8.3: the grace period, in days from the failure (default 15). */
  graceDays: number;
  /** R8.4: the retention period, in days from the end of grace (default 15). */
  retentionDays: number;
  /** R8.5: how many days before each transition the owners are warned (default 3). */
  warningDays: number;
}

export const DEFAULT_ARREARS_POLICY: ArrearsPolicy = { retryDays: [1, 3, 5, 7], graceDays: 15, retentionDays: 15, warningDays: 3 };

/** Throws a RangeError for a policy the schedule cannot follow; returns it otherwise. */
export function checkArrearsPolicy(policy: ArrearsPolicy): ArrearsPolicy {
  policy.retryDays.forEach((day, i) => {
    if (!Number.isInteger(day) || day < 1) throw new RangeError(`retry days must be whole days of 1 or more, got ${day}`);
    if (i > 0 && day <= policy.retryDays[i - 1]!) throw new RangeError("retry days must increase");
  });
  for (const [name, days, min] of [
    ["grace", policy.graceDays, 1],
    ["retention", policy.retentionDays, 1],
    ["warning", policy.warningDays, 0],
  ] as const) {
    if (!Number.isInteger(days) || days < min) throw new RangeError(`${name} days must be a whole number of at least ${min}, got ${days}`);
  }
  return policy;
}

const addDays = (instant: Date, days: number) => new Date(instant.getTime() + days * DAY_MS);

/**
 * R8.3 dunning: attempt 1 is the charge made when the invoice opened; the
 * retries fall on day retryDays[0], retryDays[1], … after the first failure.
 * After `attemptsSoFar` charges, the next one is due at the returned instant;
 * null when the schedule is exhausted (the invoice stays open, the workspace
 * stays in arrears).
 */
export function nextRetryAt(firstFailedAt: Date, attemptsSoFar: number, policy: ArrearsPolicy): Date | null {
  if (!Number.isInteger(attemptsSoFar) || attemptsSoFar < 1)
    throw new RangeError(`a failed invoice has been charged at least once, got ${attemptsSoFar} attempts`);
  const day = policy.retryDays[attemptsSoFar - 1];
  return day === undefined ? null : addDays(firstFailedAt, day);
}

export interface ArrearsDeadlines {
  /** R8.3: grace ends here; from this instant every metered call is refused. */
  graceEndsAt: Date;
  /** R8.4: retention ends here; at this instant API keys and usage records are deleted (R8.5). */
  retentionEndsAt: Date;
}

/** R8.3, R8.4: the deadlines of arrears that began at `since` (the first failed payment). */
export function arrearsDeadlines(since: Date, policy: ArrearsPolicy): ArrearsDeadlines {
  const graceEndsAt = addDays(since, policy.graceDays);
  return { graceEndsAt, retentionEndsAt: addDays(graceEndsAt, policy.retentionDays) };
}

/** What a customer (or the billing run on their behalf) asks to do. */
export type ArrearsAction = "subscribe" | "change_plan" | "buy_package" | "renew_package" | "top_up" | "pay_invoice";

const actionWords: Record<ArrearsAction, string> = {
  subscribe: "subscribing to a plan",
  change_plan: "upgrading the plan",
  buy_package: "buying a package",
  renew_package: "renewing a package",
  top_up: "buying credits",
  pay_invoice: "paying an invoice",
};

/**
 * R8.3, R8.4: whether the action is allowed in the state; null = allowed,
 * otherwise the plain message the customer sees. In grace and in retention
 * nothing can be subscribed, upgraded, renewed or bought except a top-up or
 * paying the invoice. Once the data is deleted (R8.5) only paying is left.
 */
export function arrearsRefusal(state: BillingState, action: ArrearsAction): string | null {
  if (action === "pay_invoice") return null;
  switch (state) {
    case "GOOD":
      return null;
    case "GRACE":
    case "RETENTION": {
      if (action === "top_up") return null;
      const why =
        state === "GRACE"
          ? "A payment failed and this workspace has an overdue invoice"
          : "This workspace's service is suspended for an overdue invoice";
      return `${why}, so ${actionWords[action]} is not possible until it is paid. You can still pay the invoice or buy credits.`;
    }
    case "DELETED":
      return `This workspace's data was deleted after an unpaid invoice, so ${actionWords[action]} is not possible. You can still pay the invoice.`;
  }
}

/** The arrears facts of a workspace, as the database stores them. */
export interface ArrearsFacts {
  billingState: BillingState;
  arrearsSince: Date | null;
  graceEndsAt: Date | null;
  retentionEndsAt: Date | null;
}

export type ArrearsTransition = "to_retention" | "to_deleted";

/**
 * R8.4, R8.5: the transitions due at `now`, in order. A clock far behind
 * (past both deadlines) goes through both in one run: grace → retention →
 * deleted. A deadline is due at its instant, not before.
 */
export function dueArrearsTransitions(facts: ArrearsFacts, now: Date): ArrearsTransition[] {
  const due: ArrearsTransition[] = [];
  let state = facts.billingState;
  if (state === "GRACE" && facts.graceEndsAt && facts.graceEndsAt.getTime() <= now.getTime()) {
    due.push("to_retention");
    state = "RETENTION";
  }
  if (state === "RETENTION" && facts.retentionEndsAt && facts.retentionEndsAt.getTime() <= now.getTime()) due.push("to_deleted");
  return due;
}

export type ArrearsWarningKind = "grace_ending" | "retention_ending";

export interface ArrearsWarning {
  kind: ArrearsWarningKind;
  /** The deadline warned about: the end of grace, or the deletion. */
  endsAt: Date;
  /** Once per arrears and deadline: a deadline that support moves is warned about again. */
  dedupeKey: string;
}

/**
 * R8.5: the warning due at `now`: `warningDays` before the end of grace, and
 * before the deletion at the end of retention, until the deadline itself.
 * A run that only happens after a deadline sends no late warning for it.
 */
export function dueArrearsWarning(facts: ArrearsFacts, now: Date, policy: ArrearsPolicy): ArrearsWarning | null {
  const { billingState, arrearsSince } = facts;
  const endsAt = billingState === "GRACE" ? facts.graceEndsAt : billingState === "RETENTION" ? facts.retentionEndsAt : null;
  if (!endsAt || !arrearsSince) return null;
  const at = now.getTime();
  if (at >= endsAt.getTime() || at < addDays(endsAt, -policy.warningDays).getTime()) return null;
  const kind: ArrearsWarningKind = billingState === "GRACE" ? "grace_ending" : "retention_ending";
  return { kind, endsAt, dedupeKey: `arrears:${arrearsSince.toISOString()}:${kind}:${endsAt.toISOString()}` };
}
