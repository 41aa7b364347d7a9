// R5.1, R6.1: one rule for what each source holds at an instant. The metering
// API's balance, the debit itself, the Overview page and the support console
// agree at the same instant — also after the included credits or a package
// have expired and before the billing run has reset or closed them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readBalanceSnapshot } from "@/lib/db/ledger/balance";
import { debitBatch, loadRatingCatalog, type DebitContext } from "@/lib/db/ledger/debit";
import { getLiveBalances } from "@/lib/db/queries/dashboard";
import { getAccount } from "@/lib/db/queries/support";
import { createTestDatabase, type TestDatabase } from "../helpers/test-db";
import { loadCatalog, makeWorkspace } from "../helpers/factories";

const NOW = new Date("2026-11-10T12:00:00.000Z");
const INCLUDED_ENDS = new Date("2026-11-20T00:00:00.000Z");
const PACKAGE_ENDS = new Date("2026-11-25T00:00:00.000Z");

describe("balances at an instant (R5.1, R6.1, R9.5, R10, R11)", () => {
  let database: TestDatabase;
  let context: DebitContext;

  beforeAll(async () => {
    database = await createTestDatabase();
    await loadCatalog(database.prisma);
    context = { catalog: await loadRatingCatalog(database.prisma), creditsPerUsd: 2_000_000n };
  }, 60_000);

  afterAll(async () => {
    await database?.close();
  });

  it.each([
    ["before any expiry", new Date("2026-11-15T00:00:00.000Z"), 10_000_000n, 1],
    ["at the included expiry instant (no longer covered)", INCLUDED_ENDS, 0n, 1],
    ["after the included expiry, before the reset", new Date("2026-11-22T00:00:00.000Z"), 0n, 1],
    ["after the package expiry too, before the billing run", new Date("2026-11-26T00:00:00.000Z"), 0n, 0],
  ])("the API, the debit, the Overview and support show the same balances %s", async (_when, at, included, packages) => {
    const ws = await makeWorkspace(database.prisma, {
      now: NOW,
      included: 10_000_000n,
      includedExpiresAt: INCLUDED_ENDS,
      prepaid: 500_000n,
      packages: [{ code: "predict_100k_month", expiresAt: PACKAGE_ENDS }],
    });
    const api = await readBalanceSnapshot(database.prisma, ws.id, at);
    const overview = await getLiveBalances(database.prisma, ws.id, at);
    const support = await getAccount(database.prisma, ws.id, at);

    expect(api.included).toBe(included);
    expect(api.packages).toHaveLength(packages);
    expect(overview.balance).toMatchObject(api);
    expect(overview.packages.map((p) => p.id)).toEqual(api.packages.map((p) => p.id));
    expect(overview.balance?.includedExpired).toBe(included === 0n);
    expect(support?.balance).toMatchObject({ included: api.included, prepaid: api.prepaid, flexUsed: api.flexUsed });

    // A debit at that instant sees the same balances (an unknown type is refused with the balance, charging nothing).
    const [outcome] = await debitBatch(
      database.prisma,
      [{ workspaceId: ws.id, operationType: "no-such-type", operations: 1n, idempotencyKey: "k", requestId: "r", at }],
      context,
    );
    expect(outcome).toEqual({ status: "refused", reason: "unknown_operation_type", balance: api });
  });
});
