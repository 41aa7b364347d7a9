import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  decideDebits,
  type DebitContext,
  type DebitOutcome,
  type DebitRequest,
  type DebitWrites,
  type LockedDebitState,
  type LockedWorkspace,
  type RatingCatalog,
  type RecordedDebit,
  type RollupIncrement,
} from "./debit-decision";
import type { BillingState } from "./flex";
import {
  assertLedgerMatches,
  closeFlexPeriod,
  expirePackages,
  grantPackage,
  grantPrepaid,
  meterDebit,
  resetIncluded,
  type CreditState,
  type LedgerEntryDraft,
  type ModelWorkspace,
} from "./ledger-model";
import { calendarMonthStart } from "./periods";
import type { Tier } from "./rating";

const tiers: Record<string, Tier[]> = {
  predict: [
    { fromCount: 1n, toCount: 1_000n, creditsPerOp: 0n },
    { fromCount: 1_001n, toCount: 100_000n, creditsPerOp: 2_400n },
    { fromCount: 100_001n, toCount: null, creditsPerOp: 2_000n },
  ],
  search: [
    { fromCount: 1n, toCount: 1_000n, creditsPerOp: 0n },
    { fromCount: 1_001n, toCount: null, creditsPerOp: 1_000n },
  ],
  train: [{ fromCount: 1n, toCount: null, creditsPerOp: 20_000_000n }],
};
const typeId = (code: string) => `type-${code}`;
const catalog: RatingCatalog = {
  types: new Map(Object.entries(tiers).map(([code, t]) => [code, { id: typeId(code), code, tiers: t }])),
  byId: new Map(Object.keys(tiers).map((code) => [typeId(code), code])),
};
const prices = new Map(Object.entries(tiers));
const context: DebitContext = { catalog, creditsPerUsd: 2_000_000n };

const NOW = new Date("2026-11-10T12:00:00.000Z");
const LATER = new Date("2026-12-01T00:00:00.000Z");
const NOVEMBER = new Date("2026-11-01T00:00:00.000Z");

function workspace(overrides: Partial<LockedWorkspace> = {}): LockedWorkspace {
  return {
    workspaceId: "ws-1",
    included: 0n,
    includedExpiresAt: LATER,
    prepaid: 0n,
    flexUsed: 0n,
    billingState: "GOOD",
    planFlexAllowed: true,
    payAsYouGo: false,
    hasCard: false,
    flexEnabled: false,
    spendCapCents: null,
    autoTopUpCentsThisPeriod: 0n,
    packages: [],
    ...overrides,
  };
}

function state(overrides: Partial<LockedDebitState> = {}): LockedDebitState {
  return { workspaces: [workspace()], counters: [], replays: [], revokedKeys: [], ...overrides };
}

let keys = 0;
function request(operations: bigint, overrides: Partial<DebitRequest> = {}): DebitRequest {
  keys += 1;
  return {
    workspaceId: "ws-1",
    operationType: "predict",
    operations,
    idempotencyKey: `k${keys}`,
    requestId: `r${keys}`,
    at: NOW,
    ...overrides,
  };
}

/** Past the free tier: every predict costs 2,400. */
const pastFreeTier = [{ workspaceId: "ws-1", month: NOVEMBER, operationTypeId: typeId("predict"), operations: 5_000n }];

describe("the debit decision (R2.4, R3, R5, R8.4, R9.1, R14.2)", () => {
  it("R3.1 a batch counts as it goes: each request is rated after the ones before it", () => {
    const { outcomes, writes } = decideDebits(
      state({
        workspaces: [workspace({ included: 1_000_000n })],
        counters: [{ workspaceId: "ws-1", month: NOVEMBER, operationTypeId: typeId("predict"), operations: 995n }],
      }),
      [request(10n), request(10n)],
      context,
    );
    // 5 free + 5 × 2,400, then 10 × 2,400.
    expect(outcomes.map((o) => o.status === "charged" && o.credits)).toEqual([12_000n, 24_000n]);
    expect(writes.counters).toEqual([{ workspaceId: "ws-1", month: NOVEMBER, operationTypeId: typeId("predict"), operations: 1_015n }]);
    expect(writes.balances).toEqual([{ workspaceId: "ws-1", included: 1_000_000n - 36_000n, prepaid: 0n, flexUsed: 0n }]);
  });

  it("R3.2 a request of December is rated with December's count, not November's", () => {
    const { outcomes, writes } = decideDebits(
      state({ workspaces: [workspace({ included: 1_000_000n, includedExpiresAt: null })], counters: pastFreeTier }),
      [request(10n, { at: LATER })],
      context,
    );
    expect(outcomes[0]).toMatchObject({ status: "charged", credits: 0n });
    expect(writes.counters).toEqual([{ workspaceId: "ws-1", month: LATER, operationTypeId: typeId("predict"), operations: 10n }]);
  });

  it("R9.1 the same idempotency key twice in a batch is charged once; a key recorded earlier replays its charge", () => {
    const earlier: RecordedDebit = {
      workspaceId: "ws-1",
      idempotencyKey: "old",
      operations: 3n,
      credits: 7_200n,
      sources: { included: 7_200n, package: 0n, prepaid: 0n, flex: 0n },
    };
    const first = request(2n);
    const { outcomes, writes } = decideDebits(
      state({ workspaces: [workspace({ included: 100_000n })], counters: pastFreeTier, replays: [earlier] }),
      [first, { ...first, requestId: "retry" }, request(5n, { idempotencyKey: "old" })],
      context,
    );
    expect(outcomes.map((o) => o.status === "charged" && [o.replayed, o.credits])).toEqual([
      [false, 4_800n],
      [true, 4_800n],
      [true, 7_200n],
    ]);
    expect(writes.usageEvents.map((e) => e.idempotencyKey)).toEqual([first.idempotencyKey]);
    expect(writes.balances[0]!.included).toBe(100_000n - 4_800n);
  });

  it("R9.1 a revoked key, R8.4 retention, an unknown workspace or type: refused, nothing written", () => {
    const { outcomes, writes } = decideDebits(
      state({
        workspaces: [workspace({ included: 100_000n }), workspace({ workspaceId: "ws-2", billingState: "RETENTION", prepaid: 100_000n })],
        counters: pastFreeTier,
        revokedKeys: [{ workspaceId: "ws-1", apiKeyId: "key-revoked" }],
      }),
      [
        request(1n, { apiKeyId: "key-revoked" }),
        request(1n, { workspaceId: "ws-2" }),
        request(1n, { workspaceId: "ws-missing" }),
        request(1n, { operationType: "translate" }),
      ],
      context,
    );
    expect(outcomes.map((o) => o.status === "refused" && o.reason)).toEqual([
      "key_revoked",
      "retention",
      "unknown_workspace",
      "unknown_operation_type",
    ]);
    expect(outcomes[0]!.balance).toBeNull();
    expect(writes).toEqual<DebitWrites>({ balances: [], counters: [], packages: [], usageEvents: [], ledgerEntries: [], rollups: [] });
  });

  it("R5.1 included past its expiry pays nothing and shows 0, even before the period is reset", () => {
    const { outcomes } = decideDebits(
      state({ workspaces: [workspace({ included: 100_000n, includedExpiresAt: NOW, prepaid: 2_400n })], counters: pastFreeTier }),
      [request(1n), request(1n)],
      context,
    );
    expect(outcomes[0]).toMatchObject({
      status: "charged",
      sources: { included: 0n, prepaid: 2_400n },
      balance: { included: 0n, includedExpiresAt: NOW, prepaid: 0n },
    });
    // Nothing else pays, and this workspace has flex switched off.
    expect(outcomes[1]).toMatchObject({ status: "refused", reason: "flex_off", balance: { included: 0n } });
  });

  it("R6.1 a package at its expiry instant pays nothing and is no longer shown; R6.2 the live one pays and is drawn down", () => {
    const { outcomes, writes } = decideDebits(
      state({
        workspaces: [
          workspace({
            packages: [
              { id: "p-expired", operationTypeId: typeId("predict"), remainingOperations: 50n, expiresAt: NOW },
              { id: "p-live", operationTypeId: typeId("predict"), remainingOperations: 4n, expiresAt: LATER },
            ],
          }),
        ],
        counters: pastFreeTier,
      }),
      [request(4n)],
      context,
    );
    expect(outcomes[0]).toMatchObject({
      status: "charged",
      sources: { package: 9_600n },
      balance: { packages: [] },
    });
    expect(writes.packages).toEqual([{ workspaceId: "ws-1", id: "p-live", remainingOperations: 0n }]);
    expect(writes.ledgerEntries).toMatchObject([{ source: "PACKAGE", amount: -9_600n, operations: -4n, purchaseId: "p-live" }]);
  });

  it("R14.2 auto top-ups of the period count against the spend cap together with flex", () => {
    // A 2 ¢ cap is 40,000 credits; 1 ¢ of auto top-up leaves 20,000 for flex: 8 × 2,400 fit, 9 do not.
    const capped = (autoTopUpCentsThisPeriod: bigint) =>
      workspace({ flexEnabled: true, spendCapCents: 2, autoTopUpCentsThisPeriod, includedExpiresAt: null });
    const decide = (ws: LockedWorkspace, operations: bigint) =>
      decideDebits(state({ workspaces: [ws], counters: pastFreeTier }), [request(operations)], context).outcomes[0];
    expect(decide(capped(0n), 9n)).toMatchObject({ status: "charged", sources: { flex: 21_600n } });
    expect(decide(capped(1n), 9n)).toMatchObject({ status: "refused", reason: "spend_cap" });
    expect(decide(capped(1n), 8n)).toMatchObject({ status: "charged", sources: { flex: 19_200n } });
  });

  it("R8.1 adds each debit to its hour's rollup with credits and operations by source, rows in lock order", () => {
    const { writes } = decideDebits(
      state({
        workspaces: [workspace({ workspaceId: "ws-b", included: 50_000n, prepaid: 1_000_000n }), workspace({ workspaceId: "ws-a" })],
      }),
      [
        request(1_032n, { workspaceId: "ws-b", at: new Date("2026-11-10T12:30:00Z") }),
        request(10n, { workspaceId: "ws-b", operationType: "search", at: new Date("2026-11-10T11:59:59Z") }),
        request(5n, { workspaceId: "ws-a" }),
      ],
      context,
    );
    expect(writes.rollups.map((r) => [r.workspaceId, r.hour.toISOString(), r.operationTypeId])).toEqual([
      ["ws-a", "2026-11-10T12:00:00.000Z", typeId("predict")],
      ["ws-b", "2026-11-10T11:00:00.000Z", typeId("search")],
      ["ws-b", "2026-11-10T12:00:00.000Z", typeId("predict")],
    ]);
    // 1,000 free; 32 × 2,400 = 76,800: included 50,000 completes 20 and starts the 21st, prepaid 26,800 completes 12.
    expect(writes.rollups[2]).toMatchObject<Partial<RollupIncrement>>({
      requests: 1n,
      operations: 1_032n,
      credits: 76_800n,
      includedCredits: 50_000n,
      prepaidCredits: 26_800n,
      freeOperations: 1_000n,
      includedOperations: 20n,
      prepaidOperations: 12n,
      packageOperations: 0n,
      flexOperations: 0n,
    });
  });

  it("leaves the state it was given as it was", () => {
    const given = state({
      workspaces: [
        workspace({
          included: 10_000n,
          packages: [{ id: "p", operationTypeId: typeId("predict"), remainingOperations: 2n, expiresAt: LATER }],
        }),
      ],
      counters: pastFreeTier,
    });
    const copy = structuredClone(given);
    decideDebits(given, [request(3n), request(1n)], context);
    expect(given).toEqual(copy);
  });
});

// ---------------------------------------------------------------- the decision equals the reference model

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WORKSPACES = ["ws-1", "ws-2", "ws-3"];

interface Settings {
  billingState: BillingState;
  planFlexAllowed: boolean;
  payAsYouGo: boolean;
  hasCard: boolean;
  flexEnabled: boolean;
  spendCapCents: number | null;
  autoTopUpCentsThisPeriod: bigint;
}

/** What the database holds of a workspace: the rows the decision's writes are applied to. */
interface Stored {
  settings: Settings;
  credits: CreditState;
  counters: Map<string, bigint>;
  events: Map<string, RecordedDebit>;
  ledger: LedgerEntryDraft[];
  rollups: RollupIncrement[];
}

type Action =
  | { kind: "batch"; requests: { ws: number; type: string; operations: bigint; key: number; apiKey: number; minutes: number }[] }
  | { kind: "advance"; hours: number }
  | { kind: "prepaid"; ws: number; credits: bigint }
  | { kind: "package"; ws: number; type: string; operations: bigint; days: number }
  | { kind: "reset"; ws: number; credits: bigint; days: number }
  | { kind: "expire" }
  | { kind: "flexClose"; ws: number };

const wsIndex = fc.integer({ min: 0, max: WORKSPACES.length });
const requestArbitrary = fc.record({
  // Now and then a workspace that does not exist (the last index), an unknown type, a revoked key.
  ws: fc.oneof({ weight: 12, arbitrary: fc.integer({ min: 0, max: WORKSPACES.length - 1 }) }, fc.constant(WORKSPACES.length)),
  type: fc.constantFrom("predict", "predict", "predict", "search", "search", "train", "translate"),
  operations: fc.oneof(fc.bigInt({ min: 1n, max: 60n }), fc.noBias(fc.bigInt({ min: 300n, max: 1_500n }))),
  key: fc.integer({ min: 0, max: 40 }),
  apiKey: fc.constantFrom(0, 0, 0, 1, 1, 2),
  minutes: fc.integer({ min: 0, max: 90 }),
});
const actionArbitrary: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({ kind: fc.constant("batch" as const), requests: fc.array(requestArbitrary, { minLength: 1, maxLength: 8 }) }),
  },
  fc.record({ kind: fc.constant("advance" as const), hours: fc.integer({ min: 1, max: 24 * 12 }) }),
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant("prepaid" as const), ws: wsIndex, credits: fc.noBias(fc.bigInt({ min: 1n, max: 500_000n })) }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("package" as const),
      ws: wsIndex,
      type: fc.constantFrom("predict", "search"),
      operations: fc.noBias(fc.bigInt({ min: 1n, max: 400n })),
      days: fc.integer({ min: 1, max: 40 }),
    }),
  },
  fc.record({
    kind: fc.constant("reset" as const),
    ws: wsIndex,
    credits: fc.noBias(fc.bigInt({ min: 0n, max: 300_000n })),
    days: fc.integer({ min: 1, max: 31 }),
  }),
  fc.record({ kind: fc.constant("expire" as const) }),
  fc.record({ kind: fc.constant("flexClose" as const), ws: wsIndex }),
);
const settingsArbitrary: fc.Arbitrary<Settings> = fc.record({
  billingState: fc.constantFrom<BillingState>("GOOD", "GOOD", "GOOD", "GOOD", "GRACE", "RETENTION"),
  planFlexAllowed: fc.constantFrom(true, true, false),
  payAsYouGo: fc.constantFrom(false, false, true),
  hasCard: fc.boolean(),
  flexEnabled: fc.constantFrom(true, true, false),
  spendCapCents: fc.option(fc.integer({ min: 0, max: 30 }), { nil: null }),
  autoTopUpCentsThisPeriod: fc.bigInt({ min: 0n, max: 10n }),
});

const counterKey = (month: Date, operationTypeId: string) => `${month.toISOString()}|${operationTypeId}`;

/** What the read layer hands the decision: the batch's workspaces, with their packages that have quota left, counters, replays, revoked keys. */
function lockedState(stored: Map<string, Stored>, requests: readonly DebitRequest[]): LockedDebitState {
  const ids = [...new Set(requests.map((r) => r.workspaceId))].filter((id) => stored.has(id));
  return {
    workspaces: ids.map((id) => {
      const { settings, credits } = stored.get(id)!;
      return {
        workspaceId: id,
        included: credits.included.balance,
        includedExpiresAt: credits.included.expiresAt,
        prepaid: credits.prepaid,
        flexUsed: credits.flexUsed,
        ...settings,
        packages: credits.packages
          .filter((p) => p.remainingOperations > 0n)
          .map((p) => ({
            id: p.id,
            operationTypeId: typeId(p.operationType),
            remainingOperations: p.remainingOperations,
            expiresAt: p.expiresAt,
          })),
      };
    }),
    counters: ids.flatMap((id) =>
      [...stored.get(id)!.counters].map(([k, operations]) => {
        const [month, operationTypeId] = k.split("|") as [string, string];
        return { workspaceId: id, month: new Date(month), operationTypeId, operations };
      }),
    ),
    replays: ids.flatMap((id) => [...stored.get(id)!.events.values()]),
    revokedKeys: ids.map((id) => ({ workspaceId: id, apiKeyId: "key-revoked" })),
  };
}

/** What the SQL write does with the decision's rows. */
function applyWrites(stored: Map<string, Stored>, writes: DebitWrites): void {
  for (const balance of writes.balances) {
    const ws = stored.get(balance.workspaceId)!;
    ws.credits = {
      ...ws.credits,
      included: { ...ws.credits.included, balance: balance.included },
      prepaid: balance.prepaid,
      flexUsed: balance.flexUsed,
    };
  }
  for (const pkg of writes.packages) {
    const ws = stored.get(pkg.workspaceId)!;
    ws.credits = {
      ...ws.credits,
      packages: ws.credits.packages.map((p) => (p.id === pkg.id ? { ...p, remainingOperations: pkg.remainingOperations } : p)),
    };
  }
  for (const counter of writes.counters)
    stored.get(counter.workspaceId)!.counters.set(counterKey(counter.month, counter.operationTypeId), counter.operations);
  for (const event of writes.usageEvents) {
    const ws = stored.get(event.workspaceId)!;
    // R9.1 each idempotency key is applied once: UsageEvent is unique per workspace and key.
    expect(ws.events.has(event.idempotencyKey)).toBe(false);
    ws.events.set(event.idempotencyKey, {
      workspaceId: event.workspaceId,
      idempotencyKey: event.idempotencyKey,
      operations: event.operations,
      credits: event.credits,
      sources: { included: event.includedCredits, package: event.packageCredits, prepaid: event.prepaidCredits, flex: event.flexCredits },
    });
  }
  for (const entry of writes.ledgerEntries) stored.get(entry.workspaceId)!.ledger.push(draftOf(entry));
  for (const rollup of writes.rollups) stored.get(rollup.workspaceId)!.rollups.push(rollup);
}

function draftOf(entry: DebitWrites["ledgerEntries"][number]): LedgerEntryDraft {
  const draft: LedgerEntryDraft = { source: entry.source, amount: entry.amount, reason: entry.reason };
  if (entry.operations !== null) draft.operations = entry.operations;
  if (entry.purchaseId !== null) draft.purchaseId = entry.purchaseId;
  return draft;
}

describe("the debit decision over random histories equals the reference model, one request at a time (R3, R5, R6, R9.1, property)", () => {
  it("same outcomes, same ledger rows, same balances; ledger sums equal balances; sources add up; each key applied once", () => {
    fc.assert(
      fc.property(
        fc.array(settingsArbitrary, { minLength: 3, maxLength: 3 }),
        fc.array(actionArbitrary, { minLength: 5, maxLength: 40 }),
        (settings, actions) => {
          let now = new Date("2026-11-20T00:00:00.000Z").getTime();
          const stored = new Map<string, Stored>();
          const model = new Map<string, ModelWorkspace>();
          WORKSPACES.forEach((id, index) => {
            const credits = resetIncluded(
              { included: { balance: 0n, expiresAt: null }, packages: [], prepaid: 0n, flexUsed: 0n },
              200_000n,
              new Date(now + 5 * DAY),
            );
            const s = settings[index]!;
            // November's predict count is past the free tier from the start (R3.1), so that the sources are put to work at once.
            const counters = new Map([[counterKey(new Date("2026-11-01T00:00:00.000Z"), typeId("predict")), 5_000n]]);
            stored.set(id, { settings: s, credits: credits.state, counters, events: new Map(), ledger: [...credits.entries], rollups: [] });
            const { autoTopUpCentsThisPeriod, billingState, ...flex } = s;
            model.set(id, {
              credits: credits.state,
              billingState,
              flex: { ...flex, autoTopUpCentsThisPeriod },
              monthCounts: new Map([["2026-11|predict", 5_000n]]),
              charges: new Map(),
              revokedKeys: new Set(["key-revoked"]),
            });
          });
          let nextPackage = 1;
          // A grant, reset or expiry: the same movement on both sides.
          const move = (id: string | undefined, step: (credits: CreditState) => { state: CreditState; entries: LedgerEntryDraft[] }) => {
            if (!id || !stored.has(id)) return;
            const ws = stored.get(id)!;
            const moved = step(ws.credits);
            ws.credits = moved.state;
            ws.ledger.push(...moved.entries);
            model.set(id, { ...model.get(id)!, credits: step(model.get(id)!.credits).state });
          };

          for (const action of actions) {
            if (action.kind === "advance") now += action.hours * HOUR;
            else if (action.kind === "prepaid") move(WORKSPACES[action.ws], (c) => grantPrepaid(c, action.credits));
            else if (action.kind === "package") {
              const pkg = {
                id: `p${nextPackage++}`,
                operationType: action.type,
                remainingOperations: action.operations,
                expiresAt: new Date(now + action.days * DAY),
              };
              move(WORKSPACES[action.ws], (c) => grantPackage(c, pkg));
            } else if (action.kind === "reset")
              move(WORKSPACES[action.ws], (c) => resetIncluded(c, action.credits, new Date(now + action.days * DAY)));
            else if (action.kind === "expire") for (const id of WORKSPACES) move(id, (c) => expirePackages(c, new Date(now)));
            else if (action.kind === "flexClose") move(WORKSPACES[action.ws], (c) => closeFlexPeriod(c));
            else {
              const requests: DebitRequest[] = action.requests.map((r, index) => ({
                workspaceId: WORKSPACES[r.ws] ?? "ws-missing",
                operationType: r.type,
                operations: r.type === "train" ? (r.operations % 3n) + 1n : r.operations,
                idempotencyKey: `key-${r.key}`,
                requestId: `req-${index}`,
                apiKeyId: [null, "key-live", "key-revoked"][r.apiKey],
                at: new Date(now + r.minutes * 60_000),
              }));
              const decision = decideDebits(lockedState(stored, requests), requests, context);
              applyWrites(stored, decision.writes);

              // The model, one request after another.
              const expectedOutcomes: DebitOutcome[] = [];
              const expectedEntries: LedgerEntryDraft[] = [];
              for (const r of requests) {
                const step = meterDebit(model.get(r.workspaceId), r, prices, context.creditsPerUsd);
                if (step.workspace) model.set(r.workspaceId, step.workspace);
                expectedOutcomes.push(step.outcome);
                expectedEntries.push(...step.entries);
              }
              expect(decision.outcomes).toEqual(expectedOutcomes);
              expect(decision.writes.ledgerEntries.map(draftOf)).toEqual(expectedEntries);

              for (const [index, outcome] of decision.outcomes.entries()) {
                if (outcome.status !== "charged") continue;
                const { included, package: pkg, prepaid, flex } = outcome.sources;
                expect(included + pkg + prepaid + flex).toBe(outcome.credits);
                if (!outcome.replayed) expect(outcome.operations).toBe(requests[index]!.operations);
              }
            }

            for (const id of WORKSPACES) {
              const ws = stored.get(id)!;
              expect(ws.credits).toEqual(model.get(id)!.credits);
              // The ledger sums to the balances and no source is negative.
              assertLedgerMatches(ws.credits, ws.ledger);
              // The rollups hold every charge once: credits and operations by source add up to the events'.
              const events = [...ws.events.values()];
              const sum = (values: bigint[]) => values.reduce((a, b) => a + b, 0n);
              expect(sum(ws.rollups.map((r) => r.credits))).toBe(sum(events.map((e) => e.credits)));
              expect(sum(ws.rollups.map((r) => r.operations))).toBe(sum(events.map((e) => e.operations)));
              for (const r of ws.rollups) {
                expect(r.includedCredits + r.packageCredits + r.prepaidCredits + r.flexCredits).toBe(r.credits);
                expect(r.freeOperations + r.includedOperations + r.packageOperations + r.prepaidOperations + r.flexOperations).toBe(
                  r.operations,
                );
              }
              // R3.1 the month counters count every charged operation of their month.
              for (const [k, operations] of ws.counters) {
                const [month] = k.split("|");
                expect(operations).toBeGreaterThan(0n);
                expect(calendarMonthStart(new Date(month!)).toISOString()).toBe(month);
              }
              expect(sum([...ws.counters.values()])).toBe(5_000n + sum(events.map((e) => e.operations)));
            }
          }
        },
      ),
      { numRuns: 250 },
    );
  });
});
