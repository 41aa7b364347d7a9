// API keys (R9.1, R10, R11): the secret is returned once and only its hash is
// stored; revocation is idempotent and scoped to the workspace; every change
// writes its audit row.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiKeyMatches, apiKeyPrefix } from "@/lib/api-keys/key";
import { ApiKeyError, createApiKey, MAX_ACTIVE_API_KEYS, revokeApiKey } from "@/lib/db/api-keys";
import { findKeyWithLimits } from "@/lib/db/api-auth";
import { createTestDatabase, type TestDatabase } from "../helpers/test-db";
import { loadCatalog, makeWorkspace } from "../helpers/factories";

const NOW = new Date("2027-03-05T10:00:00.000Z");
const LATER = new Date("2027-03-06T08:30:00.000Z");

describe("API keys", () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
    await loadCatalog(database.prisma);
  }, 60_000);

  afterAll(async () => {
    await database?.close();
  });

  async function newWorkspace() {
    const workspace = await makeWorkspace(database.prisma, { now: NOW });
    const owner = await database.prisma.membership.findFirstOrThrow({
      where: { workspaceId: workspace.id, role: "OWNER" },
      select: { user: { select: { id: true, email: true } } },
    });
    return { workspace, actor: { id: owner.user.id, email: owner.user.email, role: "OWNER" } };
  }

  async function auditOf(workspaceId: string, action: string) {
    return database.prisma.auditLog.findMany({
      where: { workspaceId, action },
      orderBy: { id: "asc" },
      select: { actorEmail: true, actorRole: true, detail: true, createdAt: true },
    });
  }

  it("returns the secret once and stores only its hash (R9.1)", async () => {
    const { workspace, actor } = await newWorkspace();
    const key = await createApiKey(database.prisma, { workspaceId: workspace.id, name: "  Production server  ", actor, now: NOW });

    expect(key.name).toBe("Production server");
    expect(key.secret).toMatch(/^mdk_[0-9a-f]{10}_[A-Za-z0-9_-]{43}$/);
    expect(apiKeyPrefix(key.secret)).toBe(key.prefix);

    const stored = await database.prisma.apiKey.findUniqueOrThrow({ where: { workspaceId_id: { workspaceId: workspace.id, id: key.id } } });
    expect(stored).toMatchObject({
      name: "Production server",
      prefix: key.prefix,
      createdById: actor.id,
      createdAt: NOW,
      lastUsedAt: null,
      revokedAt: null,
    });
    expect(apiKeyMatches(key.secret, stored.secretHash)).toBe(true);
    expect(apiKeyMatches(`${key.prefix}_${"A".repeat(43)}`, stored.secretHash)).toBe(false);

    // The secret, and its random part, appear in no column of the row.
    const randomPart = key.secret.slice(key.prefix.length + 1);
    for (const value of Object.values(stored)) {
      const text = value instanceof Date ? value.toISOString() : String(value);
      expect(text).not.toContain(key.secret);
      expect(text).not.toContain(randomPart);
    }
  });

  it("writes api_key.created with the prefix, never the secret (R11)", async () => {
    const { workspace, actor } = await newWorkspace();
    const key = await createApiKey(database.prisma, { workspaceId: workspace.id, name: "CI", actor, now: NOW });
    const audit = await auditOf(workspace.id, "api_key.created");
    expect(audit).toEqual([
      { actorEmail: actor.email, actorRole: "OWNER", detail: { keyId: key.id, name: "CI", prefix: key.prefix }, createdAt: NOW },
    ]);
    expect(JSON.stringify(audit)).not.toContain(key.secret.slice(key.prefix.length + 1));
  });

  it("refuses a blank, too long, control or text-direction name and creates nothing", async () => {
    const { workspace, actor } = await newWorkspace();
    for (const name of ["   ", "x".repeat(61), "tab\there", "prod\u202Egnp.exe", "zero\u200Bwidth"]) {
      await expect(createApiKey(database.prisma, { workspaceId: workspace.id, name, actor, now: NOW })).rejects.toMatchObject({
        code: "invalid-name",
      });
    }
    await createApiKey(database.prisma, { workspaceId: workspace.id, name: "x".repeat(60), actor, now: NOW });
    expect(await database.prisma.apiKey.count({ where: { workspaceId: workspace.id } })).toBe(1);
    expect(await database.prisma.auditLog.count({ where: { workspaceId: workspace.id, action: "api_key.created" } })).toBe(1);
  });

  it(`refuses the ${MAX_ACTIVE_API_KEYS + 1}th active key; revoking one makes room`, async () => {
    const { workspace, actor } = await newWorkspace();
    const keys = [];
    for (let i = 1; i <= MAX_ACTIVE_API_KEYS; i += 1) {
      keys.push(await createApiKey(database.prisma, { workspaceId: workspace.id, name: `key ${i}`, actor, now: NOW }));
    }
    const refused = createApiKey(database.prisma, { workspaceId: workspace.id, name: "one too many", actor, now: NOW });
    await expect(refused).rejects.toBeInstanceOf(ApiKeyError);
    await expect(refused).rejects.toMatchObject({
      code: "limit-reached",
      message: expect.stringContaining(`${MAX_ACTIVE_API_KEYS} active keys`),
    });
    expect(await database.prisma.apiKey.count({ where: { workspaceId: workspace.id } })).toBe(MAX_ACTIVE_API_KEYS);
    expect(await database.prisma.auditLog.count({ where: { workspaceId: workspace.id, action: "api_key.created" } })).toBe(
      MAX_ACTIVE_API_KEYS,
    );

    await revokeApiKey(database.prisma, { workspaceId: workspace.id, keyId: keys[0]!.id, actor, now: LATER });
    await expect(
      createApiKey(database.prisma, { workspaceId: workspace.id, name: "replacement", actor, now: LATER }),
    ).resolves.toMatchObject({
      name: "replacement",
    });
  });

  it("holds the limit when requests race for the last free places", async () => {
    const { workspace, actor } = await newWorkspace();
    for (let i = 1; i <= MAX_ACTIVE_API_KEYS - 2; i += 1) {
      await createApiKey(database.prisma, { workspaceId: workspace.id, name: `key ${i}`, actor, now: NOW });
    }
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, (_, i) =>
        createApiKey(database.prisma, { workspaceId: workspace.id, name: `racer ${i}`, actor, now: NOW }),
      ),
    );
    expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(2);
    for (const result of results) {
      if (result.status === "rejected") expect(result.reason).toMatchObject({ code: "limit-reached" });
    }
    expect(await database.prisma.apiKey.count({ where: { workspaceId: workspace.id, revokedAt: null } })).toBe(MAX_ACTIVE_API_KEYS);
  });

  it("counts the limit per workspace", async () => {
    const a = await newWorkspace();
    const b = await newWorkspace();
    for (let i = 1; i <= MAX_ACTIVE_API_KEYS; i += 1) {
      await createApiKey(database.prisma, { workspaceId: a.workspace.id, name: `key ${i}`, actor: a.actor, now: NOW });
    }
    await expect(
      createApiKey(database.prisma, { workspaceId: b.workspace.id, name: "mine", actor: b.actor, now: NOW }),
    ).resolves.toMatchObject({ name: "mine" });
  });

  it("revokes a key once: revokedAt is set, a second revoke changes nothing (R10)", async () => {
    const { workspace, actor } = await newWorkspace();
    const key = await createApiKey(database.prisma, { workspaceId: workspace.id, name: "Staging", actor, now: NOW });

    const first = await revokeApiKey(database.prisma, { workspaceId: workspace.id, keyId: key.id, actor, now: LATER });
    expect(first).toEqual({ id: key.id, name: "Staging", prefix: key.prefix, revokedAt: LATER, changed: true });

    const again = new Date(LATER.getTime() + 60_000);
    const second = await revokeApiKey(database.prisma, { workspaceId: workspace.id, keyId: key.id, actor, now: again });
    expect(second).toEqual({ id: key.id, name: "Staging", prefix: key.prefix, revokedAt: LATER, changed: false });

    const stored = await database.prisma.apiKey.findUniqueOrThrow({
      where: { workspaceId_id: { workspaceId: workspace.id, id: key.id } },
      select: { revokedAt: true },
    });
    expect(stored.revokedAt).toEqual(LATER);
    expect(await auditOf(workspace.id, "api_key.revoked")).toEqual([
      { actorEmail: actor.email, actorRole: "OWNER", detail: { keyId: key.id, name: "Staging", prefix: key.prefix }, createdAt: LATER },
    ]);
  });

  it("treats another workspace's key as not found and changes nothing", async () => {
    const owner = await newWorkspace();
    const intruder = await newWorkspace();
    const key = await createApiKey(database.prisma, { workspaceId: owner.workspace.id, name: "Theirs", actor: owner.actor, now: NOW });

    const attempt = revokeApiKey(database.prisma, { workspaceId: intruder.workspace.id, keyId: key.id, actor: intruder.actor, now: LATER });
    await expect(attempt).rejects.toBeInstanceOf(ApiKeyError);
    await expect(attempt).rejects.toMatchObject({ code: "not-found" });

    const stored = await database.prisma.apiKey.findUniqueOrThrow({
      where: { workspaceId_id: { workspaceId: owner.workspace.id, id: key.id } },
      select: { revokedAt: true },
    });
    expect(stored.revokedAt).toBeNull();
    expect(
      await database.prisma.auditLog.count({
        where: { workspaceId: { in: [owner.workspace.id, intruder.workspace.id] }, action: "api_key.revoked" },
      }),
    ).toBe(0);
    expect((await findKeyWithLimits(database.sql, key.prefix))?.revoked).toBe(false);
  });

  it("reports an unknown key as not found", async () => {
    const { workspace, actor } = await newWorkspace();
    await expect(
      revokeApiKey(database.prisma, { workspaceId: workspace.id, keyId: "01900000-0000-7000-8000-000000000000", actor, now: NOW }),
    ).rejects.toMatchObject({ code: "not-found" });
  });

  it("the API's lookup finds the key by its prefix, with the plan's limits, and sees the revocation at once (R9.3, R9.4)", async () => {
    const { workspace, actor } = await newWorkspace();
    const key = await createApiKey(database.prisma, { workspaceId: workspace.id, name: "Gateway", actor, now: NOW });

    const found = await findKeyWithLimits(database.sql, key.prefix);
    expect(found).toMatchObject({ workspaceId: workspace.id, keyId: key.id, revoked: false, perSecond: 15 });
    expect(apiKeyMatches(key.secret, found!.secretHash)).toBe(true);
    expect(await findKeyWithLimits(database.sql, "mdk_0000000000")).toBeNull();

    await revokeApiKey(database.prisma, { workspaceId: workspace.id, keyId: key.id, actor, now: LATER });
    expect((await findKeyWithLimits(database.sql, key.prefix))?.revoked).toBe(true);
  });
});
