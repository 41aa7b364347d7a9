// The billing timeline of a workspace (R10): what is coming, in date order —
// the next charge dates with their fees (R4.2 in arrears, R4.3 upfront, R5.3
// flex), included-credit resets, a scheduled downgrade or cancellation (R4.5,
// R4.6) and the Free plan's own cycle after it, package expiries and
// auto-renewals (R6), and the grace and retention deadlines (R8.3, R8.4).
// Pure: `now` is an argument. Every date comes from the engine's own planning
// (nextChargeDates, nextEvents, packageExpiry, arrearsDeadlines); this module
// has no month-end rule of its own, it only notes where that rule moved a date.
import { arrearsDeadlines, DEFAULT_ARREARS_POLICY, type ArrearsFacts, type ArrearsPolicy } from "./arrears";
import { packageExpiry, type PackageValidity } from "./packages";
import { addAnniversaryMonths } from "./periods";
import { nextChargeDates } from "./plan-preview";
import { periodEndFor, planName, type PlanInterval, type PlanTerms, type SubscriptionState } from "./plan-terms";
import { applyEvent, nextEvents, type SubscriptionEvent } from "./renewals";

/** A package the workspace holds, as the timeline needs it (PackagePurchase with its catalog Package). */
export interface TimelinePackage {
  id: string;
  name: string;
  validity: PackageValidity;
  startsAt: Date;
  expiresAt: Date;
  remainingOperations: bigint;
  autoRenew: boolean;
  /** The catalog still sells it: the billing run renews only a package that is still on sale. */
  renewable: boolean;
  /** What a renewal costs (R6.1: paid in full upfront). */
  priceCents: number;
}

export interface TimelineInput {
  now: Date;
  /** The active subscription (pay as you go included); null when there is none. */
  subscription: SubscriptionState | null;
  /** The catalog's Free plan: where a cancellation leads (R4.6). */
  freePlan: PlanTerms;
  /** R5.5: with flex billing off, a date that would only bill flex bills nothing. */
  flexEnabled: boolean;
  packages: readonly TimelinePackage[];
  arrears: ArrearsFacts;
  policy?: ArrearsPolicy;
  /** How many charge dates to show (default 12). */
  chargeCount?: number;
}

/**
 * When a date was moved by the month-end rule (R4.2, R6.1): the anniversary
 * day it would have fallen on (31 for Apr 30 of a subscription anchored on
 * the 31st); null when it falls on its own day.
 */
type Moved = { movedFromDay: number | null };

export type ChargeWhat = "plan_fee" | "annual_fee" | "flex" | "final";

export type TimelineEvent =
  /** An invoice is issued and charged to the card on file. */
  | ({ kind: "charge"; at: Date; what: ChargeWhat; planName: string; feeCents: bigint; withFlex: boolean } & Moved)
  /** A new period's included credits (the rest is forfeited: R5.1). */
  | ({ kind: "included_reset"; at: Date; planName: string; interval: PlanInterval; credits: bigint } & Moved)
  | ({ kind: "downgrade"; at: Date; fromPlanName: string; toPlanName: string; toPlan: PlanTerms } & Moved)
  | ({ kind: "cancellation"; at: Date; fromPlanName: string; toPlanName: string } & Moved)
  | ({ kind: "package_expiry"; at: Date; packageName: string; remainingOperations: bigint } & Moved)
  /** R6.3: bought again at expiry; never while the account is in arrears (`onlyIfPaidUp`). */
  | ({ kind: "package_renewal"; at: Date; packageName: string; priceCents: bigint; onlyIfPaidUp: boolean } & Moved)
  | { kind: "grace_ends"; at: Date }
  | { kind: "retention_ends"; at: Date };

export interface BillingTimeline {
  events: TimelineEvent[];
  /** The timeline covers (now, until]: the last charge date shown, or a year ahead when there are fewer. */
  until: Date;
}

const DEFAULT_CHARGE_COUNT = 12;

/** Events at the same instant, in the order they happen: the closing invoice, the change, the new period. */
const SAME_INSTANT_ORDER: Record<TimelineEvent["kind"], number> = {
  charge: 0,
  downgrade: 1,
  cancellation: 1,
  included_reset: 2,
  package_expiry: 3,
  package_renewal: 3,
  grace_ends: 4,
  retention_ends: 5,
};

/**
 * R10: everything scheduled after `now`, sorted by date: the next
 * `chargeCount` charge dates (or those of the year ahead when there are
 * fewer), and the resets, plan changes, package expiries and renewals up to
 * the last of them; arrears deadlines and each package's next expiry are
 * always shown.
 */
export function billingTimeline(input: TimelineInput): BillingTimeline {
  const { now, subscription, freePlan } = input;
  const count = input.chargeCount ?? DEFAULT_CHARGE_COUNT;
  const yearAhead = addAnniversaryMonths(now, 12);

  // The charge dates are the Plan page's own (plan-preview), so the two never disagree; it looks up to three years ahead.
  const planned = subscription ? nextChargeDates(subscription, now, freePlan, Number.POSITIVE_INFINITY) : [];
  const walkedUntil = later(planned.at(-1)?.at ?? yearAhead, yearAhead);
  const walked = subscription ? walkSubscription(subscription, freePlan, now, walkedUntil) : [];
  const stepAt = new Map(walked.map((step) => [step.event.at.getTime(), step]));
  // R5.5: a date that would bill nothing but flex bills nothing while flex is off; a final invoice is always issued (R4.6).
  const charges = planned.filter(
    (charge) => charge.feeCents > 0n || input.flexEnabled || stepAt.get(charge.at.getTime())?.event.kind === "cancel",
  );
  const until = charges.length >= count ? later(charges[count - 1]!.at, yearAhead) : yearAhead;
  const steps = walked.filter((step) => step.event.at <= until);

  const events: TimelineEvent[] = [];
  for (const charge of charges.slice(0, count)) {
    if (charge.at > until) break;
    const step = stepAt.get(charge.at.getTime());
    events.push({
      kind: "charge",
      at: charge.at,
      ...(step ? describeCharge(step.event) : { what: charge.feeCents > 0n ? "plan_fee" : "flex", planName: planName(subscription!.plan) }),
      feeCents: charge.feeCents,
      withFlex: charge.withFlex && input.flexEnabled,
      movedFromDay: step?.movedFromDay ?? null,
    });
  }
  for (const step of steps) events.push(...periodChanges(step, freePlan));
  const inArrears = input.arrears.billingState !== "GOOD";
  for (const pkg of input.packages) events.push(...packageEvents(pkg, now, until, inArrears));
  events.push(...arrearsEvents(input.arrears, now, input.policy ?? DEFAULT_ARREARS_POLICY));

  events.sort((a, b) => a.at.getTime() - b.at.getTime() || SAME_INSTANT_ORDER[a.kind] - SAME_INSTANT_ORDER[b.kind]);
  return { events, until };
}

/** The anniversary day `anchorDay` when the engine moved `at` to the last day of a shorter month, else null. */
export function monthEndMove(at: Date, anchorDay: number | null): number | null {
  if (anchorDay === null || at.getUTCDate() >= anchorDay) return null;
  // The last day of at's month, by the engine's own rule (an anchor of 31 in the same month).
  const lastDay = addAnniversaryMonths(at, 0, 31).getUTCDate();
  return at.getUTCDate() === lastDay ? anchorDay : null;
}

interface WalkedStep {
  event: SubscriptionEvent;
  movedFromDay: number | null;
}

/**
 * The subscription's events after `now` up to `until`, with the anniversary
 * each one was planned from. After a cancellation the workspace starts a new
 * Free subscription anchored on the day it starts, as the billing run does
 * (lib/db/billing/subscriptions.ts), and that cycle is walked in turn.
 */
function walkSubscription(state: SubscriptionState, freePlan: PlanTerms, now: Date, until: Date): WalkedStep[] {
  const steps: WalkedStep[] = [];
  let current: SubscriptionState | null = state;
  let cancelledAt: Date | null = null;
  // Without the Free plan, nextEvents stops at a cancellation (applyEvent → null).
  for (const event of nextEvents(state, until)) {
    if (!current) break;
    if (event.at > now) steps.push({ event, movedFromDay: monthEndMove(event.at, anchorOf(current)) });
    if (event.kind === "cancel") cancelledAt = event.at;
    current = applyEvent(current, event);
  }
  if (cancelledAt) steps.push(...walkSubscription(freeSubscriptionFrom(cancelledAt, freePlan), freePlan, now, until));
  return steps;
}

function anchorOf(state: SubscriptionState): number | null {
  // Pay as you go follows calendar months (R4.4): nothing to move.
  return state.plan.interval === "NONE" ? null : state.anchorDay;
}

function freeSubscriptionFrom(at: Date, freePlan: PlanTerms): SubscriptionState {
  const anchorDay = at.getUTCDate();
  return {
    plan: freePlan,
    anchorDay,
    currentPeriodStart: at,
    currentPeriodEnd: periodEndFor(freePlan, at, anchorDay),
    cancelAtPeriodEnd: false,
    scheduledPlan: null,
    flexPeriodStart: at,
  };
}

function describeCharge(event: SubscriptionEvent): { what: ChargeWhat; planName: string } {
  const closing = event.kind === "downgrade" || event.kind === "cancel" ? event.from : event.plan;
  if (event.kind === "cancel") return { what: "final", planName: planName(closing) };
  const upfront = event.invoice?.fees.find((fee) => fee.timing === "upfront");
  if (upfront) return { what: "annual_fee", planName: planName(upfront.plan) };
  const fee = event.invoice?.fees.find((candidate) => candidate.amountCents > 0n);
  return fee ? { what: "plan_fee", planName: planName(fee.plan) } : { what: "flex", planName: planName(closing) };
}

/** What a period end changes besides its invoice: the plan (R4.5, R4.6) and the included credits (R4.2, R4.3). */
function periodChanges({ event, movedFromDay }: WalkedStep, freePlan: PlanTerms): TimelineEvent[] {
  const reset = (plan: PlanTerms): TimelineEvent[] =>
    plan.includedCredits > 0n
      ? [
          {
            kind: "included_reset",
            at: event.at,
            planName: planName(plan),
            interval: plan.interval,
            credits: plan.includedCredits,
            movedFromDay,
          },
        ]
      : [];
  switch (event.kind) {
    case "flex":
      return [];
    case "renew":
      return reset(event.plan);
    case "downgrade":
      return [
        {
          kind: "downgrade",
          at: event.at,
          fromPlanName: planName(event.from),
          toPlanName: planName(event.to),
          toPlan: event.to,
          movedFromDay,
        },
        ...reset(event.to),
      ];
    case "cancel":
      return [
        { kind: "cancellation", at: event.at, fromPlanName: planName(event.from), toPlanName: planName(freePlan), movedFromDay },
        ...reset(freePlan),
      ];
  }
}

/**
 * R6.1, R6.3: a package's expiry, or with auto-renewal on, its renewals: the
 * first one always, the next ones (each from the previous expiry, as the
 * billing run renews) while inside the timeline. A used-up package that does
 * not renew has nothing left to lapse and is left out.
 */
function packageEvents(pkg: TimelinePackage, now: Date, until: Date, inArrears: boolean): TimelineEvent[] {
  if (pkg.expiresAt <= now) return [];
  if (!pkg.autoRenew || !pkg.renewable) {
    if (pkg.remainingOperations <= 0n) return [];
    return [
      {
        kind: "package_expiry",
        at: pkg.expiresAt,
        packageName: pkg.name,
        remainingOperations: pkg.remainingOperations,
        movedFromDay: monthEndMove(pkg.expiresAt, pkg.startsAt.getUTCDate()),
      },
    ];
  }
  const events: TimelineEvent[] = [];
  let startsAt = pkg.startsAt;
  let expiresAt = pkg.expiresAt;
  do {
    events.push({
      kind: "package_renewal",
      at: expiresAt,
      packageName: pkg.name,
      priceCents: BigInt(pkg.priceCents),
      onlyIfPaidUp: inArrears,
      movedFromDay: monthEndMove(expiresAt, startsAt.getUTCDate()),
    });
    startsAt = expiresAt;
    expiresAt = packageExpiry(startsAt, pkg.validity);
  } while (expiresAt <= until);
  return events;
}

/** R8.3, R8.4: the deadlines still ahead; the stored ones (support may move them), else counted from the failure. */
function arrearsEvents(facts: ArrearsFacts, now: Date, policy: ArrearsPolicy): TimelineEvent[] {
  if (facts.billingState !== "GRACE" && facts.billingState !== "RETENTION") return [];
  const counted = facts.arrearsSince ? arrearsDeadlines(facts.arrearsSince, policy) : null;
  const graceEndsAt = facts.graceEndsAt ?? counted?.graceEndsAt ?? null;
  const retentionEndsAt = facts.retentionEndsAt ?? counted?.retentionEndsAt ?? null;
  const events: TimelineEvent[] = [];
  if (facts.billingState === "GRACE" && graceEndsAt && graceEndsAt > now) events.push({ kind: "grace_ends", at: graceEndsAt });
  if (retentionEndsAt && retentionEndsAt > now) events.push({ kind: "retention_ends", at: retentionEndsAt });
  return events;
}

function later(a: Date, b: Date): Date {
  return a > b ? a : b;
}
