// Tiered rating by the calendar month's count (R3.1, R3.2). Pure BigInt
// arithmetic. The engine rates each batch with the count the workspace had
// before it in the current month; the calculator rates a whole month from a
// count of zero — and because a batch crossing a tier boundary is split, the
// two always agree (R12: the calculator's price equals what the engine bills).

/**
 * R3.1: the price of one operation while the month's count of that type lies
 * in [fromCount, toCount] (1-based, inclusive; toCount null = no upper end).
 * A price list is sorted, contiguous from 1, and only its last tier is open.
 */
export interface Tier {
  fromCount: bigint;
  toCount: bigint | null;
  creditsPerOp: bigint;
}

/** One tier's share of a batch: the month counts it covers and their price. */
export interface RatedLine {
  fromCount: bigint;
  toCount: bigint;
  operations: bigint;
  creditsPerOp: bigint;
  credits: bigint;
}

export interface Rating {
  operations: bigint;
  credits: bigint;
  lines: RatedLine[];
}

/** A catalog tier as the catalog file writes it (`from`, `to`, `credits`). */
export interface CatalogTier {
  from: bigint;
  to: bigint | null;
  credits: bigint;
}

export class TierError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TierError";
  }
}

/** The catalog's tier shape (lib/catalog) in the engine's words. */
export function tiersFromCatalog(tiers: readonly CatalogTier[]): Tier[] {
  const converted = tiers.map((tier) => ({ fromCount: tier.from, toCount: tier.to, creditsPerOp: tier.credits }));
  assertValidTiers(converted);
  return converted;
}

/** R3.1: throws a TierError unless the tiers start at 1, follow each other without gaps, and only the last is open. */
export function assertValidTiers(tiers: readonly Tier[]): void {
  if (tiers.length === 0) throw new TierError("a price list needs at least one tier");
  let expectedFrom = 1n;
  tiers.forEach((tier, index) => {
    const last = index === tiers.length - 1;
    if (tier.fromCount !== expectedFrom) throw new TierError(`tier ${index + 1} must start at ${expectedFrom}`);
    if (tier.creditsPerOp < 0n) throw new TierError(`tier ${index + 1} has a negative price`);
    if (tier.toCount === null) {
      if (!last) throw new TierError(`only the last tier may be open-ended (tier ${index + 1})`);
      return;
    }
    if (last) throw new TierError("the last tier must be open-ended");
    if (tier.toCount < tier.fromCount) throw new TierError(`tier ${index + 1} ends before it starts`);
    expectedFrom = tier.toCount + 1n;
  });
}

/** The tier that prices the `count`-th operation of the month (1-based). */
export function tierAt(tiers: readonly Tier[], count: bigint): Tier {
  if (count < 1n) throw new RangeError("counts are 1-based");
  const tier = tiers.find((candidate) => candidate.toCount === null || count <= candidate.toCount);
  if (!tier) throw new TierError("the tiers do not cover every count");
  return tier;
}

/**
 * R3.1: the price of `operations` operations when the workspace has already
 * done `countBefore` of that type this month. A batch that crosses a tier
 * boundary is split into one line per tier, in count order.
 *
 * R3.2: counts are per calendar month and free calls do not roll over; the
 * caller passes the current month's count (0 on the 1st at 00:00 UTC).
 */
export function rateBatch(tiers: readonly Tier[], countBefore: bigint, operations: bigint): Rating {
  assertValidTiers(tiers);
  if (countBefore < 0n) throw new RangeError("countBefore must not be negative");
  if (operations < 0n) throw new RangeError("operations must not be negative");

  const lines: RatedLine[] = [];
  let credits = 0n;
  let next = countBefore + 1n;
  const last = countBefore + operations;
  for (const tier of tiers) {
    if (next > last) break;
    if (tier.toCount !== null && tier.toCount < next) continue;
    const lineEnd = tier.toCount === null || tier.toCount > last ? last : tier.toCount;
    const lineOperations = lineEnd - next + 1n;
    const lineCredits = lineOperations * tier.creditsPerOp;
    lines.push({ fromCount: next, toCount: lineEnd, operations: lineOperations, creditsPerOp: tier.creditsPerOp, credits: lineCredits });
    credits += lineCredits;
    next = lineEnd + 1n;
  }
  return { operations, credits, lines };
}

/**
 * The price of a whole month of `operations` (R12 calculator): the same as
 * rating every batch of the month with its running count and adding them up.
 */
export function rateMonth(tiers: readonly Tier[], operations: bigint): Rating {
  return rateBatch(tiers, 0n, operations);
}

/** Several ratings as one (e.g. an hour's batches on a usage statement, R8.1); lines are kept in order. */
export function combineRatings(ratings: readonly Rating[]): Rating {
  return {
    operations: ratings.reduce((sum, rating) => sum + rating.operations, 0n),
    credits: ratings.reduce((sum, rating) => sum + rating.credits, 0n),
    lines: ratings.flatMap((rating) => rating.lines),
  };
}

/** Checks a rating's own arithmetic: lines add up to its totals. Throws a RangeError otherwise. */
export function assertConsistentRating(rating: Rating): void {
  let operations = 0n;
  let credits = 0n;
  for (const line of rating.lines) {
    if (line.operations < 0n || line.creditsPerOp < 0n) throw new RangeError("a rated line cannot be negative");
    if (line.credits !== line.operations * line.creditsPerOp)
      throw new RangeError("a rated line's credits must be operations × creditsPerOp");
    operations += line.operations;
    credits += line.credits;
  }
  if (operations !== rating.operations || credits !== rating.credits) {
    throw new RangeError("a rating's lines must add up to its operations and credits");
  }
}
