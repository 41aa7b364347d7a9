// Flex: postpaid credits billed at the end of their period (R5.3), and whether
// a debit may use them right now (R5.5, R8.3, R14.2). Pure.
import { creditsToCents, DEFAULT_CREDITS_PER_USD } from "@/lib/money";
import type { FlexStatus, FundingState } from "./sources";

/**
 * R5.3: the flex credits of a whole period are added up first and converted
 * to cents once, rounded down (R1.2). Rounding each debit instead would drop
 * up to a cent per debit and make the invoice depend on how usage was split.
 * 155,419,999 credits → 7,770 cents ($77.70).
 */
export function flexChargeCents(totalFlexCredits: bigint, creditsPerUsd: bigint = DEFAULT_CREDITS_PER_USD): bigint {
  if (totalFlexCredits < 0n) throw new RangeError("flex credits must not be negative");
  return creditsToCents(totalFlexCredits, creditsPerUsd);
}

/** R5.3: the flex credits of a period's debits, added up before any conversion. */
export function sumFlexCredits(debits: readonly bigint[]): bigint {
  return debits.reduce((sum, credits) => {
    if (credits < 0n) throw new RangeError("a debit's flex credits must not be negative");
    return sum + credits;
  }, 0n);
}

/** R8.3–R8.5: the workspace's arrears state, as the database stores it. */
export type BillingState = "GOOD" | "GRACE" | "RETENTION" | "DELETED";

export interface FlexFacts {
  /** The plan allows flex (paid plans and pay-as-you-go; not Free). */
  planFlexAllowed: boolean;
  /** R4.4: pay-as-you-go uses flex only with a card on file. */
  payAsYouGo: boolean;
  hasCard: boolean;
  /** R5.5: the customer's switch. */
  flexEnabled: boolean;
  billingState: BillingState;
  /** R14.2: the monthly cap on flex plus auto top-ups, in cents; null = no cap. */
  spendCapCents: bigint | number | null;
  /** Flex credits already used in the current flex period (R5.3). */
  flexUsedThisPeriod: bigint;
  /** R14.2: auto top-ups charged in the same period, in cents (they count against the same cap). */
  autoTopUpCentsThisPeriod: bigint | number;
  creditsPerUsd?: bigint;
}

/**
 * The `flex` part of FundingState: whether flex may pay and how much more the
 * spend cap allows (in credits). The order of the checks decides the refusal
 * the customer sees (R9.4): a plan without flex → 11100, flex switched off →
 * 11100, arrears → 11101, cap → 11103.
 */
export function flexFunding(facts: FlexFacts): FundingState["flex"] {
  const status = flexStatusWithoutCap(facts);
  if (status !== "available" || facts.spendCapCents === null) return { status, remainingCap: null };
  const remainingCap = spendCapRemainingCredits(facts);
  return remainingCap > 0n ? { status: "available", remainingCap } : { status: "cap_reached", remainingCap: 0n };
}

function flexStatusWithoutCap(facts: FlexFacts): FlexStatus {
  if (!facts.planFlexAllowed) return "not_allowed";
  if (facts.payAsYouGo && !facts.hasCard) return "not_allowed";
  if (!facts.flexEnabled) return "disabled";
  // R8.3 grace, and everything after it: flex is never extended to an account in arrears.
  if (facts.billingState !== "GOOD") return "arrears";
  return "available";
}

/**
 * R14.2: flex credits still allowed this period. The cap is in cents; what
 * has been spent is flex credits (converted exactly, not rounded) plus auto
 * top-ups. Never negative.
 */
export function spendCapRemainingCredits(
  facts: Pick<FlexFacts, "spendCapCents" | "flexUsedThisPeriod" | "autoTopUpCentsThisPeriod" | "creditsPerUsd">,
): bigint {
  const remainingScaled = spendCapRemainingScaled(facts);
  return remainingScaled > 0n ? remainingScaled / 100n : 0n;
}

type SpendFacts = Pick<FlexFacts, "spendCapCents" | "flexUsedThisPeriod" | "autoTopUpCentsThisPeriod" | "creditsPerUsd">;

/** The cap minus what was spent, in credits × 100: credits per cent may not be whole for an unusual exchange rate. */
function spendCapRemainingScaled(facts: SpendFacts): bigint {
  if (facts.spendCapCents === null) throw new RangeError("no spend cap is set");
  const creditsPerUsd = facts.creditsPerUsd ?? DEFAULT_CREDITS_PER_USD;
  const capScaled = BigInt(facts.spendCapCents) * creditsPerUsd;
  const spentScaled = facts.flexUsedThisPeriod * 100n + BigInt(facts.autoTopUpCentsThisPeriod) * creditsPerUsd;
  return capScaled - spentScaled;
}

/**
 * R14.2: auto top-up stops at the cap: a top-up of `amountCents` is charged
 * only if flex and the auto top-ups of the period, with it, stay within the
 * cap. Without a cap, always.
 */
export function autoTopUpWithinCap(facts: SpendFacts, amountCents: bigint | number): boolean {
  if (facts.spendCapCents === null) return true;
  const creditsPerUsd = facts.creditsPerUsd ?? DEFAULT_CREDITS_PER_USD;
  return spendCapRemainingScaled(facts) >= BigInt(amountCents) * creditsPerUsd;
}

/** R14.2: whether the cap is reached (nothing more may be spent on flex). */
export function spendCapReached(facts: SpendFacts): boolean {
  return facts.spendCapCents !== null && spendCapRemainingScaled(facts) < 100n;
}
