// The reference model of a workspace's credits (R3, R5, R6, R8.3, R8.4,
// R9.1) and of the ledger entries each movement writes: one workspace, one
// movement at a time, every function returning a new state. It is what the
// property tests hold the real engine to — the batched debit decision
// (debit-decision.ts) must decide what this model decides request by request
// — and it is used by nothing else. It shares the rules themselves (rating,
// source order, live balances, flex) and restates only the bookkeeping.
import { balanceSnapshot, livePackages, liveIncluded } from "./balances";
import type { DebitOutcome, DebitRequest, SourceCredits } from "./debit-decision";
import { flexFunding, type BillingState, type FlexFacts } from "./flex";
import { allocateDebit, type AllocationResult, type FundingState } from "./sources";
import type { CreditSourceCode } from "./invoice-lines";
import { rateBatch, type Rating, type Tier } from "./rating";

/** LedgerEntry.reason; SETTLEMENT: the flex of a closed flex period moved onto its invoice (R5.3). */
export type LedgerReason = "GRANT" | "USAGE" | "EXPIRY" | "FORFEIT" | "CORRECTION" | "SETTLEMENT";

/**
 * One ledger row. Signed credits: grants positive, spending negative; flex
 * counts up (usage positive, invoicing negative). Package rows carry the
 * operations moved (grant +, usage and expiry −) and, for usage, the credits
 * those operations were rated at.
 */
export interface LedgerEntryDraft {
  source: CreditSourceCode;
  amount: bigint;
  operations?: bigint;
  purchaseId?: string;
  reason: LedgerReason;
  memo?: string;
}

export interface ModelPackage {
  id: string;
  operationType: string;
  remainingOperations: bigint;
  expiresAt: Date;
}

export interface CreditState {
  included: { balance: bigint; expiresAt: Date | null };
  packages: ModelPackage[];
  prepaid: bigint;
  /** Flex used in the current flex period, not yet invoiced (R5.3). */
  flexUsed: bigint;
}

export interface LedgerStep {
  state: CreditState;
  entries: LedgerEntryDraft[];
}

export function emptyCreditState(): CreditState {
  return { included: { balance: 0n, expiresAt: null }, packages: [], prepaid: 0n, flexUsed: 0n };
}

/** R5.2 / R7 / R11: a top-up, auto top-up or support grant of prepaid credits. */
export function grantPrepaid(state: CreditState, credits: bigint, memo = ""): LedgerStep {
  if (credits <= 0n) throw new RangeError("a grant must be positive");
  return {
    state: { ...state, prepaid: state.prepaid + credits },
    entries: [{ source: "PREPAID", amount: credits, reason: "GRANT", memo }],
  };
}

/** R6.1: a bought package: a quota of operations, no credits. */
export function grantPackage(state: CreditState, pkg: ModelPackage): LedgerStep {
  if (pkg.remainingOperations <= 0n) throw new RangeError("a package grants at least one operation");
  if (state.packages.some((held) => held.id === pkg.id)) throw new RangeError(`package ${pkg.id} is already granted`);
  return {
    state: { ...state, packages: [...state.packages, pkg] },
    entries: [{ source: "PACKAGE", amount: 0n, operations: pkg.remainingOperations, purchaseId: pkg.id, reason: "GRANT" }],
  };
}

/** What the sources hold for a debit of `operationType` at `at`: expired sources hold nothing (R5.1, R6.1). */
export function fundingFor(state: CreditState, operationType: string, at: Date, flex: FundingState["flex"]): FundingState {
  return {
    included: { balance: liveIncluded(storedBalance(state), at), expiresAt: state.included.expiresAt },
    packages: livePackages(
      state.packages.filter((pkg) => pkg.operationType === operationType),
      at,
    ).map(({ id, remainingOperations, expiresAt }) => ({ id, remainingOperations, expiresAt })),
    prepaid: state.prepaid,
    flex,
  };
}

function storedBalance(state: CreditState) {
  return {
    included: state.included.balance,
    includedExpiresAt: state.included.expiresAt,
    prepaid: state.prepaid,
    flexUsed: state.flexUsed,
  };
}

export interface DebitInput {
  rating: Rating;
  operationType: string;
  at: Date;
  flex: FundingState["flex"];
}

/** R5: pays a rated debit from the sources in order, or refuses it with nothing written (R5.4). */
export function debit(state: CreditState, input: DebitInput): LedgerStep & { result: AllocationResult } {
  const result = allocateDebit(input.rating, fundingFor(state, input.operationType, input.at, input.flex));
  if (!result.ok) return { state, entries: [], result };
  const { allocation } = result;
  const entries: LedgerEntryDraft[] = [];
  if (allocation.included > 0n) entries.push({ source: "INCLUDED", amount: -allocation.included, reason: "USAGE" });
  for (const draw of allocation.packages) {
    entries.push({ source: "PACKAGE", amount: -draw.credits, operations: -draw.operations, purchaseId: draw.id, reason: "USAGE" });
  }
  if (allocation.prepaid > 0n) entries.push({ source: "PREPAID", amount: -allocation.prepaid, reason: "USAGE" });
  if (allocation.flex > 0n) entries.push({ source: "FLEX", amount: allocation.flex, reason: "USAGE" });

  const drawn = new Map(allocation.packages.map((draw) => [draw.id, draw.operations]));
  return {
    state: {
      included: { ...state.included, balance: state.included.balance - allocation.included },
      packages: state.packages.map((pkg) => ({ ...pkg, remainingOperations: pkg.remainingOperations - (drawn.get(pkg.id) ?? 0n) })),
      prepaid: state.prepaid - allocation.prepaid,
      flexUsed: state.flexUsed + allocation.flex,
    },
    entries,
    result,
  };
}

/**
 * R4 / R5.1: a new period's included credits. What is left of the old ones
 * is forfeited — use it or lose it, never rolled over — and the new grant
 * expires at the period end. A grant of 0 (pay-as-you-go) only forfeits.
 */
export function resetIncluded(state: CreditState, credits: bigint, expiresAt: Date | null): LedgerStep {
  if (credits < 0n) throw new RangeError("included credits must not be negative");
  const entries: LedgerEntryDraft[] = [];
  if (state.included.balance > 0n) entries.push({ source: "INCLUDED", amount: -state.included.balance, reason: "FORFEIT" });
  if (credits > 0n) entries.push({ source: "INCLUDED", amount: credits, reason: "GRANT" });
  return { state: { ...state, included: { balance: credits, expiresAt } }, entries };
}

/** R6.1: packages whose validity ended by `now` lose their remaining operations (no refund) and leave the state. */
export function expirePackages(state: CreditState, now: Date): LedgerStep {
  const expired = state.packages.filter((pkg) => pkg.expiresAt <= now);
  const entries: LedgerEntryDraft[] = expired
    .filter((pkg) => pkg.remainingOperations > 0n)
    .map((pkg) => ({ source: "PACKAGE", amount: 0n, operations: -pkg.remainingOperations, purchaseId: pkg.id, reason: "EXPIRY" }));
  return { state: { ...state, packages: state.packages.filter((pkg) => pkg.expiresAt > now) }, entries };
}

/** R5.3: the flex of the period that ended moves onto its invoice; the counter starts again at 0. */
export function closeFlexPeriod(state: CreditState): LedgerStep & { flexCredits: bigint } {
  const flexCredits = state.flexUsed;
  const entries: LedgerEntryDraft[] = flexCredits > 0n ? [{ source: "FLEX", amount: -flexCredits, reason: "SETTLEMENT" }] : [];
  return { state: { ...state, flexUsed: 0n }, entries, flexCredits };
}

export interface PlanChangeInput {
  /** The new period's included credits (0 for pay-as-you-go) and their expiry (the period end). */
  includedCredits: bigint;
  includedExpiresAt: Date | null;
}

/**
 * R4.2–R4.6: a renewal, upgrade, downgrade or cancellation. The flex of the
 * closing period is invoiced (R5.3), remaining included credits are
 * forfeited and the new plan's granted; prepaid and packages are untouched
 * (R4.6: prepaid credits stay).
 */
export function planChange(state: CreditState, input: PlanChangeInput): LedgerStep & { flexCredits: bigint } {
  const flex = closeFlexPeriod(state);
  const included = resetIncluded(flex.state, input.includedCredits, input.includedExpiresAt);
  return { state: included.state, entries: [...flex.entries, ...included.entries], flexCredits: flex.flexCredits };
}

export interface LedgerBalances {
  included: bigint;
  prepaid: bigint;
  flexUsed: bigint;
  /** Remaining operations per purchase id. */
  packageOperations: Map<string, bigint>;
}

/** The balances the ledger adds up to: the invariant the live balances must always match. */
export function ledgerBalances(entries: readonly LedgerEntryDraft[]): LedgerBalances {
  const balances: LedgerBalances = { included: 0n, prepaid: 0n, flexUsed: 0n, packageOperations: new Map() };
  for (const entry of entries) {
    if (entry.source === "INCLUDED") balances.included += entry.amount;
    else if (entry.source === "PREPAID") balances.prepaid += entry.amount;
    else if (entry.source === "FLEX") balances.flexUsed += entry.amount;
    else if (entry.purchaseId !== undefined) {
      balances.packageOperations.set(entry.purchaseId, (balances.packageOperations.get(entry.purchaseId) ?? 0n) + (entry.operations ?? 0n));
    }
  }
  return balances;
}

/** Throws unless the state equals what the ledger adds up to and no source is negative. */
export function assertLedgerMatches(state: CreditState, entries: readonly LedgerEntryDraft[]): void {
  const sums = ledgerBalances(entries);
  const mismatch = (what: string, ledger: bigint, live: bigint) => new Error(`${what}: ledger says ${ledger}, balance is ${live}`);
  if (sums.included !== state.included.balance) throw mismatch("included", sums.included, state.included.balance);
  if (sums.prepaid !== state.prepaid) throw mismatch("prepaid", sums.prepaid, state.prepaid);
  if (sums.flexUsed !== state.flexUsed) throw mismatch("flex", sums.flexUsed, state.flexUsed);
  for (const [id, operations] of sums.packageOperations) {
    const live = state.packages.find((pkg) => pkg.id === id)?.remainingOperations ?? 0n;
    if (operations !== live) throw mismatch(`package ${id}`, operations, live);
  }
  for (const pkg of state.packages) {
    if (!sums.packageOperations.has(pkg.id)) throw mismatch(`package ${pkg.id}`, 0n, pkg.remainingOperations);
  }
  const negative = [state.included.balance, state.prepaid, state.flexUsed, ...state.packages.map((pkg) => pkg.remainingOperations)].some(
    (value) => value < 0n,
  );
  if (negative) throw new Error("a source went negative");
}

// ---------------------------------------------------------------- a metered call, one at a time

/** A workspace as the reference model of metering sees it. */
export interface ModelWorkspace {
  credits: CreditState;
  billingState: BillingState;
  flex: Pick<FlexFacts, "planFlexAllowed" | "payAsYouGo" | "hasCard" | "flexEnabled" | "spendCapCents"> & {
    autoTopUpCentsThisPeriod: bigint;
  };
  /** R3.1: the count of each operation type in each calendar month, by "year-month|type". */
  monthCounts: ReadonlyMap<string, bigint>;
  /** R9.1: what each idempotency key was charged. */
  charges: ReadonlyMap<string, { operations: bigint; credits: bigint; sources: SourceCredits }>;
  revokedKeys: ReadonlySet<string>;
}

export interface MeterStep {
  workspace: ModelWorkspace | undefined;
  outcome: DebitOutcome;
  entries: LedgerEntryDraft[];
}

/**
 * One metered call (R2.4, R3, R5, R8.3, R8.4, R9.1), decided on its own:
 * unknown workspace → refused; a key already charged → its first charge;
 * a revoked API key → refused; an unknown type → refused; retention →
 * refused; otherwise rated with the month's count, paid from the live sources
 * in order, or refused with nothing counted or charged.
 */
export function meterDebit(
  workspace: ModelWorkspace | undefined,
  request: DebitRequest,
  prices: ReadonlyMap<string, Tier[]>,
  creditsPerUsd: bigint,
): MeterStep {
  if (!workspace) return { workspace, outcome: { status: "refused", reason: "unknown_workspace", balance: null }, entries: [] };
  const balance = () =>
    balanceSnapshot(storedBalance(workspace.credits), workspace.credits.packages, request.at, (pkg) => pkg.operationType);
  const refused = (reason: Extract<DebitOutcome, { status: "refused" }>["reason"]): MeterStep => ({
    workspace,
    outcome: { status: "refused", reason, balance: reason === "key_revoked" ? null : balance() },
    entries: [],
  });
  const charge = workspace.charges.get(request.idempotencyKey);
  if (charge) return { workspace, outcome: { status: "charged", replayed: true, ...charge, balance: balance() }, entries: [] };
  if (request.apiKeyId && workspace.revokedKeys.has(request.apiKeyId)) return refused("key_revoked");
  const tiers = prices.get(request.operationType);
  if (!tiers) return refused("unknown_operation_type");
  if (workspace.billingState === "RETENTION" || workspace.billingState === "DELETED") return refused("retention");

  const monthKey = `${request.at.getUTCFullYear()}-${request.at.getUTCMonth() + 1}|${request.operationType}`;
  const rating = rateBatch(tiers, workspace.monthCounts.get(monthKey) ?? 0n, request.operations);
  const flex = flexFunding({
    ...workspace.flex,
    billingState: workspace.billingState,
    flexUsedThisPeriod: workspace.credits.flexUsed,
    creditsPerUsd,
  });
  const step = debit(workspace.credits, { rating, operationType: request.operationType, at: request.at, flex });
  if (!step.result.ok) return refused(step.result.reason);
  const { allocation } = step.result;
  const sources = { included: allocation.included, package: allocation.packageCredits, prepaid: allocation.prepaid, flex: allocation.flex };
  const next: ModelWorkspace = {
    ...workspace,
    credits: step.state,
    monthCounts: new Map(workspace.monthCounts).set(monthKey, (workspace.monthCounts.get(monthKey) ?? 0n) + request.operations),
    charges: new Map(workspace.charges).set(request.idempotencyKey, { operations: request.operations, credits: rating.credits, sources }),
  };
  return {
    workspace: next,
    outcome: {
      status: "charged",
      replayed: false,
      operations: request.operations,
      credits: rating.credits,
      sources,
      balance: balanceSnapshot(storedBalance(step.state), step.state.packages, request.at, (pkg) => pkg.operationType),
    },
    entries: step.entries,
  };
}
