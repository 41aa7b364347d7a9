// R11: support grants prepaid credits through the console's server action,
// called directly as each kind of caller. Staff (support and admin) see the
// preview, then the grant lands on exactly the previewed balance, once per
// key — a double submit applies once — with its audit row (who, why, before
// and after). Anyone else — signed out, a customer of the workspace, even its
// owner — is refused before anything is read, and no row of any table changes.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { SessionUser } from "@/lib/auth/access";
import type { Database } from "@/lib/db/connect";
import { createTestDatabase, type TestDatabase } from "../helpers/test-db";
import { loadCatalog, makeWorkspace } from "../helpers/factories";
import { snapshotTables } from "../helpers/snapshot";

const session: { user: SessionUser | null } = { user: null };
vi.mock("@/lib/auth/session", () => ({ readSession: async () => session.user }));
const revalidated: string[] = [];
vi.mock("next/cache", () => ({
  revalidatePath: (where: string) => void revalidated.push(where),
  revalidateTag: (tag: string) => void revalidated.push(`tag:${tag}`),
}));
process.env.__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS = "true";

const NOW = new Date("2027-06-10T09:00:00.000Z");

type Outcome = "403" | "redirect" | { ok: boolean; error?: string; data?: unknown; fieldErrors?: unknown };
async function outcomeOf(call: () => Promise<unknown>): Promise<Outcome> {
  try {
    return (await call()) as Outcome;
  } catch (error) {
    const digest = (error as { digest?: string }).digest ?? "";
    if (digest === "NEXT_HTTP_ERROR_FALLBACK;403") return "403";
    if (digest.startsWith("NEXT_REDIRECT")) return "redirect";
    throw error;
  }
}

describe("support grants prepaid credits (R11)", () => {
  let database: TestDatabase;
  let actions: typeof import("@/app/(support)/support/accounts/[workspaceId]/actions");
  let workspaceId: string;
  let ownerUser: SessionUser;
  let tables: string[];
  const support: SessionUser = { id: randomUUID(), email: "support@test.dev", name: "Sam Support", staffRole: "SUPPORT" };
  const admin: SessionUser = { id: randomUUID(), email: "admin@test.dev", name: "Ada Admin", staffRole: "ADMIN" };

  const prepaid = async () => (await database.prisma.creditBalance.findUniqueOrThrow({ where: { workspaceId } })).prepaid;

  beforeAll(async () => {
    database = await createTestDatabase();
    (globalThis as unknown as { __meterdeskDb?: Promise<Database> }).__meterdeskDb = Promise.resolve(database);
    await loadCatalog(database.prisma);
    for (const staff of [support, admin]) {
      await database.prisma.user.create({ data: { id: staff.id, email: staff.email, name: staff.name, staffRole: staff.staffRole } });
    }
    const workspace = await makeWorkspace(database.prisma, { now: NOW });
    workspaceId = workspace.id;
    const owner = await database.prisma.membership.findFirstOrThrow({ where: { workspaceId, role: "OWNER" }, select: { user: true } });
    ownerUser = { id: owner.user.id, email: owner.user.email, name: owner.user.name ?? "", staffRole: null };
    actions = await import("@/app/(support)/support/accounts/[workspaceId]/actions");
    const rows = await database.sql.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`);
    tables = rows.map((row) => String((row as { tablename: string }).tablename));
  }, 120_000);

  afterAll(async () => {
    (globalThis as unknown as { __meterdeskDb?: Promise<Database> }).__meterdeskDb = undefined;
    await database?.close();
  });

  it("support previews, then grants exactly the preview once — a double submit applies once — with its audit row", async () => {
    session.user = support;
    const before = await prepaid();
    const preview = await actions.previewGrantAction({ workspaceId, credits: "10,000,000" });
    expect(preview).toEqual({
      ok: true,
      data: { credits: "10000000", prepaidBefore: before.toString(), prepaidAfter: (before + 10_000_000n).toString() },
    });
    const input = {
      workspaceId,
      credits: "10000000",
      reason: "goodwill for the outage",
      idempotencyKey: randomUUID(),
      previewedPrepaid: before.toString(),
    };
    // Two submits of the same confirmation at once.
    const [first, second] = await Promise.all([actions.grantPrepaidAction(input), actions.grantPrepaidAction(input)]);
    const statuses = [first, second].map((result) => (result.ok && "status" in result.data ? result.data.status : result));
    expect(statuses.sort()).toEqual(["applied", "replayed"]);
    expect(await prepaid()).toBe(before + 10_000_000n);
    const audit = await database.prisma.auditLog.findMany({ where: { workspaceId, action: "support.grant_prepaid" } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actorId: support.id,
      actorEmail: support.email,
      actorRole: "SUPPORT",
      reason: "goodwill for the outage",
      detail: { credits: "10000000", before: { prepaid: before.toString() }, after: { prepaid: (before + 10_000_000n).toString() } },
    });
    const grants = await database.prisma.creditGrant.findMany({ where: { workspaceId, kind: "SUPPORT" } });
    expect(grants.map((grant) => grant.amount)).toEqual([10_000_000n]);
    expect(revalidated).toContain(`/support/accounts/${workspaceId}`);
  });

  it("a balance that moved after the preview gets a new preview, and nothing is granted", async () => {
    session.user = admin;
    const before = await prepaid();
    const stale = {
      workspaceId,
      credits: "5000",
      reason: "test credits",
      idempotencyKey: randomUUID(),
      previewedPrepaid: (before - 1n).toString(),
    };
    const result = await actions.grantPrepaidAction(stale);
    expect(result).toEqual({
      ok: true,
      data: {
        status: "changed",
        preview: { credits: "5000", prepaidBefore: before.toString(), prepaidAfter: (before + 5_000n).toString() },
      },
    });
    expect(await prepaid()).toBe(before);
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
    const noReason = await actions.grantPrepaidAction({
      workspaceId,
      credits: "10",
      reason: " ",
      idempotencyKey: randomUUID(),
      previewedPrepaid: "0",
    });
    expect(noReason).toMatchObject({ ok: false, fieldErrors: { reason: ["Say why, in a few words: it goes into the audit trail."] } });
    expect(await snapshotTables(database.sql, tables)).toEqual(snapshot);
  });

  it("signed out, or a customer — even the workspace's owner — calling the actions directly is refused and nothing changes", async () => {
    for (const [who, user, expected] of [
      ["signed out", null, "redirect"],
      ["the workspace's owner", ownerUser, "403"],
    ] as const) {
      session.user = user;
      const snapshot = await snapshotTables(database.sql, tables);
      const current = (await prepaid()).toString();
      expect([who, await outcomeOf(() => actions.previewGrantAction({ workspaceId, credits: "10" }))]).toEqual([who, expected]);
      expect([
        who,
        await outcomeOf(() =>
          actions.grantPrepaidAction({
            workspaceId,
            credits: "10",
            reason: "free money",
            idempotencyKey: randomUUID(),
            previewedPrepaid: current,
          }),
        ),
      ]).toEqual([who, expected]);
      expect(await snapshotTables(database.sql, tables)).toEqual(snapshot);
    }
  });
});
