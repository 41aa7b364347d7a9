// Invoice lines (R8.2): integer cents and a description that says in plain
// words what is charged, for which period and on what terms — never a rule
// number: that is kept apart in `rule`, for code and support. Pure builders;
// the database layer numbers the invoice and stores the lines as they are.
import { DEFAULT_CREDITS_PER_USD, formatCents, formatCount } from "@/lib/money";
import { flexChargeCents } from "./flex";
import type { RatedLine } from "./rating";

/** The database's CreditSource enum. */
export type CreditSourceCode = "INCLUDED" | "PACKAGE" | "PREPAID" | "FLEX";

/** One line as InvoiceLine stores it (amountCents fits the Int column for any real invoice). */
export interface InvoiceLineDraft {
  description: string;
  /** Which credit source the line is about, when it is about one. */
  source: CreditSourceCode | null;
  /** The rule that priced the line, e.g. "R5.3": for code and support, never shown to the customer. */
  rule: string;
  quantity: bigint;
  credits: bigint | null;
  amountCents: bigint;
}

// Invoices are written in one locale and in UTC, whatever the reader's browser.
const LOCALE = "en-US";
const monthDay = new Intl.DateTimeFormat(LOCALE, { month: "short", day: "numeric", timeZone: "UTC" });
const monthDayYear = new Intl.DateTimeFormat(LOCALE, { month: "short", day: "numeric", year: "numeric", timeZone: "UTC" });

/** "Nov 14 – Dec 14, 2026", or "Dec 14, 2026 – Jan 14, 2027" across a year end (UTC). */
export function formatPeriod(start: Date, end: Date): string {
  if (start.getUTCFullYear() === end.getUTCFullYear()) {
    return `${monthDay.format(start)} – ${monthDay.format(end)}, ${end.getUTCFullYear()}`;
  }
  return `${monthDayYear.format(start)} – ${monthDayYear.format(end)}`;
}

export interface PlanFeeInput {
  planName: string;
  periodStart: Date;
  periodEnd: Date;
  feeCents: bigint | number;
  /** R4.2 monthly plans are charged in arrears, R4.3 annual plans upfront. */
  timing: "arrears" | "upfront";
}

/** "Growth plan, Nov 14 – Dec 14, 2026 · billed at the end of the period" (R4.2); annual: "· paid in advance" (R4.3). */
export function planFeeLine(input: PlanFeeInput): InvoiceLineDraft {
  const rule = input.timing === "arrears" ? "R4.2" : "R4.3";
  const when = input.timing === "arrears" ? "billed at the end of the period" : "paid in advance";
  return {
    description: `${planLabel(input.planName)}, ${formatPeriod(input.periodStart, input.periodEnd)} · ${when}`,
    source: null,
    rule,
    quantity: 1n,
    credits: null,
    amountCents: wholeCents(input.feeCents),
  };
}

export interface ProrationInput {
  planName: string;
  periodStart: Date;
  periodEnd: Date;
  closedAt: Date;
  feeCents: bigint | number;
  /** proratedFeeCents(feeCents, periodStart, periodEnd, closedAt). */
  amountCents: bigint;
}

/** R4.5: "Starter plan, Nov 14 – Nov 29, 2026 · upgraded: the part used of $30.00 for Nov 14 – Dec 14, 2026, rounded down to the cent". */
export function prorationLine(input: ProrationInput): InvoiceLineDraft {
  return {
    description:
      `${planLabel(input.planName)}, ${formatPeriod(input.periodStart, input.closedAt)} · upgraded: the part used of ` +
      `${formatCents(wholeCents(input.feeCents), LOCALE)} for ${formatPeriod(input.periodStart, input.periodEnd)}, rounded down to the cent`,
    source: null,
    rule: "R4.5",
    quantity: 1n,
    credits: null,
    amountCents: input.amountCents,
  };
}

/** R5.3: "Flex: 155,419,999 credits used in the period → $77.70, rounded down to the cent" — the whole period's flex, converted once. */
export function flexLine(totalFlexCredits: bigint, creditsPerUsd: bigint = DEFAULT_CREDITS_PER_USD): InvoiceLineDraft {
  const cents = flexChargeCents(totalFlexCredits, creditsPerUsd);
  return {
    description: `Flex: ${formatCount(totalFlexCredits, LOCALE)} credits used in the period → ${formatCents(cents, LOCALE)}, rounded down to the cent`,
    source: "FLEX",
    rule: "R5.3",
    quantity: 1n,
    credits: totalFlexCredits,
    amountCents: cents,
  };
}

export interface PackageLineInput {
  packageName: string;
  startsAt: Date;
  expiresAt: Date;
  priceCents: bigint | number;
  renewal?: boolean;
}

/** R6.1: "Package 100,000 predict · 1 month, Jan 31 – Feb 28, 2027 · paid in advance, no refunds"; R6.3: "Package renewal …". */
export function packageLine(input: PackageLineInput): InvoiceLineDraft {
  const what = input.renewal ? "Package renewal" : "Package";
  const rule = input.renewal ? "R6.3" : "R6.1";
  return {
    description: `${what} ${input.packageName}, ${formatPeriod(input.startsAt, input.expiresAt)} · paid in advance, no refunds`,
    source: "PACKAGE",
    rule,
    quantity: 1n,
    credits: null,
    amountCents: wholeCents(input.priceCents),
  };
}

/**
 * Credits bought by a top-up of `amountCents` (R7.1). Exact for the default
 * rate (20,000 credits a cent); for a rate that does not divide, the customer
 * gets the fraction rounded up — the other side of R1.2's rounding down.
 */
export function topUpCredits(amountCents: bigint | number, creditsPerUsd: bigint = DEFAULT_CREDITS_PER_USD): bigint {
  const cents = wholeCents(amountCents);
  if (cents <= 0n) throw new RangeError("a top-up must be positive");
  return (cents * creditsPerUsd + 99n) / 100n;
}

/** R7.1, R7.3: "Prepaid top-up: 20,000,000 credits for $10.00 · never expire, non-refundable" (R7.2: "Auto top-up: …"). */
export function topUpLine(amountCents: bigint | number, credits: bigint, kind: "manual" | "auto" = "manual"): InvoiceLineDraft {
  const rule = kind === "auto" ? "R7.2" : "R7.1";
  const label = kind === "auto" ? "Auto top-up" : "Prepaid top-up";
  const cents = wholeCents(amountCents);
  return {
    description: `${label}: ${formatCount(credits, LOCALE)} credits for ${formatCents(cents, LOCALE)} · never expire, non-refundable`,
    source: "PREPAID",
    rule,
    quantity: 1n,
    credits,
    amountCents: cents,
  };
}

/** A support discount (R11): a negative line with the staff's reason, "Discount: goodwill for the outage". */
export function discountLine(reason: string, amountCents: bigint | number): InvoiceLineDraft {
  const cents = wholeCents(amountCents);
  if (cents <= 0n) throw new RangeError("a discount is a positive amount");
  return { description: `Discount: ${reason}`, source: null, rule: "R11", quantity: 1n, credits: null, amountCents: -cents };
}

/**
 * R11: `percent` off the subtotal of `lines`, rounded down to the cent (the
 * customer never pays less than the percentage says); null when it comes to
 * nothing. "Discount 20%: goodwill for the outage".
 */
export function percentDiscountLine(lines: readonly InvoiceLineDraft[], percent: number, reason: string): InvoiceLineDraft | null {
  if (!Number.isInteger(percent) || percent < 1 || percent > 100) throw new RangeError(`a discount is 1–100%, not ${percent}`);
  const subtotal = lines.filter((line) => line.amountCents > 0n).reduce((sum, line) => sum + line.amountCents, 0n);
  const cents = (subtotal * BigInt(percent)) / 100n;
  if (cents <= 0n) return null;
  return { ...discountLine(reason, cents), description: `Discount ${percent}%: ${reason}` };
}

/** One tier's share of a batch (R3.1) in words: "Predict 1,001–1,022: 22 × 2,400 credits = 52,800 credits". */
export function ratedLineDescription(operationTypeName: string, line: RatedLine): string {
  const counts =
    line.fromCount === line.toCount
      ? formatCount(line.fromCount, LOCALE)
      : `${formatCount(line.fromCount, LOCALE)}–${formatCount(line.toCount, LOCALE)}`;
  return `${operationTypeName} ${counts}: ${formatCount(line.operations, LOCALE)} × ${formatCount(line.creditsPerOp, LOCALE)} credits = ${formatCount(line.credits, LOCALE)} credits`;
}

/** Invoice.subtotalCents / discountCents / totalCents; a discount never takes the total below zero. */
export function invoiceTotals(lines: readonly InvoiceLineDraft[]): { subtotalCents: bigint; discountCents: bigint; totalCents: bigint } {
  const subtotalCents = lines.filter((line) => line.amountCents > 0n).reduce((sum, line) => sum + line.amountCents, 0n);
  const discounts = lines.filter((line) => line.amountCents < 0n).reduce((sum, line) => sum - line.amountCents, 0n);
  const discountCents = discounts > subtotalCents ? subtotalCents : discounts;
  return { subtotalCents, discountCents, totalCents: subtotalCents - discountCents };
}

function planLabel(planName: string): string {
  return /\bplan$/i.test(planName) ? planName : `${planName} plan`;
}

function wholeCents(cents: bigint | number): bigint {
  if (typeof cents === "number" && !Number.isSafeInteger(cents)) throw new RangeError(`cents must be a whole number, got ${cents}`);
  return BigInt(cents);
}
