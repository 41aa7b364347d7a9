// R11 roles: admins manage staff accounts through the staff page's server
// actions, called directly as each kind of caller. An admin gives a staff role
// to a new account or an existing one, changes it and takes it away; each
// change is applied once per form — a double submit applies once — onto the
// role the admin saw, and its history row (who, when, to whom, before and
// after, why) is written in the same transaction. An admin can neither demote
// nor remove themselves, and the last admin stays an admin. Support staff and
// customers calling the actions directly get 403, and no row of any table
// changes.
import fs from "node:fs";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { SessionUser } from "@/lib/auth/access";
import { verifyPassword } from "@/lib/auth/password";
import type { Database } from "@/lib/db/connect";
import { changeStaffRole, removeStaffMember, StaffChangeRefused } from "@/lib/db/support/staff";
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
// next.config.js turns these on in the app: forbidden() answers 403.
process.env.__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS = "true";

const MODULE = "app/(support)/support/staff/actions.ts";

type Outcome = "403" | "redirect" | { ok: boolean; error?: string; data?: unknown; fieldErrors?: Record<string, string[]> };
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

const tag = () => randomUUID().slice(0, 8);

describe("admins manage staff accounts (R11)", () => {
  let database: TestDatabase;
  let actions: typeof import("@/app/(support)/support/staff/actions");
  let tables: string[];
  let admin: SessionUser;
  let support: SessionUser;
  let customer: SessionUser;
  let customerWorkspaceId: string;

  async function makeStaff(name: string, staffRole: "SUPPORT" | "ADMIN"): Promise<SessionUser> {
    const user = await database.prisma.user.create({
      data: { email: `${name.toLowerCase().replace(/\s+/g, ".")}-${tag()}@test.dev`, name, staffRole },
      select: { id: true, email: true, name: true },
    });
    return { ...user, staffRole };
  }

  const roleOf = async (userId: string) => (await database.prisma.user.findUniqueOrThrow({ where: { id: userId } })).staffRole;
  const historyOf = (targetUserId: string) => database.prisma.staffAuditLog.findMany({ where: { targetUserId }, orderBy: { id: "asc" } });
  const adminIds = async () =>
    (await database.prisma.user.findMany({ where: { staffRole: "ADMIN" }, select: { id: true } })).map((user) => user.id);

  beforeAll(async () => {
    database = await createTestDatabase();
    (globalThis as unknown as { __meterdeskDb?: Promise<Database> }).__meterdeskDb = Promise.resolve(database);
    await loadCatalog(database.prisma);
    admin = await makeStaff("Ada Admin", "ADMIN");
    support = await makeStaff("Sam Support", "SUPPORT");
    const workspace = await makeWorkspace(database.prisma, { now: new Date("2027-06-01T00:00:00Z") });
    customerWorkspaceId = workspace.id;
    const owner = await database.prisma.membership.findFirstOrThrow({ where: { workspaceId: workspace.id }, select: { user: true } });
    customer = { id: owner.user.id, email: owner.user.email, name: owner.user.name, staffRole: null };
    actions = await import("@/app/(support)/support/staff/actions");
    const rows = await database.sql.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`);
    tables = rows.map((row) => String((row as { tablename: string }).tablename));
  }, 120_000);

  afterAll(async () => {
    (globalThis as unknown as { __meterdeskDb?: Promise<Database> }).__meterdeskDb = undefined;
    await database?.close();
  });

  beforeEach(() => {
    session.user = admin;
    revalidated.length = 0;
  });

  it("an admin adds a new person as support: the account is created with its initial password and staff role, and the history says who, why, before and after", async () => {
    const email = `new.support-${tag()}@test.dev`;
    expect(await actions.lookUpStaffCandidateAction({ email })).toEqual({ ok: true, data: { kind: "new", email } });
    const result = await actions.addStaffMemberAction({
      email: `  ${email.toUpperCase()} `,
      role: "SUPPORT",
      name: "Nora New",
      initialPassword: "a long enough password",
      reason: "joins the support team",
      idempotencyKey: randomUUID(),
    });
    expect(result).toMatchObject({
      ok: true,
      data: { status: "applied", email, name: "Nora New", roleBefore: null, roleAfter: "SUPPORT", createdAccount: true },
    });
    const user = await database.prisma.user.findUniqueOrThrow({ where: { email } });
    expect(user.staffRole).toBe("SUPPORT");
    expect(user.name).toBe("Nora New");
    expect(await verifyPassword(user.passwordHash, "a long enough password")).toBe(true);
    expect(await historyOf(user.id)).toEqual([
      expect.objectContaining({
        actorId: admin.id,
        actorEmail: admin.email,
        actorRole: "ADMIN",
        targetUserId: user.id,
        targetEmail: email,
        action: "staff.created",
        roleBefore: null,
        roleAfter: "SUPPORT",
        reason: "joins the support team",
      }),
    ]);
    expect(revalidated).toEqual(["/support/staff"]);
  });

  it("a customer given a staff role keeps their password and their workspaces; their email is matched the way sign-in matches it", async () => {
    const before = await database.prisma.user.findUniqueOrThrow({ where: { id: customer.id }, include: { memberships: true } });
    expect(await actions.lookUpStaffCandidateAction({ email: ` ${customer.email.toUpperCase()}` })).toEqual({
      ok: true,
      data: { kind: "customer", email: customer.email, name: customer.name, workspaceCount: 1 },
    });
    const withPassword = await actions.addStaffMemberAction({
      email: customer.email,
      role: "SUPPORT",
      initialPassword: "another long password",
      reason: "moves to support",
      idempotencyKey: randomUUID(),
    });
    expect(withPassword).toMatchObject({ ok: false, fieldErrors: { initialPassword: [expect.stringMatching(/own password/)] } });
    expect(await roleOf(customer.id)).toBeNull();

    const result = await actions.addStaffMemberAction({
      email: customer.email.toUpperCase(),
      role: "SUPPORT",
      name: "",
      initialPassword: "",
      reason: "moves to support",
      idempotencyKey: randomUUID(),
    });
    expect(result).toMatchObject({ ok: true, data: { status: "applied", roleAfter: "SUPPORT", createdAccount: false } });
    const after = await database.prisma.user.findUniqueOrThrow({ where: { id: customer.id }, include: { memberships: true } });
    expect(after.staffRole).toBe("SUPPORT");
    expect(after.passwordHash).toBe(before.passwordHash);
    expect(after.memberships).toEqual(before.memberships);
    expect((await historyOf(customer.id)).map((row) => row.action)).toEqual(["staff.granted"]);

    const again = await actions.addStaffMemberAction({
      email: customer.email,
      role: "ADMIN",
      reason: "again",
      idempotencyKey: randomUUID(),
    });
    expect(again).toMatchObject({ ok: false, fieldErrors: { email: ["Already support staff."] } });

    // Taking the role away again: the account and its workspace stay.
    const removed = await actions.removeStaffMemberAction({
      userId: customer.id,
      expectedRole: "SUPPORT",
      reason: "back to the customer side",
      idempotencyKey: randomUUID(),
    });
    expect(removed).toMatchObject({ ok: true, data: { status: "applied", roleBefore: "SUPPORT", roleAfter: null } });
    const final = await database.prisma.user.findUniqueOrThrow({ where: { id: customer.id }, include: { memberships: true } });
    expect(final.staffRole).toBeNull();
    expect(final.memberships.map((m) => [m.workspaceId, m.role])).toEqual([[customerWorkspaceId, "OWNER"]]);
    expect((await historyOf(customer.id)).map((row) => [row.action, row.roleBefore, row.roleAfter])).toEqual([
      ["staff.granted", null, "SUPPORT"],
      ["staff.removed", "SUPPORT", null],
    ]);
  });

  it("a new email without a name and an initial password is refused by those fields, and nothing changes", async () => {
    const snapshot = await snapshotTables(database.sql, tables);
    const result = await actions.addStaffMemberAction({
      email: `nobody-${tag()}@test.dev`,
      role: "ADMIN",
      reason: "new admin",
      idempotencyKey: randomUUID(),
    });
    expect(result).toMatchObject({
      ok: false,
      fieldErrors: { name: [expect.stringMatching(/name/)], initialPassword: [expect.stringMatching(/initial password/)] },
    });
    const bad = await actions.addStaffMemberAction({
      email: "not an email",
      role: "OWNER",
      name: "X",
      initialPassword: "short",
      reason: " ",
      idempotencyKey: "not-a-uuid",
    });
    expect(bad).toMatchObject({ ok: false });
    expect(Object.keys((bad as { fieldErrors: object }).fieldErrors).sort()).toEqual([
      "email",
      "idempotencyKey",
      "initialPassword",
      "reason",
      "role",
    ]);
    expect(await snapshotTables(database.sql, tables)).toEqual(snapshot);
    expect(revalidated).toEqual([]);
  });

  it("a double submit of each form applies once: one change, one history row; the repeat answers 'replayed'", async () => {
    const email = `double-${tag()}@test.dev`;
    const addInput = {
      email,
      role: "SUPPORT",
      name: "Dora Double",
      initialPassword: "a long enough password",
      reason: "hired",
      idempotencyKey: randomUUID(),
    };
    const added = await Promise.all([actions.addStaffMemberAction(addInput), actions.addStaffMemberAction(addInput)]);
    expect(added.map((result) => (result.ok ? result.data.status : result.error)).sort()).toEqual(["applied", "replayed"]);
    const user = await database.prisma.user.findUniqueOrThrow({ where: { email } });
    expect(await database.prisma.user.count({ where: { email } })).toBe(1);

    const changeInput = { userId: user.id, role: "ADMIN", expectedRole: "SUPPORT", reason: "leads the team", idempotencyKey: randomUUID() };
    const changed = await Promise.all([actions.changeStaffRoleAction(changeInput), actions.changeStaffRoleAction(changeInput)]);
    expect(changed.map((result) => (result.ok ? result.data.status : result.error)).sort()).toEqual(["applied", "replayed"]);
    expect(await roleOf(user.id)).toBe("ADMIN");
    // A later submit of the same form, after the page moved on, is still a replay, not a refusal.
    expect(await actions.changeStaffRoleAction(changeInput)).toMatchObject({ ok: true, data: { status: "replayed", roleAfter: "ADMIN" } });

    const removeInput = { userId: user.id, expectedRole: "ADMIN", reason: "left the company", idempotencyKey: randomUUID() };
    const removed = await Promise.all([actions.removeStaffMemberAction(removeInput), actions.removeStaffMemberAction(removeInput)]);
    expect(removed.map((result) => (result.ok ? result.data.status : result.error)).sort()).toEqual(["applied", "replayed"]);
    expect(await roleOf(user.id)).toBeNull();

    expect((await historyOf(user.id)).map((row) => [row.action, row.roleBefore, row.roleAfter, row.reason])).toEqual([
      ["staff.created", null, "SUPPORT", "hired"],
      ["staff.role_changed", "SUPPORT", "ADMIN", "leads the team"],
      ["staff.removed", "ADMIN", null, "left the company"],
    ]);
    // A key used for one change cannot carry another.
    const reused = await actions.removeStaffMemberAction({ ...removeInput, userId: support.id, expectedRole: "SUPPORT" });
    expect(reused).toMatchObject({ ok: false, error: expect.stringMatching(/already used/) });
    expect(await roleOf(support.id)).toBe("SUPPORT");
  });

  it("a change onto a role that moved since the page loaded is refused, and nothing changes", async () => {
    const target = await makeStaff("Stale Target", "SUPPORT");
    const snapshot = await snapshotTables(database.sql, tables);
    for (const call of [
      () =>
        actions.changeStaffRoleAction({
          userId: target.id,
          role: "SUPPORT",
          expectedRole: "ADMIN",
          reason: "x-y-z",
          idempotencyKey: randomUUID(),
        }),
      () => actions.removeStaffMemberAction({ userId: target.id, expectedRole: "ADMIN", reason: "x-y-z", idempotencyKey: randomUUID() }),
    ]) {
      expect(await call()).toMatchObject({ ok: false, error: expect.stringMatching(/role changed meanwhile: they are now support staff/) });
    }
    expect(
      await actions.changeStaffRoleAction({
        userId: target.id,
        role: "SUPPORT",
        expectedRole: "SUPPORT",
        reason: "same",
        idempotencyKey: randomUUID(),
      }),
    ).toMatchObject({
      ok: false,
      fieldErrors: { role: ["Choose another role."] },
    });
    expect(await snapshotTables(database.sql, tables)).toEqual(snapshot);
    expect(revalidated).toEqual([]);
  });

  it("an admin can neither demote nor remove themselves, and the last admin stays an admin", async () => {
    const snapshot = await snapshotTables(database.sql, tables);
    const demote = await actions.changeStaffRoleAction({
      userId: admin.id,
      role: "SUPPORT",
      expectedRole: "ADMIN",
      reason: "step down",
      idempotencyKey: randomUUID(),
    });
    expect(demote).toMatchObject({ ok: false, error: "You cannot take away your own admin role. Ask another admin to do it." });
    const remove = await actions.removeStaffMemberAction({
      userId: admin.id,
      expectedRole: "ADMIN",
      reason: "step down",
      idempotencyKey: randomUUID(),
    });
    expect(remove).toMatchObject({ ok: false, error: "You cannot take away your own admin role. Ask another admin to do it." });
    expect(await snapshotTables(database.sql, tables)).toEqual(snapshot);

    // The last-admin rule on its own, with an actor who is not themselves the admin (an operator's script).
    const others = (await adminIds()).filter((id) => id !== admin.id);
    expect(others).toEqual([]);
    const operator = { id: null, email: "ops@test.dev", role: "system" };
    const base = { actor: operator, now: new Date(), reason: "cleanup", expectedRole: "ADMIN" as const };
    await expect(
      changeStaffRole(database.prisma, { ...base, userId: admin.id, role: "SUPPORT", idempotencyKey: randomUUID() }),
    ).rejects.toThrow(new StaffChangeRefused("There must always be at least one admin. Make someone else an admin first."));
    await expect(removeStaffMember(database.prisma, { ...base, userId: admin.id, idempotencyKey: randomUUID() })).rejects.toThrow(
      /at least one admin/,
    );
    expect(await snapshotTables(database.sql, tables)).toEqual(snapshot);
  });

  it("two admins demoting each other at the same moment leave one admin", async () => {
    const first = await makeStaff("First Admin", "ADMIN");
    const second = await makeStaff("Second Admin", "ADMIN");
    const demote = (actor: SessionUser, target: SessionUser) => {
      session.user = actor;
      return actions.changeStaffRoleAction({
        userId: target.id,
        role: "SUPPORT",
        expectedRole: "ADMIN",
        reason: "coup",
        idempotencyKey: randomUUID(),
      });
    };
    // Both calls pass the access check as admins before either transaction runs.
    const results = await Promise.all([demote(first, second), demote(second, first)]);
    expect(results.filter((result) => result.ok)).toHaveLength(1);
    expect(results.filter((result) => !result.ok)).toEqual([
      expect.objectContaining({ error: "Only admins can manage staff accounts, and you are no longer an admin." }),
    ]);
    const roles = [await roleOf(first.id), await roleOf(second.id)].sort();
    expect(roles).toEqual(["ADMIN", "SUPPORT"]);
    expect(await adminIds()).toContain(admin.id);
  });

  it("the change and its history row are one transaction: when the history row cannot be written, the role does not change either", async () => {
    await database.sql.exec(`
      CREATE FUNCTION "test_refuse_staff_audit"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW."reason" = 'history fails' THEN RAISE EXCEPTION 'history write failed (test)'; END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER "test_refuse_staff_audit" BEFORE INSERT ON "StaffAuditLog" FOR EACH ROW EXECUTE FUNCTION "test_refuse_staff_audit"();`);
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      const target = await makeStaff("Atomic Target", "SUPPORT");
      const snapshot = await snapshotTables(database.sql, tables);
      const generic = { ok: false, error: "Something went wrong on our side. Nothing was changed; please try again." };
      expect(
        await actions.changeStaffRoleAction({
          userId: target.id,
          role: "ADMIN",
          expectedRole: "SUPPORT",
          reason: "history fails",
          idempotencyKey: randomUUID(),
        }),
      ).toEqual(generic);
      expect(
        await actions.removeStaffMemberAction({
          userId: target.id,
          expectedRole: "SUPPORT",
          reason: "history fails",
          idempotencyKey: randomUUID(),
        }),
      ).toEqual(generic);
      expect(
        await actions.addStaffMemberAction({
          email: `atomic-${tag()}@test.dev`,
          role: "SUPPORT",
          name: "Never Created",
          initialPassword: "a long enough password",
          reason: "history fails",
          idempotencyKey: randomUUID(),
        }),
      ).toEqual(generic);
      expect(await snapshotTables(database.sql, tables)).toEqual(snapshot);
      expect(await roleOf(target.id)).toBe("SUPPORT");
    } finally {
      errors.mockRestore();
      await database.sql.exec(`DROP TRIGGER "test_refuse_staff_audit" ON "StaffAuditLog"; DROP FUNCTION "test_refuse_staff_audit"();`);
    }
  });

  it("the staff history is append-only: UPDATE, DELETE and TRUNCATE are refused and the rows stay", async () => {
    const before = await database.prisma.staffAuditLog.findMany({ orderBy: { id: "asc" } });
    expect(before.length).toBeGreaterThan(0);
    for (const [operation, statement] of [
      ["UPDATE", `UPDATE "StaffAuditLog" SET "reason" = 'rewritten'`],
      ["DELETE", `DELETE FROM "StaffAuditLog"`],
      ["TRUNCATE", `TRUNCATE "StaffAuditLog"`],
    ] as const) {
      await expect(database.prisma.$executeRawUnsafe(statement)).rejects.toThrow(
        new RegExp(`append-only: ${operation} on "StaffAuditLog" is refused`),
      );
    }
    await expect(database.prisma.staffAuditLog.deleteMany({})).rejects.toThrow(/append-only/);
    expect(await database.prisma.staffAuditLog.findMany({ orderBy: { id: "asc" } })).toEqual(before);
  });

  describe("callers who are not admins", () => {
    let cases: Record<string, () => Promise<unknown>>;

    beforeAll(async () => {
      const promoted = await makeStaff("Promoted Support", "SUPPORT");
      const removed = await makeStaff("Removed Support", "SUPPORT");
      // Input that works for an admin (the last test proves it): only the role check stands in the way.
      cases = {
        lookUpStaffCandidateAction: () => actions.lookUpStaffCandidateAction({ email: customer.email }),
        addStaffMemberAction: () =>
          actions.addStaffMemberAction({
            email: `mallory-${tag()}@test.dev`,
            role: "ADMIN",
            name: "Mallory",
            initialPassword: "a long enough password",
            reason: "let me in",
            idempotencyKey: randomUUID(),
          }),
        changeStaffRoleAction: () =>
          actions.changeStaffRoleAction({
            userId: promoted.id,
            role: "ADMIN",
            expectedRole: "SUPPORT",
            reason: "promote",
            idempotencyKey: randomUUID(),
          }),
        removeStaffMemberAction: () =>
          actions.removeStaffMemberAction({ userId: removed.id, expectedRole: "SUPPORT", reason: "remove", idempotencyKey: randomUUID() }),
      };
    });

    it("has a case for every exported action of the staff page", async () => {
      const source = fs.readFileSync(path.join(process.cwd(), MODULE), "utf8");
      expect(source).toMatch(/^(\/\/.*\n|\s)*"use server"/);
      const exported = Object.entries(actions)
        .filter(([, value]) => typeof value === "function")
        .map(([name]) => name);
      expect(exported.sort()).toEqual(Object.keys(cases).sort());
    });

    it.each([
      ["support staff", (): SessionUser | null => support, "403"],
      ["a customer", (): SessionUser | null => customer, "403"],
      ["someone signed out", (): SessionUser | null => null, "redirect"],
    ] as const)("%s calling each action directly is refused, and nothing changes", async (_who, user, expected) => {
      for (const [name, call] of Object.entries(cases)) {
        session.user = user();
        revalidated.length = 0;
        const snapshot = await snapshotTables(database.sql, tables);
        expect([name, await outcomeOf(call)]).toEqual([name, expected]);
        expect(await snapshotTables(database.sql, tables)).toEqual(snapshot);
        expect(revalidated).toEqual([]);
      }
    });

    it("the same calls by an admin go through: the refusals above came from the role check alone", async () => {
      session.user = admin;
      const changed: string[] = [];
      for (const name of ["lookUpStaffCandidateAction", "addStaffMemberAction", "changeStaffRoleAction", "removeStaffMemberAction"]) {
        const before = await snapshotTables(database.sql, tables);
        expect([name, await outcomeOf(cases[name]!)]).toEqual([name, expect.objectContaining({ ok: true })]);
        if (JSON.stringify(await snapshotTables(database.sql, tables)) !== JSON.stringify(before)) changed.push(name);
      }
      // The look-up reads; each of the others changed something.
      expect(changed).toEqual(["addStaffMemberAction", "changeStaffRoleAction", "removeStaffMemberAction"]);
    });
  });
});
