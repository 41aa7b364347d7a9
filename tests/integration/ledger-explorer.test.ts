import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { debitBatch, loadRatingCatalog, type DebitContext, type DebitRequest } from "@/lib/db/ledger/debit";
import { expirePackage, grantPrepaid, settleFlex } from "@/lib/db/ledger/grants";
import {
  InvalidLedgerCursorError,
  LEDGER_KINDS,
  LEDGER_SOURCES,
  encodeLedgerCursor,
  listLedgerEntries,
  type LedgerExplorerEntry,
  type LedgerFilters,
} from "@/lib/db/queries/ledger-explorer";
import { buyCredits } from "@/lib/payments/top-ups";
import { TestGateway } from "@/lib/payments/test-gateway";
import { createTestDatabase, type TestDatabase } from "../helpers/test-db";
import { loadCatalog, makeWorkspace } from "../helpers/factories";

// The ledger explorer of the Credits page (R10, R5): one workspace's whole
// history — the period's included credits, a forfeit, a package bought and
// expired, a top-up with its receipt, support grants, debits split across
// sources (some sharing one instant with each other and with a grant), the
// flex moved onto an invoice — read back page by page through every filter.

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = new Date("2026-11-10T00:00:00.000Z");
const at = (ms: number) => new Date(T0.getTime() + ms);
const CREDITS_PER_USD = 2_000_000n;
const TIES = ["tie-7", "tie-6", "tie-5", "tie-4", "tie-3", "tie-2", "tie-1", "tie-0"];

describe("the ledger explorer (R10, R5)", () => {
  let database: TestDatabase;
  let context: DebitContext;
  let workspaceId: string;
  let otherId: string;
  let all: LedgerExplorerEntry[];
  let receiptNumber: string;

  const debit = (requests: Omit<DebitRequest, "requestId">[]) =>
    debitBatch(
      database.prisma,
      requests.map((r) => ({ ...r, requestId: `req_${r.idempotencyKey}` })),
      context,
    );
  const list = (filters: LedgerFilters = {}, extra: { cursor?: string; direction?: "older" | "newer"; limit?: number } = {}) =>
    listLedgerEntries(database.prisma, { workspaceId, filters, limit: 100, ...extra });

  beforeAll(async () => {
    database = await createTestDatabase();
    await loadCatalog(database.prisma);
    context = { catalog: await loadRatingCatalog(database.prisma), creditsPerUsd: CREDITS_PER_USD };
    const gateway = new TestGateway(
      async () => database.prisma,
      () => "http://localhost:3000",
    );

    // At T0 (one instant): the plan's included credits, replaced by 30M (a forfeit), and a 50-operation predict package.
    const ws = await makeWorkspace(database.prisma, {
      now: T0,
      included: 30_000_000n,
      flexEnabled: true,
      card: true,
      packages: [{ code: "predict_100k_month", expiresAt: at(5 * DAY), operations: 50n }],
    });
    workspaceId = ws.id;
    const topUp = await buyCredits(database.prisma, gateway, {
      workspaceId,
      amountCents: 2_000,
      requestId: "ledger-top-up",
      actor: { id: null, email: "owner@test.dev", role: "OWNER" },
      now: at(HOUR),
      creditsPerUsd: CREDITS_PER_USD,
    });
    receiptNumber = (
      await database.prisma.invoice.findFirstOrThrow({
        where: { workspaceId, kind: "TOP_UP" },
        select: { number: true },
      })
    ).number;
    expect(topUp.credits).toBe(40_000_000n);
    await database.prisma.$transaction((tx) =>
      grantPrepaid(tx, {
        workspaceId,
        credits: 5_000_000n,
        kind: "SUPPORT",
        idempotencyKey: "support:goodwill",
        reason: "Goodwill for the outage",
        at: at(1.5 * HOUR),
      }),
    );
    // The month's first 1,000 predict calls are free (R3.1): no credits moved, no entry.
    await debit([{ workspaceId, operationType: "predict", operations: 1000n, idempotencyKey: "free", at: at(2 * HOUR) }]);
    // 40 predict from the package (R5.1), then 4 train across included, prepaid and flex.
    await debit([{ workspaceId, operationType: "predict", operations: 40n, idempotencyKey: "predict-40", at: at(3 * HOUR) }]);
    await debit([{ workspaceId, operationType: "train", operations: 4n, idempotencyKey: "train-4", at: at(4 * HOUR) }]);
    // Eight debits and a grant at one instant (their row ids cross from one digit to two).
    await debit(
      Array.from({ length: 8 }, (_, i) => ({
        workspaceId,
        operationType: "train",
        operations: 1n,
        idempotencyKey: `tie-${i}`,
        at: at(5 * HOUR),
      })),
    );
    await database.prisma.$transaction(async (tx) => {
      await grantPrepaid(tx, { workspaceId, credits: 1_000n, kind: "SUPPORT", idempotencyKey: "support:tie", at: at(5 * HOUR) });
      const purchase = await tx.packagePurchase.findFirstOrThrow({ where: { workspaceId }, select: { id: true } });
      await expirePackage(tx, { workspaceId, purchaseId: purchase.id, at: at(5 * DAY) });
      await settleFlex(tx, { workspaceId, at: at(7 * DAY), idempotencyKey: "flex:period-1", nextPeriodStart: at(7 * DAY) });
    });

    // Another workspace with entries at the same instants.
    const other = await makeWorkspace(database.prisma, { now: T0, prepaid: 500_000_000n });
    otherId = other.id;
    await debit([{ workspaceId: otherId, operationType: "train", operations: 2n, idempotencyKey: "tie-0", at: at(5 * HOUR) }]);

    all = (await list()).entries;
  }, 120_000);

  afterAll(async () => {
    await database?.close();
  });

  it("lists every entry newest first, at one instant debits before the other entries", async () => {
    expect(all.map((e) => [e.at.getTime() - T0.getTime(), e.kind])).toEqual([
      [7 * DAY, "flex-invoiced"],
      [5 * DAY, "expiry"],
      ...Array.from({ length: 8 }, () => [5 * HOUR, "usage"]),
      [5 * HOUR, "grant"],
      [4 * HOUR, "usage"],
      [3 * HOUR, "usage"],
      [1.5 * HOUR, "grant"],
      [HOUR, "top-up"],
      // The package, the new included credits, the forfeit of the plan's, the plan's: last written first.
      [0, "package"],
      [0, "included"],
      [0, "forfeit"],
      [0, "included"],
    ]);
    expect(new Set(all.map((e) => e.key)).size).toBe(all.length);
    // The eight debits of one instant, the last written first.
    expect(all.slice(2, 10).map((e) => e.idempotencyKey)).toEqual(TIES);
    // The free-tier call moved no credits.
    expect(all.some((e) => e.idempotencyKey === "free")).toBe(false);
  });

  it("shows each debit's split by source, adding up to its credits exactly, as its ledger rows say", async () => {
    const debits = all.filter((e) => e.kind === "usage");
    for (const entry of debits) {
      const { included, package: pkg, prepaid, flex } = entry.split!;
      expect(included + pkg + prepaid + flex).toBe(entry.credits);
      const rows = await database.prisma.ledgerEntry.findMany({
        where: { workspaceId, reason: "USAGE", idempotencyKey: { startsWith: entry.idempotencyKey } },
        select: { source: true, amount: true },
      });
      const paid = (source: string) =>
        rows.filter((r) => r.source === source).reduce((sum, r) => sum + (r.amount < 0n ? -r.amount : r.amount), 0n);
      expect({ included: paid("INCLUDED"), package: paid("PACKAGE"), prepaid: paid("PREPAID"), flex: paid("FLEX") }).toEqual(entry.split);
    }
    const predict = debits.find((e) => e.idempotencyKey === "predict-40")!;
    expect(predict).toMatchObject({
      operations: 40n,
      credits: 96_000n,
      operationType: { code: "predict", name: "Predict" },
      split: { included: 0n, package: 96_000n, prepaid: 0n, flex: 0n },
    });
    // 80M: the 30M included, all 45M prepaid, 5M flex (R5 order).
    const train = debits.find((e) => e.idempotencyKey === "train-4")!;
    expect(train).toMatchObject({
      operations: 4n,
      credits: 80_000_000n,
      split: { included: 30_000_000n, package: 0n, prepaid: 45_000_000n, flex: 5_000_000n },
    });
  });

  it("names what each other entry moved and where it came from", () => {
    const byKind = (kind: string) => all.filter((e) => e.kind === kind);
    expect(byKind("top-up")).toEqual([
      expect.objectContaining({ source: "prepaid", credits: 40_000_000n, invoiceNumber: receiptNumber, split: null }),
    ]);
    expect(byKind("grant").map((e) => [e.credits, e.note])).toEqual([
      [1_000n, ""],
      [5_000_000n, "Goodwill for the outage"],
    ]);
    expect(byKind("package")).toEqual([
      expect.objectContaining({
        source: "package",
        operations: 50n,
        packageName: "100,000 predict · 1 month",
        operationType: expect.objectContaining({ code: "predict" }),
      }),
    ]);
    expect(byKind("expiry")).toEqual([
      expect.objectContaining({ source: "package", operations: -10n, packageName: "100,000 predict · 1 month" }),
    ]);
    expect(byKind("included").map((e) => e.credits)).toEqual([30_000_000n, 750_000_000n]);
    expect(byKind("forfeit").map((e) => e.credits)).toEqual([-750_000_000n]);
    // 5M flex of the train debit and 8 × 20M of the tied ones moved onto the period's invoice.
    expect(byKind("flex-invoiced").map((e) => [e.source, e.credits])).toEqual([["flex", -165_000_000n]]);
  });

  it("narrows to each kind, exactly the entries of that kind", async () => {
    for (const kind of LEDGER_KINDS) {
      const { entries } = await list({ kind });
      expect([kind, entries.map((e) => e.key)]).toEqual([kind, all.filter((e) => e.kind === kind).map((e) => e.key)]);
    }
    expect((await list({ kind: "usage" })).entries).toHaveLength(10);
    expect((await list({ kind: "correction" })).entries).toEqual([]);
  });

  it("narrows to a source: the debits it paid part of and the movements of that source", async () => {
    const counts: Record<string, number> = {};
    for (const source of LEDGER_SOURCES) {
      const { entries } = await list({ source });
      const expected = all.filter((e) => (e.split ? e.split[source] > 0n : e.source === source));
      expect([source, entries.map((e) => e.key)]).toEqual([source, expected.map((e) => e.key)]);
      counts[source] = entries.length;
    }
    // included: the train debit, two grants, the forfeit; package: the predict debit, bought, expired;
    // prepaid: the train debit, the top-up, two grants; flex: nine debits and the invoiced flex.
    expect(counts).toEqual({ included: 4, package: 3, prepaid: 4, flex: 10 });
  });

  it("narrows to an operation type: its debits and its packages", async () => {
    const predict = await list({ operationType: "predict" });
    expect(predict.entries.map((e) => e.kind)).toEqual(["expiry", "usage", "package"]);
    const train = await list({ operationType: "train" });
    expect(train.entries.map((e) => e.idempotencyKey)).toEqual([...TIES, "train-4"]);
    expect((await list({ operationType: "search" })).entries).toEqual([]);
  });

  it("narrows to dates: from inclusive, to exclusive, and combines filters", async () => {
    const window = await list({ from: at(3 * HOUR), to: at(5 * HOUR) });
    expect(window.entries.map((e) => e.idempotencyKey)).toEqual(["train-4", "predict-40"]);
    const fromTie = await list({ from: at(5 * HOUR) });
    expect(fromTie.entries).toHaveLength(11);
    expect((await list({ to: at(HOUR) })).entries.map((e) => e.kind)).toEqual(["package", "included", "forfeit", "included"]);
    const flexDebits = await list({ kind: "usage", source: "flex", to: at(5 * HOUR) });
    expect(flexDebits.entries.map((e) => e.idempotencyKey)).toEqual(["train-4"]);
  });

  it("visits every entry exactly once page by page, through ties, older and back newer", async () => {
    for (const limit of [1, 2, 3, 4, 5, 7, 18, 19, 20]) {
      const pages: LedgerExplorerEntry[][] = [];
      let page = await list({}, { limit });
      expect(page.newerCursor).toBeNull();
      pages.push(page.entries);
      while (page.olderCursor) {
        page = await list({}, { limit, cursor: page.olderCursor });
        expect(page.newerCursor).not.toBeNull();
        pages.push(page.entries);
      }
      const visited = pages.flat().map((e) => e.key);
      expect([limit, visited]).toEqual([limit, all.map((e) => e.key)]);
      expect(pages.slice(0, -1).every((p) => p.length === limit)).toBe(true);

      // Back towards the newest: the same pages in reverse, the newest with nothing newer.
      const back: string[][] = [];
      let cursor = page.newerCursor;
      while (cursor) {
        const newer = await list({}, { limit, cursor, direction: "newer" });
        back.push(newer.entries.map((e) => e.key));
        cursor = newer.newerCursor;
      }
      expect([limit, back]).toEqual([
        limit,
        pages
          .slice(0, -1)
          .reverse()
          .map((p) => p.map((e) => e.key)),
      ]);
    }
  });

  it("pages through a filter the same way", async () => {
    const visited: string[] = [];
    let page = await list({ source: "flex" }, { limit: 3 });
    visited.push(...page.entries.map((e) => e.key));
    while (page.olderCursor) {
      page = await list({ source: "flex" }, { limit: 3, cursor: page.olderCursor });
      visited.push(...page.entries.map((e) => e.key));
    }
    expect(visited).toEqual((await list({ source: "flex" })).entries.map((e) => e.key));
  });

  it("never shows another workspace's entries", async () => {
    const keys = new Set(all.map((e) => e.key));
    const other = (await listLedgerEntries(database.prisma, { workspaceId: otherId, limit: 100 })).entries;
    expect(other.length).toBeGreaterThan(0);
    expect(other.some((e) => keys.has(e.key))).toBe(false);
    // Its debit shares an idempotency key and an instant with ours; ours shows ours only.
    expect(all.filter((e) => e.idempotencyKey === "tie-0").map((e) => e.credits)).toEqual([20_000_000n]);
    expect(other.find((e) => e.idempotencyKey === "tie-0")?.credits).toBe(40_000_000n);
    // A cursor of our pages read on the other workspace still shows only the other's entries.
    const page = await list({}, { limit: 3 });
    const across = await listLedgerEntries(database.prisma, { workspaceId: otherId, cursor: page.olderCursor!, limit: 100 });
    expect(across.entries.every((e) => !keys.has(e.key))).toBe(true);
  });

  it("refuses a cursor that is not one of its own, with a clear message", async () => {
    const bad = [
      "not a cursor",
      "",
      Buffer.from("x.1.1").toString("base64url"),
      Buffer.from("u.abc.1").toString("base64url"),
      Buffer.from("u.1.99999999999999999999").toString("base64url"),
      "A".repeat(500),
    ];
    for (const cursor of bad) {
      await expect(list({}, { cursor })).rejects.toThrow(InvalidLedgerCursorError);
    }
    await expect(list({}, { cursor: "garbage!" })).rejects.toThrow(/not valid/);
    // A well-formed cursor past the oldest entry: an empty page, with the way back.
    const past = await list({}, { cursor: encodeLedgerCursor({ at: new Date("2000-01-01T00:00:00Z"), stream: "l", seq: 1n }) });
    expect(past.entries).toEqual([]);
    expect(past.olderCursor).toBeNull();
    expect(past.newerCursor).not.toBeNull();
    await expect(list({}, { limit: 0 })).rejects.toThrow(RangeError);
    await expect(list({}, { limit: 201 })).rejects.toThrow(RangeError);
  });
});
