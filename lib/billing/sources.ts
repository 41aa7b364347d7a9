// The order credit sources pay for a rated debit (R5). Pure: the caller loads
// the balances (locked), calls allocateDebit, and writes what it returns — or
// refuses the call with nothing consumed (R2.4, R5.4).
import { assertConsistentRating, type Rating } from "./rating";

/**
 * Whether flex may pay (R5.3, R5.5, R8.3, R14.2):
 * - available: paid plan (or pay-as-you-go with a card) with flex switched on;
 * - not_allowed: the plan has no flex (Free) or pay-as-you-go without a card;
 * - disabled: the customer switched flex billing off (R5.5);
 * - arrears: the workspace is in its grace period (R8.3);
 * - cap_reached: the monthly spend cap is used up (R14.2).
 */
export type FlexStatus = "available" | "not_allowed" | "disabled" | "arrears" | "cap_reached";

export interface FundingPackage {
  id: string;
  remainingOperations: bigint;
  expiresAt: Date;
}

export interface FundingState {
  /** The current period's included credits (R4, R5.1). */
  included: { balance: bigint; expiresAt: Date | null };
  /** Active packages of the debit's operation type (R6), not expired at the debit's instant. */
  packages: FundingPackage[];
  prepaid: bigint;
  /** remainingCap: flex credits still allowed under the spend cap (R14.2); null = no cap. */
  flex: { status: FlexStatus; remainingCap: bigint | null };
}

export interface PackageDraw {
  id: string;
  operations: bigint;
  /** What the covered operations were rated at (R5.1), for reporting: a package pays in operations. */
  credits: bigint;
}

/**
 * The operations of a debit by what paid them (R8.1 statements say "22
 * operations, 52,800 credits from included"). Free operations (rated at 0,
 * R3.1) are paid by no source. An operation split between two credit sources
 * counts once, for the source that completed its payment. The five add up to
 * the rating's operations.
 */
export interface SourceOperations {
  free: bigint;
  included: bigint;
  package: bigint;
  prepaid: bigint;
  flex: bigint;
}

/** Credits per source (packages also in operations); included + packageCredits + prepaid + flex = the rating's credits. */
export interface Allocation {
  included: bigint;
  packages: PackageDraw[];
  packageCredits: bigint;
  prepaid: bigint;
  flex: bigint;
  operations: SourceOperations;
}

/** Why a debit is refused: "flex_off" when flex would have paid had the customer not switched it off (R5.5). */
export type RefusalReason = "insufficient_credits" | "flex_off" | "arrears" | "spend_cap";

export type AllocationResult = { ok: true; allocation: Allocation } | { ok: false; reason: RefusalReason; shortfall: bigint };

/** The operations still to pay for, in rating order; free operations (0 credits) are left out, they consume nothing (R3.1). */
interface Segment {
  operations: bigint;
  creditsPerOp: bigint;
}

/**
 * A cursor over the rated operations. Packages take whole operations; credit
 * sources take credits and may leave the operation at the front part-paid.
 */
class OperationWalk {
  private index = 0;
  /** Operations of the current segment already paid in full. */
  private done = 0n;
  /** Credits already paid on the operation at the front (0 unless a credit source split it). */
  private paidOnFront = 0n;
  /** Operations paid in full so far: what each source completed is the difference before and after it. */
  completed = 0n;

  constructor(private readonly segments: Segment[]) {}

  get finished(): boolean {
    return this.index >= this.segments.length;
  }

  /** A package: up to `quota` whole operations, reported at their rated credits. */
  takeOperations(quota: bigint): { operations: bigint; credits: bigint } {
    if (this.paidOnFront !== 0n) throw new Error("a package never pays part of an operation");
    let operations = 0n;
    let credits = 0n;
    while (!this.finished && operations < quota) {
      const segment = this.current();
      const taken = min(segment.operations - this.done, quota - operations);
      operations += taken;
      credits += taken * segment.creditsPerOp;
      this.advance(taken);
    }
    return { operations, credits };
  }

  /** Credits that pay whole operations only, front first; stops at the first operation it cannot afford. */
  takeWholeOperations(budget: bigint): bigint {
    if (this.paidOnFront !== 0n) return 0n;
    let paid = 0n;
    while (!this.finished) {
      const segment = this.current();
      const affordable = min(segment.operations - this.done, (budget - paid) / segment.creditsPerOp);
      if (affordable === 0n) break;
      paid += affordable * segment.creditsPerOp;
      this.advance(affordable);
    }
    return paid;
  }

  /** Credits that may split the last operation they touch with the next source. */
  takeCredits(budget: bigint): bigint {
    let paid = 0n;
    while (!this.finished && paid < budget) {
      const segment = this.current();
      if (this.paidOnFront > 0n) {
        const part = min(segment.creditsPerOp - this.paidOnFront, budget - paid);
        paid += part;
        this.paidOnFront += part;
        if (this.paidOnFront === segment.creditsPerOp) {
          this.paidOnFront = 0n;
          this.advance(1n);
        }
        continue;
      }
      paid += this.takeWholeOperations(budget - paid);
      if (this.finished || paid === budget) break;
      // What is left is less than the front operation's price: pay part of it.
      this.paidOnFront = budget - paid;
      paid = budget;
    }
    return paid;
  }

  private current(): Segment {
    const segment = this.segments[this.index];
    if (!segment) throw new Error("the walk is finished");
    return segment;
  }

  private advance(operations: bigint): void {
    this.completed += operations;
    this.done += operations;
    if (this.done === this.current().operations) {
      this.index += 1;
      this.done = 0n;
    }
  }
}

type ExpiringSource = { kind: "included"; expiresAt: Date | null } | { kind: "package"; source: FundingPackage; position: number };

/**
 * R5.1: expiring sources, soonest expiry first; on a tie included goes first;
 * included without an expiry sorts after every package. Packages expiring at
 * the same instant keep the caller's order.
 */
export function expiringOrder(funding: FundingState): ExpiringSource[] {
  const sources: ExpiringSource[] = [
    { kind: "included", expiresAt: funding.included.expiresAt },
    ...funding.packages.map((source, position) => ({ kind: "package" as const, source, position })),
  ];
  const expiry = (source: ExpiringSource) =>
    source.kind === "included" ? (source.expiresAt?.getTime() ?? Number.POSITIVE_INFINITY) : source.source.expiresAt.getTime();
  const rank = (source: ExpiringSource) => (source.kind === "included" ? -1 : source.position);
  return sources.sort((a, b) => expiry(a) - expiry(b) || rank(a) - rank(b));
}

/**
 * R5: which sources pay for `rating`, or why the call is refused.
 *
 * (a) Expiring sources first, in expiringOrder. (b) A package covers whole
 * operations, reported at the credits they were rated at; free operations
 * consume nothing. (c) So that a package never pays part of an operation,
 * included pays whole operations while a later package still has quota; what
 * included then has left (less than one operation) still pays after the
 * packages, before prepaid — it expires, prepaid does not. Elsewhere the last
 * operation a source touches may be split with the next. (d) Then prepaid,
 * then flex if available and within the spend cap. (e) Otherwise refused,
 * nothing consumed: arrears → "arrears" (R8.3), spend cap → "spend_cap"
 * (R14.2), flex switched off → "flex_off" (R5.5), anything else →
 * "insufficient_credits" (R5.4). The API answers both of the last two with
 * 402 / 11100; the dashboard tells them apart. (f) (a)–(d) run tier by
 * tier, each tier's price starting from what the tiers before it left, so
 * the result is what paying the operations one at a time would give: a batch
 * costs the same as the same operations in any split (the price calculator
 * relies on it, R12). Within one tier whole operations cost the same, so
 * included that cannot afford one there may still afford one in a cheaper
 * tier.
 */
export function allocateDebit(rating: Rating, funding: FundingState): AllocationResult {
  assertConsistentRating(rating);
  assertFunding(funding);

  const segments = rating.lines
    .filter((line) => line.creditsPerOp > 0n && line.operations > 0n)
    .map((line) => ({ operations: line.operations, creditsPerOp: line.creditsPerOp }));
  const paidOperations = segments.reduce((sum, segment) => sum + segment.operations, 0n);
  const order = expiringOrder(funding);
  const quota = new Map(funding.packages.map((pkg) => [pkg.id, pkg.remainingOperations]));
  const draws = new Map<string, PackageDraw>();
  let included = 0n;
  let includedOperations = 0n;
  let prepaid = 0n;
  let prepaidOperations = 0n;
  let completed = 0n;

  // One tier's operations at a time, each walk starting from what the tiers
  // before it left: the same as paying the operations one by one, so a batch
  // costs what the same operations sent in any smaller batches would (R12).
  for (const segment of segments) {
    const walk = new OperationWalk([segment]);
    order.forEach((source, position) => {
      if (walk.finished) return;
      if (source.kind === "package") {
        const remaining = quota.get(source.source.id) ?? 0n;
        if (remaining === 0n) return;
        const taken = walk.takeOperations(remaining);
        if (taken.operations === 0n) return;
        quota.set(source.source.id, remaining - taken.operations);
        const draw = draws.get(source.source.id) ?? { id: source.source.id, operations: 0n, credits: 0n };
        draws.set(source.source.id, { id: draw.id, operations: draw.operations + taken.operations, credits: draw.credits + taken.credits });
        return;
      }
      const packageFollows = order.slice(position + 1).some((later) => later.kind === "package" && (quota.get(later.source.id) ?? 0n) > 0n);
      const before = walk.completed;
      const budget = funding.included.balance - included;
      included += packageFollows ? walk.takeWholeOperations(budget) : walk.takeCredits(budget);
      includedOperations += walk.completed - before;
    });
    // (c) Included's remainder (less than the operation it stopped at) before prepaid.
    const beforeRemainder = walk.completed;
    included += walk.takeCredits(funding.included.balance - included);
    includedOperations += walk.completed - beforeRemainder;
    const beforePrepaid = walk.completed;
    prepaid += walk.takeCredits(funding.prepaid - prepaid);
    prepaidOperations += walk.completed - beforePrepaid;
    completed += walk.completed;
  }

  const packages = [...draws.values()];
  const packageCredits = packages.reduce((sum, draw) => sum + draw.credits, 0n);
  const packageOperations = packages.reduce((sum, draw) => sum + draw.operations, 0n);
  const owed = rating.credits - included - packageCredits - prepaid;

  let flex = 0n;
  if (owed > 0n) {
    const { status, remainingCap } = funding.flex;
    if (status === "arrears") return { ok: false, reason: "arrears", shortfall: owed };
    if (status === "cap_reached") return { ok: false, reason: "spend_cap", shortfall: owed };
    if (status === "disabled") return { ok: false, reason: "flex_off", shortfall: owed };
    if (status !== "available") return { ok: false, reason: "insufficient_credits", shortfall: owed };
    if (remainingCap !== null && owed > remainingCap) return { ok: false, reason: "spend_cap", shortfall: owed - remainingCap };
    flex = owed;
  }
  const operations: SourceOperations = {
    free: rating.operations - paidOperations,
    included: includedOperations,
    package: packageOperations,
    prepaid: prepaidOperations,
    // Flex pays whatever is left, so it completes every operation still open.
    flex: paidOperations - completed,
  };
  return { ok: true, allocation: { included, packages, packageCredits, prepaid, flex, operations } };
}

/** What a successful allocation leaves in each source (the caller's new balances). */
export function fundingAfter(funding: FundingState, allocation: Allocation): FundingState {
  const drawn = new Map(allocation.packages.map((draw) => [draw.id, draw.operations]));
  return {
    included: { ...funding.included, balance: funding.included.balance - allocation.included },
    packages: funding.packages.map((pkg) => ({ ...pkg, remainingOperations: pkg.remainingOperations - (drawn.get(pkg.id) ?? 0n) })),
    prepaid: funding.prepaid - allocation.prepaid,
    flex: {
      ...funding.flex,
      remainingCap: funding.flex.remainingCap === null ? null : funding.flex.remainingCap - allocation.flex,
    },
  };
}

function assertFunding(funding: FundingState): void {
  if (funding.included.balance < 0n) throw new RangeError("included balance must not be negative");
  if (funding.prepaid < 0n) throw new RangeError("prepaid balance must not be negative");
  if (funding.flex.remainingCap !== null && funding.flex.remainingCap < 0n) throw new RangeError("remainingCap must not be negative");
  const ids = new Set<string>();
  for (const pkg of funding.packages) {
    if (pkg.remainingOperations < 0n) throw new RangeError(`package ${pkg.id} has negative remaining operations`);
    if (ids.has(pkg.id)) throw new RangeError(`package ${pkg.id} is listed twice`);
    ids.add(pkg.id);
  }
}

function min(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}
