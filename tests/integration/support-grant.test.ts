// R11: support grants prepaid credits through the console's server action,
// called directly as each kind of caller. Staff (support and admin) see the
// preview, then the grant lands on exactly the previewed balance, once per
// key — a double submit applies once — with its audit row (who, why, before
// and after). Anyone else — signed out, a customer of the workspace, even its
// owner — is refused before anything is read, and no row of any table changes.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { SessionUser } from "@/lib/auth/access";
import { createTestDatabase, type TestDatabase } from "../helpers/test-db";
import { loadCatalog, makeWorkspace } from "../helpers/factories";
import { snapshotTables } from "../helpers/snapshot";
import { createStaff, outcomeOf, ownerOf, publicTables, useDatabase } from "../helpers/server-actions";

const session: { user: SessionUser | null } = { user: null };
vi.mock("@/lib/auth/session", () => ({ readSession: async () => session.user }));
const revalidated: string[] = [];
vi.mock("next/cache", () => ({
  revalidatePath: (where: string) => void revalidated.push(where),
  revalidateTag: (tag: string) => void revalidated.push(`tag:${tag}`),
}));
process.env.__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS = "true";

const NOW = new Date("2027-06-10T09:00:00.000Z");

describe("support grants prepaid credits (R11)", () => {
  let database: TestDatabase;
  let actions: typeof import("@/app/(support)/support/accounts/[workspaceId]/actions");
  let workspaceId: string;
  let ownerUser: SessionUser;
  let tables: string[];
  let support: SessionUser;
  let admin: SessionUser;

  const prepaid = async () => (await database.prisma.creditBalance.findUniqueOrThrow({ where: { workspaceId } })).prepaid;
  const status = (result: Awaited<ReturnType<typeof actions.grantPrepaidAction>>) => (result.ok ? result.data.status : result);

  /** The preview of a grant, and the confirmation that applies exactly it. */
  async function previewed(credits: string, reason = "goodwill for the outage") {
    const result = await actions.previewGrantAction({ workspaceId, credits });
    if (!result.ok) throw new Error(result.error);
    return {
      preview: result.data.preview,
      confirm: { workspaceId, credits, reason, idempotencyKey: randomUUID(), token: result.data.token },
    };
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    useDatabase(database);
    await loadCatalog(database.prisma);
    ({ support, admin } = await createStaff(database.prisma));
    workspaceId = (await makeWorkspace(database.prisma, { now: NOW })).id;
    ownerUser = await ownerOf(database.prisma, workspaceId);
    actions = await import("@/app/(support)/support/accounts/[workspaceId]/actions");
    tables = await publicTables(database);
  }, 120_000);

  afterAll(async () => {
    useDatabase(undefined);
    await database?.close();
  });

  it("support previews, then grants exactly the preview once — a double submit applies once — with its audit row", async () => {
    session.user = support;
    const before = await prepaid();
    const { preview, confirm } = await previewed("10,000,000");
    expect(preview).toEqual({ credits: "10000000", prepaidBefore: before.toString(), prepaidAfter: (before + 10_000_000n).toString() });
    // Two submits of the same confirmation at once.
    const both = await Promise.all([actions.grantPrepaidAction(confirm), actions.grantPrepaidAction(confirm)]);
    expect(both.map(status).sort()).toEqual(["applied", "replayed"]);
    expect(await prepaid()).toBe(before + 10_000_000n);
    const audit = await database.prisma.auditLog.findMany({ where: { workspaceId, action: "support.grant_prepaid" } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actorId: support.id,
      actorEmail: support.email,
      actorRole: "SUPPORT",
      reason: "goodwill for the outage",
      idempotencyKey: confirm.idempotencyKey,
      detail: { before: { prepaid: before.toString() }, after: { prepaid: (before + 10_000_000n).toString() } },
    });
    const grants = await database.prisma.creditGrant.findMany({ where: { workspaceId, kind: "SUPPORT" } });
    expect(grants.map((grant) => grant.amount)).toEqual([10_000_000n]);
    expect(revalidated).toContain(`/support/accounts/${workspaceId}`);
  });

  it("a balance that moved after the preview gets a new preview, and nothing is granted", async () => {
    session.user = admin;
    const stale = await previewed("5000", "test credits");
    // Another grant lands in between.
    expect(status(await actions.grantPrepaidAction((await previewed("7")).confirm))).toBe("applied");
    const before = await prepaid();
    const snapshot = await snapshotTables(database.sql, tables);
    const result = await actions.grantPrepaidAction(stale.confirm);
    expect(result).toMatchObject({
      ok: true,
      data: {
        status: "changed",
        preview: { credits: "5000", prepaidBefore: before.toString(), prepaidAfter: (before + 5_000n).toString() },
      },
    });
    expect(await snapshotTables(database.sql, tables)).toEqual(snapshot);
  });

  it("bad input gets a message by the field and changes nothing", async () => {
    session.user = support;
    const snapshot = await snapshotTables(database.sql, tables);
    for (const input of [
      { workspaceId, credits: "-5" },
      { workspaceId, credits: "lots" },
      { workspaceId, credits: "0" },
      { workspaceId, credits: "99999999999999999" },
      { workspaceId: "not-a-uuid", credits: "10" },
    ]) {
      const result = await actions.previewGrantAction(input);
      expect(result.ok).toBe(false);
    }
    const { confirm } = await previewed("10");
    const noReason = await actions.grantPrepaidAction({ ...confirm, reason: " " });
    expect(noReason).toMatchObject({ ok: false, fieldErrors: { reason: ["Say why, in a few words: it goes into the audit trail."] } });
    expect(await snapshotTables(database.sql, tables)).toEqual(snapshot);
  });

  it("signed out, or a customer — even the workspace's owner — calling the actions directly is refused and nothing changes", async () => {
    session.user = support;
    const { confirm } = await previewed("10", "free money");
    for (const [who, user, expected] of [
      ["signed out", null, "redirect"],
      ["the workspace's owner", ownerUser, "403"],
    ] as const) {
      session.user = user;
      const snapshot = await snapshotTables(database.sql, tables);
      expect([who, await outcomeOf(() => actions.previewGrantAction({ workspaceId, credits: "10" }))]).toEqual([who, expected]);
      expect([who, await outcomeOf(() => actions.grantPrepaidAction(confirm))]).toEqual([who, expected]);
      expect(await snapshotTables(database.sql, tables)).toEqual(snapshot);
    }
  });
});
