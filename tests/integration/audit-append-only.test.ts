// R11: the audit trail cannot be changed. The app has no update or delete
// path, and the database refuses one from anywhere else: UPDATE, DELETE and
// TRUNCATE on "AuditLog" fail — through SQL and through the Prisma client —
// and the rows stay exactly as written. Inserting still works.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeAudit } from "@/lib/db/audit";
import { createTestDatabase, type TestDatabase } from "../helpers/test-db";
import { loadCatalog, makeWorkspace } from "../helpers/factories";

const NOW = new Date("2027-05-04T10:00:00.000Z");
const support = { id: null, email: "support@test.dev", role: "SUPPORT" };

describe("the audit trail is append-only (R11)", () => {
  let database: TestDatabase;
  let workspaceId: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    await loadCatalog(database.prisma);
    workspaceId = (await makeWorkspace(database.prisma, { now: NOW })).id;
    await database.prisma.$transaction((tx) =>
      writeAudit(tx, {
        workspaceId,
        actor: support,
        action: "support.grant_prepaid",
        reason: "goodwill",
        detail: { credits: "10" },
        now: NOW,
      }),
    );
  }, 60_000);

  afterAll(async () => {
    await database?.close();
  });

  const rows = () =>
    database.prisma.auditLog.findMany({
      where: { workspaceId },
      orderBy: { id: "asc" },
      select: { id: true, action: true, reason: true, actorEmail: true, detail: true, createdAt: true },
    });

  it.each([
    ["UPDATE", `UPDATE "AuditLog" SET "reason" = 'rewritten'`],
    ["UPDATE", `UPDATE "AuditLog" SET "actorEmail" = 'someone@else.dev' WHERE "action" = 'support.grant_prepaid'`],
    ["DELETE", `DELETE FROM "AuditLog"`],
    ["TRUNCATE", `TRUNCATE "AuditLog"`],
  ])("%s through SQL is refused and changes nothing: %s", async (operation, statement) => {
    const before = await rows();
    expect(before.length).toBeGreaterThan(0);
    await expect(database.prisma.$executeRawUnsafe(statement)).rejects.toThrow(
      new RegExp(`append-only: ${operation} on "AuditLog" is refused`),
    );
    expect(await rows()).toEqual(before);
  });

  it("the Prisma client's update and delete are refused too", async () => {
    const before = await rows();
    const first = before[0]!;
    await expect(
      database.prisma.auditLog.update({ where: { workspaceId_id: { workspaceId, id: first.id } }, data: { reason: "rewritten" } }),
    ).rejects.toThrow(/append-only/);
    await expect(database.prisma.auditLog.deleteMany({ where: { workspaceId } })).rejects.toThrow(/append-only/);
    expect(await rows()).toEqual(before);
  });

  it("appending still works", async () => {
    const before = await rows();
    await database.prisma.$transaction((tx) =>
      writeAudit(tx, { workspaceId, actor: support, action: "support.view_account", now: new Date(NOW.getTime() + 1_000) }),
    );
    const after = await rows();
    expect(after.slice(0, before.length)).toEqual(before);
    expect(after.map((row) => row.action)).toEqual([...before.map((row) => row.action), "support.view_account"]);
  });
});
