// Guardrails the customer sets (R14): usage alerts and the monthly spend cap.
// Which alert levels a workspace's balances have reached. Pure: the database
// layer reads the state, this decides, the outbox sends each level once per
// period (its dedupe key names the period and the level).

/** R14.1: included credits used, in percent of the period's allotment. */
export const INCLUDED_ALERT_PERCENTS = [50, 80, 100] as const;
export type IncludedAlertPercent = (typeof INCLUDED_ALERT_PERCENTS)[number];

/** What the customer has set (R14). Amounts of credits are BigInt; the cap is in cents. */
export interface GuardrailSettings {
  /** Email at 50, 80 and 100 % of the included credits used. */
  includedAlerts: boolean;
  /** Email once prepaid falls below this many credits; null = off. */
  prepaidBelowCredits: bigint | null;
  /** Email once flex used this period passes this many credits; null = off. */
  flexAboveCredits: bigint | null;
  /** The monthly cap on flex plus auto top-ups, in cents; null = no cap. */
  spendCapCents: bigint | null;
}

export type AlertLevel =
  | { kind: "included"; percent: IncludedAlertPercent }
  | { kind: "prepaid_below"; threshold: bigint }
  | { kind: "flex_above"; threshold: bigint };

/** The balances an alert check looks at, as of one instant. */
export interface AlertState {
  /** Included credits granted for the current period (0 on a plan without them). */
  includedAllotment: bigint;
  /** Included credits left now. */
  includedLeft: bigint;
  prepaid: bigint;
  /** Flex credits used in the current flex period. */
  flexUsed: bigint;
}

/** The percentage of the allotment used, rounded down; 0 without an allotment. */
export function includedPercentUsed(allotment: bigint, left: bigint): number {
  if (allotment <= 0n) return 0;
  const used = allotment - (left < 0n ? 0n : left);
  return Number((used * 100n) / allotment);
}

/**
 * Every level the state has reached. The caller sends each at most once per
 * period; a level reached and left again in the same period (prepaid topped up)
 * is not sent again.
 */
export function alertLevelsReached(state: AlertState, settings: GuardrailSettings): AlertLevel[] {
  const levels: AlertLevel[] = [];
  if (settings.includedAlerts && state.includedAllotment > 0n) {
    const used = includedPercentUsed(state.includedAllotment, state.includedLeft);
    for (const percent of INCLUDED_ALERT_PERCENTS) if (used >= percent) levels.push({ kind: "included", percent });
  }
  if (settings.prepaidBelowCredits !== null && state.prepaid < settings.prepaidBelowCredits) {
    levels.push({ kind: "prepaid_below", threshold: settings.prepaidBelowCredits });
  }
  if (settings.flexAboveCredits !== null && state.flexUsed > settings.flexAboveCredits) {
    levels.push({ kind: "flex_above", threshold: settings.flexAboveCredits });
  }
  return levels;
}

/** The part of an outbox dedupe key that names a level: one email per level per period. */
export function alertLevelKey(level: AlertLevel): string {
  switch (level.kind) {
    case "included":
      return `included:${level.percent}`;
    case "prepaid_below":
      return `prepaid_below:${level.threshold}`;
    case "flex_above":
      return `flex_above:${level.threshold}`;
  }
}
