import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "@/lib/db/connect";
import { BILLING_RUN_LOCK } from "@/lib/db/billing/billing-run";
import { createTestDatabase, type TestDatabase } from "../helpers/test-db";

// R8.6: only one billing run at a time — across server instances on
// PostgreSQL (advisory lock), and inside the one process of PGlite.
describe("the billing run's lock", () => {
  let database: TestDatabase;
  let other: Database;

  beforeAll(async () => {
    database = await createTestDatabase();
    // A second "instance": its own pool on PostgreSQL; the same process on PGlite.
    other = database.target.kind === "postgres" ? await openDatabase(database.target, { poolSize: 2 }) : database;
  }, 60_000);

  afterAll(async () => {
    if (other !== database) await other.close();
    await database?.close();
  });

  it("lets one of two billing runs started together run, and the next one run after it", async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const first = database.tryWithLock(BILLING_RUN_LOCK, async () => {
      await held;
      return "first";
    });
    // Give the first a moment to take the lock.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const second = await other.tryWithLock(BILLING_RUN_LOCK, async () => "second");
    expect(second).toEqual({ ran: false });
    release();
    expect(await first).toEqual({ ran: true, value: "first" });
    expect(await other.tryWithLock(BILLING_RUN_LOCK, async () => "third")).toEqual({ ran: true, value: "third" });
  });

  it("releases the lock when the clock fails", async () => {
    await expect(database.tryWithLock(BILLING_RUN_LOCK, async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(await other.tryWithLock(BILLING_RUN_LOCK, async () => "after")).toEqual({ ran: true, value: "after" });
  });
});
