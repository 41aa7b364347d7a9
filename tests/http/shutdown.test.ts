// A clean stop of the production server (SIGTERM) loses nothing it counted:
// refused calls and API keys' last use are kept in memory for up to 5 s and
// are written before the database closes (R10: refused calls with their reason).
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateApiKey } from "@/lib/api-keys/key";
import { openDatabase, type Database } from "@/lib/db/connect";
import { applyMigrations } from "@/lib/db/migrate";
import { createScratchDatabase, startAppServer } from "../../scripts/lib/app-server";
import type { ScratchDatabase } from "../../scripts/lib/scratch-database";
import { loadCatalog, makeWorkspace } from "../helpers/factories";

describe("SIGTERM flushes the activity counters", () => {
  let scratch: ScratchDatabase;
  let database: Database;

  beforeAll(async () => {
    scratch = await createScratchDatabase(process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/test", "md_stop");
    database = await openDatabase({ kind: "postgres", url: scratch.url }, { poolSize: 2 });
    await applyMigrations(database.sql);
    await loadCatalog(database.prisma);
  });

  afterAll(async () => {
    await database?.close();
    await scratch?.drop();
  });

  it("writes refused calls and key use counted just before the stop", async () => {
    const workspace = await makeWorkspace(database.prisma, { now: new Date(), prepaid: 100_000_000n });
    const key = generateApiKey();
    const { id: keyId } = await database.prisma.apiKey.create({
      data: { workspaceId: workspace.id, name: "stop", prefix: key.prefix, secretHash: key.secretHash },
      select: { id: true },
    });
    const server = await startAppServer({ databaseUrl: scratch.url, authSecret: randomBytes(32).toString("hex") });
    const post = (body: unknown) =>
      fetch(`${server.url}/api/v1/operations`, {
        method: "POST",
        headers: { authorization: `Key ${key.secret}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    try {
      expect((await post({ type: "predict", inputs: 0 })).status).toBe(400);
      expect((await post({ type: "teleport", inputs: 1 })).status).toBe(400);
      expect((await post({ type: "predict", inputs: 3 })).status).toBe(200);
    } finally {
      await server.stop();
    }
    expect(server.child.exitCode).toBe(0);

    const refused = await database.prisma.refusedCallMinute.findMany({
      where: { workspaceId: workspace.id },
      select: { reason: true, count: true },
    });
    expect(refused).toEqual([{ reason: "invalid_body", count: 2 }]);
    const used = await database.prisma.apiKey.findUniqueOrThrow({
      where: { workspaceId_id: { workspaceId: workspace.id, id: keyId } },
      select: { lastUsedAt: true },
    });
    expect(used.lastUsedAt).not.toBeNull();
  });
});
