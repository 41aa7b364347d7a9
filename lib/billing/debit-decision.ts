// The debit decision (R2.4, R3, R5, R8.3, R8.4, R9.1, R14.2): what each
// request of a batch gets, and every row the batch writes. Pure: the caller
// locks the workspaces' balances, reads the facts below under that lock,
// calls decideDebits once and writes what it returns in the same transaction
// (lib/db/ledger/debit.ts). Requests are decided in their order, each seeing
// what the ones before it spent and counted, so a batch decides exactly what
// the same debits one after another would (a property test holds it to the
// one-at-a-time reference model, ledger-model.ts).
import { balanceSnapshot, comparePackages, isPackageLive, liveIncluded, type BalanceSnapshot, type PackageQuota } from "./balances";
import { flexFunding, type BillingState } from "./flex";
import type { CreditSourceCode } from "./invoice-lines";
import { calendarMonthStart } from "./periods";
import { rateBatch, type Tier } from "./rating";
import { allocateDebit, type FundingState, type RefusalReason, type SourceOperations } from "./sources";

export interface DebitRequest {
  workspaceId: string;
  /** Operation type code, e.g. "predict". */
  operationType: string;
  operations: bigint;
  /** Applied once per workspace (R9.1): a second request with the key gets the first one's charge. */
  idempotencyKey: string;
  requestId: string;
  apiKeyId?: string | null;
  /** The instant the call was made: it rates the call (month, expiries) and stamps its rows. */
  at: Date;
}

/** Credits per source; they add up to the debit's credits (R9.2). */
export interface SourceCredits {
  included: bigint;
  package: bigint;
  prepaid: bigint;
  flex: bigint;
}

export type DebitRefusalReason = RefusalReason | "retention" | "unknown_workspace" | "unknown_operation_type" | "key_revoked";

export type DebitOutcome =
  | {
      status: "charged";
      replayed: boolean;
      operations: bigint;
      credits: bigint;
      sources: SourceCredits;
      balance: BalanceSnapshot;
      /** R7.2: this debit left prepaid below the auto top-up threshold (the runner charges, off the request's time). */
      autoTopUp?: true;
    }
  | { status: "refused"; reason: DebitRefusalReason; balance: BalanceSnapshot | null };

/** The operation types and their tiers (R3.3: from the catalog). */
export interface RatingCatalog {
  types: Map<string, { id: string; code: string; tiers: Tier[] }>;
  /** Operation type id → code. */
  byId: Map<string, string>;
}

export interface DebitContext {
  catalog: RatingCatalog;
  creditsPerUsd: bigint;
}

// ---------------------------------------------------------------- the locked state

export interface LockedPackage extends PackageQuota {
  operationTypeId: string;
}

/** A workspace as its locked CreditBalance row and the facts read with it say. */
export interface LockedWorkspace {
  workspaceId: string;
  included: bigint;
  includedExpiresAt: Date | null;
  prepaid: bigint;
  /** Flex used in the current flex period (R5.3), what the spend cap counts (R14.2). */
  flexUsed: bigint;
  billingState: BillingState;
  /** The plan allows flex (not Free); see FlexFacts. */
  planFlexAllowed: boolean;
  payAsYouGo: boolean;
  hasCard: boolean;
  flexEnabled: boolean;
  spendCapCents: number | null;
  /** R14.2: auto top-ups charged this flex period, in cents; they count against the spend cap with flex. */
  autoTopUpCentsThisPeriod: bigint;
  /** R7.2: the auto top-up threshold while auto top-up is on and armed, else null. */
  autoTopUpBelow?: bigint | null;
  /** Its package purchases with quota left (expired ones may be among them: the decision checks each at the request's instant). */
  packages: LockedPackage[];
}

/** R3.1: the month's count of an operation type before the batch. */
export interface MonthCounter {
  workspaceId: string;
  /** 00:00 UTC on the 1st. */
  month: Date;
  operationTypeId: string;
  operations: bigint;
}

/** A debit already recorded under an idempotency key (UsageEvent). */
export interface RecordedDebit {
  workspaceId: string;
  idempotencyKey: string;
  operations: bigint;
  credits: bigint;
  sources: SourceCredits;
}

export interface LockedDebitState {
  /** The batch's workspaces that exist; a request for any other is refused. */
  workspaces: readonly LockedWorkspace[];
  /** The month counters of the batch's workspaces and months (absent = 0). */
  counters: readonly MonthCounter[];
  /** Debits recorded earlier under the batch's idempotency keys. */
  replays: readonly RecordedDebit[];
  /** The batch's API keys that were revoked when the lock was taken (R9.1). */
  revokedKeys: readonly { workspaceId: string; apiKeyId: string }[];
}

// ---------------------------------------------------------------- what the batch writes

export interface UsageEventRow {
  workspaceId: string;
  occurredAt: Date;
  operationTypeId: string;
  operations: bigint;
  credits: bigint;
  includedCredits: bigint;
  packageCredits: bigint;
  prepaidCredits: bigint;
  flexCredits: bigint;
  apiKeyId: string | null;
  requestId: string;
  idempotencyKey: string;
}

/** A USAGE ledger row: spending is negative, flex counts up (R5.3); package rows carry their operations. */
export interface UsageLedgerRow {
  workspaceId: string;
  createdAt: Date;
  reason: "USAGE";
  source: CreditSourceCode;
  amount: bigint;
  operations: bigint | null;
  purchaseId: string | null;
  idempotencyKey: string;
  memo: string;
}

/** What the batch adds to one hourly rollup row (R8.1): credits and operations by source. */
export interface RollupIncrement {
  workspaceId: string;
  /** The start of the UTC hour. */
  hour: Date;
  operationTypeId: string;
  requests: bigint;
  operations: bigint;
  credits: bigint;
  includedCredits: bigint;
  packageCredits: bigint;
  prepaidCredits: bigint;
  flexCredits: bigint;
  freeOperations: bigint;
  includedOperations: bigint;
  packageOperations: bigint;
  prepaidOperations: bigint;
  flexOperations: bigint;
}

export interface DebitWrites {
  /** New balances of the workspaces the batch charged. */
  balances: { workspaceId: string; included: bigint; prepaid: bigint; flexUsed: bigint }[];
  /** New values of the month counters the batch changed. */
  counters: MonthCounter[];
  /** New quotas of the packages the batch drew on (0 = exhausted). */
  packages: { workspaceId: string; id: string; remainingOperations: bigint }[];
  usageEvents: UsageEventRow[];
  ledgerEntries: UsageLedgerRow[];
  /** Sorted by workspace, hour and operation type: the order the rows are locked in (as the statement job locks them). */
  rollups: RollupIncrement[];
}

export interface DebitDecision {
  /** One per request, in the order of the requests. */
  outcomes: DebitOutcome[];
  writes: DebitWrites;
}

const HOUR_MS = 3_600_000;
const key = (...parts: string[]) => parts.join("|");

interface Working extends LockedWorkspace {
  packages: (LockedPackage & { used: boolean })[];
  changed: boolean;
}

/** Decides a batch; `state` is left as it is. */
export function decideDebits(state: LockedDebitState, requests: readonly DebitRequest[], context: DebitContext): DebitDecision {
  const { catalog, creditsPerUsd } = context;
  const workspaces = new Map<string, Working>();
  for (const locked of state.workspaces) {
    workspaces.set(locked.workspaceId, {
      ...locked,
      // Sorted once (R6.2), so that the live ones come out in draw order without sorting per request.
      packages: locked.packages.map((pkg) => ({ ...pkg, used: false })).sort(comparePackages),
      changed: false,
    });
  }
  const counters = new Map<string, MonthCounter & { changed: boolean }>();
  for (const counter of state.counters) {
    counters.set(key(counter.workspaceId, counter.month.toISOString(), counter.operationTypeId), { ...counter, changed: false });
  }
  const replays = new Map<string, Omit<RecordedDebit, "workspaceId" | "idempotencyKey">>();
  for (const { workspaceId, idempotencyKey, operations, credits, sources } of state.replays) {
    replays.set(key(workspaceId, idempotencyKey), { operations, credits, sources });
  }
  const revoked = new Set(state.revokedKeys.map((k) => key(k.workspaceId, k.apiKeyId)));
  const typeOf = (pkg: LockedPackage) => catalog.byId.get(pkg.operationTypeId) ?? "";
  const snapshot = (ws: Working, at: Date) => balanceSnapshot(ws, ws.packages, at, typeOf);

  const outcomes: DebitOutcome[] = [];
  const usageEvents: UsageEventRow[] = [];
  const ledgerEntries: UsageLedgerRow[] = [];
  const rollups = new Map<string, RollupIncrement>();

  for (const request of requests) {
    const ws = workspaces.get(request.workspaceId);
    if (!ws) {
      outcomes.push({ status: "refused", reason: "unknown_workspace", balance: null });
      continue;
    }
    const replayKey = key(request.workspaceId, request.idempotencyKey);
    const replay = replays.get(replayKey);
    if (replay) {
      // R9.1: the key was applied before (or earlier in this batch): its charge, nothing more.
      outcomes.push({ status: "charged", replayed: true, ...replay, balance: snapshot(ws, request.at) });
      continue;
    }
    if (request.apiKeyId && revoked.has(key(request.workspaceId, request.apiKeyId))) {
      // R9.1: a key revoked before this transaction took the lock charges nothing, whatever a cache said.
      outcomes.push({ status: "refused", reason: "key_revoked", balance: null });
      continue;
    }
    const type = catalog.types.get(request.operationType);
    if (!type) {
      outcomes.push({ status: "refused", reason: "unknown_operation_type", balance: snapshot(ws, request.at) });
      continue;
    }
    if (ws.billingState === "RETENTION" || ws.billingState === "DELETED") {
      // R8.4: in retention every metered call is refused.
      outcomes.push({ status: "refused", reason: "retention", balance: snapshot(ws, request.at) });
      continue;
    }

    // R3.1, R3.2: rated with the count of this type in the request's calendar month.
    const month = calendarMonthStart(request.at);
    const counterKey = key(request.workspaceId, month.toISOString(), type.id);
    const countBefore = counters.get(counterKey)?.operations ?? 0n;
    const rating = rateBatch(type.tiers, countBefore, request.operations);
    // R5.1, R6.1: only live sources pay.
    const funding: FundingState = {
      included: { balance: liveIncluded(ws, request.at), expiresAt: ws.includedExpiresAt },
      packages: ws.packages.filter((pkg) => pkg.operationTypeId === type.id && isPackageLive(pkg, request.at)),
      prepaid: ws.prepaid,
      flex: flexFunding({
        // R4.4, R5.3, R5.5, R8.3, R14.2.
        planFlexAllowed: ws.planFlexAllowed,
        payAsYouGo: ws.payAsYouGo,
        hasCard: ws.hasCard,
        flexEnabled: ws.flexEnabled,
        billingState: ws.billingState,
        spendCapCents: ws.spendCapCents,
        flexUsedThisPeriod: ws.flexUsed,
        autoTopUpCentsThisPeriod: ws.autoTopUpCentsThisPeriod,
        creditsPerUsd,
      }),
    };
    const result = allocateDebit(rating, funding);
    if (!result.ok) {
      // R2.4 / R5.4: refused calls are neither counted nor charged.
      outcomes.push({ status: "refused", reason: result.reason, balance: snapshot(ws, request.at) });
      continue;
    }

    const { allocation } = result;
    const counter = counters.get(counterKey);
    if (counter) {
      counter.operations += request.operations;
      counter.changed = true;
    } else {
      counters.set(counterKey, {
        workspaceId: request.workspaceId,
        month,
        operationTypeId: type.id,
        operations: request.operations,
        changed: true,
      });
    }
    ws.included -= allocation.included;
    ws.prepaid -= allocation.prepaid;
    ws.flexUsed += allocation.flex;
    for (const draw of allocation.packages) {
      const pkg = ws.packages.find((held) => held.id === draw.id)!;
      pkg.remainingOperations -= draw.operations;
      pkg.used = true;
    }
    ws.changed = true;

    const sources: SourceCredits = {
      included: allocation.included,
      package: allocation.packageCredits,
      prepaid: allocation.prepaid,
      flex: allocation.flex,
    };
    usageEvents.push({
      workspaceId: request.workspaceId,
      occurredAt: request.at,
      operationTypeId: type.id,
      operations: request.operations,
      credits: rating.credits,
      includedCredits: sources.included,
      packageCredits: sources.package,
      prepaidCredits: sources.prepaid,
      flexCredits: sources.flex,
      apiKeyId: request.apiKeyId ?? null,
      requestId: request.requestId,
      idempotencyKey: request.idempotencyKey,
    });
    pushLedgerEntries(ledgerEntries, request, `${request.operations} ${type.code}`, allocation);
    addToRollup(rollups, request, type.id, rating.credits, sources, allocation.operations);

    replays.set(replayKey, { operations: request.operations, credits: rating.credits, sources });
    const below = ws.autoTopUpBelow ?? null;
    outcomes.push({
      status: "charged",
      replayed: false,
      operations: request.operations,
      credits: rating.credits,
      sources,
      balance: snapshot(ws, request.at),
      ...(below !== null && sources.prepaid > 0n && ws.prepaid < below ? { autoTopUp: true as const } : {}),
    });
  }

  const charged = [...workspaces.values()].filter((ws) => ws.changed);
  return {
    outcomes,
    writes: {
      balances: charged.map((ws) => ({ workspaceId: ws.workspaceId, included: ws.included, prepaid: ws.prepaid, flexUsed: ws.flexUsed })),
      counters: [...counters.values()]
        .filter((c) => c.changed)
        .map((c) => ({ workspaceId: c.workspaceId, month: c.month, operationTypeId: c.operationTypeId, operations: c.operations })),
      packages: charged.flatMap((ws) =>
        ws.packages
          .filter((p) => p.used)
          .map((p) => ({ workspaceId: ws.workspaceId, id: p.id, remainingOperations: p.remainingOperations })),
      ),
      usageEvents,
      ledgerEntries,
      rollups: [...rollups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, rollup]) => rollup),
    },
  };
}

/** R5: one ledger row per source that paid; a package row per package drawn on, keyed apart. */
function pushLedgerEntries(
  entries: UsageLedgerRow[],
  request: DebitRequest,
  memo: string,
  allocation: { included: bigint; prepaid: bigint; flex: bigint; packages: { id: string; operations: bigint; credits: bigint }[] },
) {
  const base = {
    workspaceId: request.workspaceId,
    createdAt: request.at,
    reason: "USAGE" as const,
    operations: null,
    purchaseId: null,
    idempotencyKey: request.idempotencyKey,
    memo,
  };
  if (allocation.included > 0n) entries.push({ ...base, source: "INCLUDED", amount: -allocation.included });
  for (const draw of allocation.packages) {
    entries.push({
      ...base,
      idempotencyKey: `${request.idempotencyKey}#${draw.id}`,
      source: "PACKAGE",
      amount: -draw.credits,
      operations: -draw.operations,
      purchaseId: draw.id,
    });
  }
  if (allocation.prepaid > 0n) entries.push({ ...base, source: "PREPAID", amount: -allocation.prepaid });
  // Flex is postpaid: usage adds to what the period will invoice (R5.3).
  if (allocation.flex > 0n) entries.push({ ...base, source: "FLEX", amount: allocation.flex });
}

function addToRollup(
  rollups: Map<string, RollupIncrement>,
  request: DebitRequest,
  operationTypeId: string,
  credits: bigint,
  sources: SourceCredits,
  operations: SourceOperations,
) {
  const hour = new Date(Math.floor(request.at.getTime() / HOUR_MS) * HOUR_MS);
  const rollupKey = key(request.workspaceId, hour.toISOString(), operationTypeId);
  let rollup = rollups.get(rollupKey);
  if (!rollup) {
    rollup = {
      workspaceId: request.workspaceId,
      hour,
      operationTypeId,
      requests: 0n,
      operations: 0n,
      credits: 0n,
      includedCredits: 0n,
      packageCredits: 0n,
      prepaidCredits: 0n,
      flexCredits: 0n,
      freeOperations: 0n,
      includedOperations: 0n,
      packageOperations: 0n,
      prepaidOperations: 0n,
      flexOperations: 0n,
    };
    rollups.set(rollupKey, rollup);
  }
  rollup.requests += 1n;
  rollup.operations += request.operations;
  rollup.credits += credits;
  rollup.includedCredits += sources.included;
  rollup.packageCredits += sources.package;
  rollup.prepaidCredits += sources.prepaid;
  rollup.flexCredits += sources.flex;
  rollup.freeOperations += operations.free;
  rollup.includedOperations += operations.included;
  rollup.packageOperations += operations.package;
  rollup.prepaidOperations += operations.prepaid;
  rollup.flexOperations += operations.flex;
}
