// The cache of API keys trusts its entries only while its listener hears
// every invalidation. When the listening connection dies, the app must learn
// it (and stop trusting the cache), then listen again by itself.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../helpers/test-db";

async function eventually(check: () => boolean, what: string) {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("LISTEN on PostgreSQL survives a dropped connection", () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  }, 60_000);

  afterAll(async () => {
    await database?.close();
  });

  it("reports the loss, listens again within seconds and receives notifications again", async () => {
    const states: boolean[] = [];
    const received: string[] = [];
    const stop = await database.listen("md_listen_test", { message: (p) => received.push(p), listening: (on) => states.push(on) });
    try {
      expect(states).toEqual([true]);
      await database.sql.query("SELECT pg_notify('md_listen_test', 'one')");
      await eventually(() => received.includes("one"), "the first notification");

      const killed = await database.sql.query<{ n: number }>(
        `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = current_database() AND query ILIKE 'LISTEN%' AND pid <> pg_backend_pid()`,
      );
      expect(killed[0]!.n).toBe(1);
      await eventually(() => states.length >= 3, "losing and regaining the listener");
      expect(states).toEqual([true, false, true]);

      await database.sql.query("SELECT pg_notify('md_listen_test', 'two')");
      await eventually(() => received.includes("two"), "a notification after reconnecting");
    } finally {
      await stop();
    }
  });
});
