// Credits and money: the one module that converts and formats them (R1).
// Credits are BigInt, cents are integers; nothing here touches a float, and
// formatting happens only at render.

/** R1.1: the default exchange rate; a deployment may configure another (env CREDITS_PER_USD). */
export const DEFAULT_CREDITS_PER_USD = 2_000_000n;

const DEFAULT_LOCALE = "en-US";

/**
 * R1.2: credits → USD cents, rounded down so that the customer never pays for
 * a fraction of a cent. Negative amounts (debits) round toward zero, so their
 * magnitude is rounded down too.
 */
export function creditsToCents(credits: bigint, creditsPerUsd: bigint = DEFAULT_CREDITS_PER_USD): bigint {
  if (creditsPerUsd <= 0n) throw new RangeError("creditsPerUsd must be positive");
  // BigInt division truncates toward zero.
  return (credits * 100n) / creditsPerUsd;
}

/** "$17.60". Accepts integer cents only; a fractional number is a bug upstream. */
export function formatCents(cents: bigint | number, locale: string = DEFAULT_LOCALE): string {
  if (typeof cents === "number" && !Number.isInteger(cents)) {
    throw new RangeError(`cents must be an integer, got ${cents}`);
  }
  const value = BigInt(cents);
  const negative = value < 0n;
  const magnitude = negative ? -value : value;
  const dollars = magnitude / 100n;
  const rest = (magnitude % 100n).toString().padStart(2, "0");
  // A decimal string keeps amounts beyond 2^53 exact (Intl.NumberFormat v3).
  const decimal = `${negative ? "-" : ""}${dollars}.${rest}` as `${number}`;
  return new Intl.NumberFormat(locale, { style: "currency", currency: "USD" }).format(decimal);
}

/** Amounts below this are shown exactly; above it in compact notation. */
const COMPACT_FROM = 10_000n;

/**
 * "35.2M credits", or exact below 10,000 ("9,999 credits"). Compact figures
 * are truncated, never rounded up: a balance is never shown larger than it is.
 */
export function formatCredits(credits: bigint, locale: string = DEFAULT_LOCALE): string {
  return `${formatCreditAmount(credits, locale)} ${credits === 1n || credits === -1n ? "credit" : "credits"}`;
}

/** The number part of formatCredits, for tables whose header already says "credits". */
export function formatCreditAmount(credits: bigint, locale: string = DEFAULT_LOCALE): string {
  const magnitude = credits < 0n ? -credits : credits;
  if (magnitude < COMPACT_FROM) return new Intl.NumberFormat(locale).format(credits);
  return new Intl.NumberFormat(locale, {
    notation: "compact",
    maximumFractionDigits: 1,
    roundingMode: "trunc",
  }).format(credits);
}

/** R1.3: credits and their USD value side by side, "35.2M credits ≈ $17.60". */
export function formatCreditsWithUsd(
  credits: bigint,
  locale: string = DEFAULT_LOCALE,
  creditsPerUsd: bigint = DEFAULT_CREDITS_PER_USD,
): string {
  return `${formatCredits(credits, locale)} ≈ ${formatCents(creditsToCents(credits, creditsPerUsd), locale)}`;
}

/** An exact integer count with grouping, "1,000,000" (operations, requests). */
export function formatCount(count: bigint | number, locale: string = DEFAULT_LOCALE): string {
  return new Intl.NumberFormat(locale).format(count);
}
