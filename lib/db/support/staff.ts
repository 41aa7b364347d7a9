import "server-only";

// Staff accounts (R11): who is staff and with which role. Support looks up and
// acts on customer accounts; admins can also manage staff. Every change —
// giving someone a staff role (an existing account, or a new one), changing
// it, taking it away — is written to the append-only StaffAuditLog in the
// same transaction, with who did it, to whom, before and after, and why.
//
// Each change runs under one transaction-scoped advisory lock, so staff
// changes happen one after another: the admins are counted exactly (there is
// always at least one), and a double submit finds its own audit row (by the
// form's idempotency key) and applies nothing more. Change and removal are
// also a compare-and-set on the role the admin saw. Taking a staff role away
// leaves the person's customer memberships as they are.
import type { PrismaClient, Tx } from "@/lib/db";
import { createUser, normaliseEmail } from "@/lib/db/accounts";
import type { Actor } from "@/lib/db/audit";
import type { StaffRoleName } from "@/lib/auth/roles";

type Reader = PrismaClient | Tx;

/** Serialises every staff change (pg_advisory_xact_lock): "md" + "staff". */
const STAFF_LOCK_KEY = 72707371;

/** A refusal the admin can act on; the message is shown as-is, by `field` when it names one. */
export class StaffChangeRefused extends Error {
  constructor(
    message: string,
    readonly fields: Partial<Record<"email" | "name" | "initialPassword" | "role", string>> = {},
  ) {
    super(message);
  }
}

// ---------------------------------------------------------------- reads

export interface StaffMember {
  id: string;
  name: string;
  email: string;
  role: StaffRoleName;
  lastSignInAt: Date | null;
  createdAt: Date;
  /** Customer workspaces they are a member of (kept when the staff role goes). */
  workspaceCount: number;
}

/** Everyone with a staff role: admins first, then by name. */
export async function listStaff(db: Reader): Promise<StaffMember[]> {
  const rows = await db.user.findMany({
    where: { staffRole: { not: null } },
    orderBy: [{ staffRole: "desc" }, { name: "asc" }, { email: "asc" }],
    select: {
      id: true,
      name: true,
      email: true,
      staffRole: true,
      lastSignInAt: true,
      createdAt: true,
      _count: { select: { memberships: true } },
    },
  });
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    email: row.email,
    role: row.staffRole as StaffRoleName,
    lastSignInAt: row.lastSignInAt,
    createdAt: row.createdAt,
    workspaceCount: row._count.memberships,
  }));
}

export type StaffCandidate =
  | { kind: "new"; email: string }
  | { kind: "customer"; email: string; name: string; workspaceCount: number }
  | { kind: "staff"; email: string; name: string; role: StaffRoleName };

/** What adding `email` as staff would do: create an account, or give an existing one a role (or nothing: already staff). */
export async function findStaffCandidate(db: Reader, rawEmail: string): Promise<StaffCandidate> {
  const email = normaliseEmail(rawEmail);
  const user = await db.user.findUnique({
    where: { email },
    select: { name: true, staffRole: true, _count: { select: { memberships: true } } },
  });
  if (!user) return { kind: "new", email };
  if (user.staffRole) return { kind: "staff", email, name: user.name, role: user.staffRole };
  return { kind: "customer", email, name: user.name, workspaceCount: user._count.memberships };
}

export type StaffAction = "staff.granted" | "staff.created" | "staff.role_changed" | "staff.removed";

export interface StaffAuditEntry {
  id: bigint;
  createdAt: Date;
  actorEmail: string;
  actorRole: string;
  targetEmail: string;
  action: StaffAction;
  roleBefore: StaffRoleName | null;
  roleAfter: StaffRoleName | null;
  reason: string;
}

export const STAFF_AUDIT_PAGE = 100;

/** The newest staff changes first. */
export async function listStaffAudit(db: Reader, take = STAFF_AUDIT_PAGE): Promise<StaffAuditEntry[]> {
  const rows = await db.staffAuditLog.findMany({
    orderBy: { id: "desc" },
    take,
    select: {
      id: true,
      createdAt: true,
      actorEmail: true,
      actorRole: true,
      targetEmail: true,
      action: true,
      roleBefore: true,
      roleAfter: true,
      reason: true,
    },
  });
  return rows.map((row) => ({ ...row, action: row.action as StaffAction }));
}

// ---------------------------------------------------------------- changes

export interface StaffChangeResult {
  /** replayed: the same form (idempotency key) was applied before; nothing changed now. */
  status: "applied" | "replayed";
  userId: string;
  email: string;
  name: string;
  roleBefore: StaffRoleName | null;
  roleAfter: StaffRoleName | null;
  createdAccount: boolean;
}

interface ChangeBase {
  reason: string;
  actor: Actor;
  now: Date;
  /** One per form: a second submit of the same form finds the first one's audit row. */
  idempotencyKey: string;
}

export interface AddStaffInput extends ChangeBase {
  email: string;
  role: StaffRoleName;
  /** Needed only when no account has the email: the new account's name and initial password (hashed). */
  name?: string;
  passwordHash?: string;
}

export interface ChangeStaffRoleInput extends ChangeBase {
  userId: string;
  role: StaffRoleName;
  /** The role the admin saw: the change applies only onto that. */
  expectedRole: StaffRoleName;
}

export interface RemoveStaffInput extends ChangeBase {
  userId: string;
  expectedRole: StaffRoleName;
}

interface LockedUser {
  id: string;
  email: string;
  name: string;
  staffRole: StaffRoleName | null;
}

/** One staff change: under the staff lock, replayed when its key was used, else `work` with the admins locked and counted. */
async function staffChange(
  prisma: PrismaClient,
  input: ChangeBase,
  matches: (row: { action: string; targetUserId: string; targetEmail: string }) => boolean,
  work: (tx: Tx, admins: string[]) => Promise<StaffChangeResult>,
): Promise<StaffChangeResult> {
  const reason = input.reason.trim();
  if (reason.length === 0) throw new StaffChangeRefused("Say why: the reason goes into the staff history.");
  return prisma.$transaction(async (tx) => {
    await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${STAFF_LOCK_KEY})`);
    const earlier = await tx.staffAuditLog.findUnique({
      where: { idempotencyKey: input.idempotencyKey },
      select: { action: true, targetUserId: true, targetEmail: true, roleBefore: true, roleAfter: true },
    });
    if (earlier) {
      if (!matches(earlier)) throw new StaffChangeRefused("This form was already used for another change. Reload the page and try again.");
      const user = await tx.user.findUnique({ where: { id: earlier.targetUserId }, select: { name: true } });
      return {
        status: "replayed",
        userId: earlier.targetUserId,
        email: earlier.targetEmail,
        name: user?.name ?? earlier.targetEmail,
        roleBefore: earlier.roleBefore,
        roleAfter: earlier.roleAfter,
        createdAccount: earlier.action === "staff.created",
      };
    }
    const admins = await lockAdmins(tx);
    // The actor's own role is read under the lock too: an admin demoted a moment ago can no longer act.
    if (input.actor.id !== null && !admins.includes(input.actor.id)) {
      throw new StaffChangeRefused("Only admins can manage staff accounts, and you are no longer an admin.");
    }
    return work(tx, admins);
  });
}

async function lockAdmins(tx: Tx): Promise<string[]> {
  const rows = await tx.$queryRaw<{ id: string }[]>`
    SELECT "id"::text AS "id" FROM "User" WHERE "staffRole" = 'ADMIN' ORDER BY "id" FOR UPDATE`;
  return rows.map((row) => row.id);
}

async function lockUser(tx: Tx, where: { id: string } | { email: string }): Promise<LockedUser | null> {
  const rows =
    "id" in where
      ? await tx.$queryRaw<LockedUser[]>`
          SELECT "id"::text AS "id", "email", "name", "staffRole"::text AS "staffRole" FROM "User" WHERE "id" = ${where.id}::uuid FOR UPDATE`
      : await tx.$queryRaw<LockedUser[]>`
          SELECT "id"::text AS "id", "email", "name", "staffRole"::text AS "staffRole" FROM "User" WHERE "email" = ${where.email} FOR UPDATE`;
  return rows[0] ?? null;
}

async function writeStaffAudit(
  tx: Tx,
  input: ChangeBase,
  target: { id: string; email: string },
  action: StaffAction,
  roleBefore: StaffRoleName | null,
  roleAfter: StaffRoleName | null,
): Promise<void> {
  await tx.staffAuditLog.create({
    data: {
      createdAt: input.now,
      actorId: input.actor.id,
      actorEmail: input.actor.email,
      actorRole: input.actor.role,
      targetUserId: target.id,
      targetEmail: target.email,
      action,
      roleBefore,
      roleAfter,
      reason: input.reason.trim(),
      idempotencyKey: input.idempotencyKey,
    },
  });
}

const article = (role: StaffRoleName) => (role === "ADMIN" ? "an admin" : "support staff");

/** Gives `email` a staff role: an existing account keeps its password and workspaces; otherwise a new account is created. */
export async function addStaffMember(prisma: PrismaClient, input: AddStaffInput): Promise<StaffChangeResult> {
  const email = normaliseEmail(input.email);
  return staffChange(
    prisma,
    input,
    (row) => (row.action === "staff.granted" || row.action === "staff.created") && row.targetEmail === email,
    async (tx) => {
      const existing = await lockUser(tx, { email });
      if (existing) {
        if (existing.staffRole) {
          throw new StaffChangeRefused(
            `${existing.name} is already ${article(existing.staffRole)}. Change their role in the staff table instead.`,
            { email: `Already ${article(existing.staffRole)}.` },
          );
        }
        if (input.passwordHash) {
          throw new StaffChangeRefused(`${email} already has an account, with its own password. Leave the initial password empty.`, {
            initialPassword: "This person already has an account: they keep their own password.",
          });
        }
        await tx.user.update({ where: { id: existing.id }, data: { staffRole: input.role } });
        await writeStaffAudit(tx, input, existing, "staff.granted", null, input.role);
        return {
          status: "applied",
          userId: existing.id,
          email,
          name: existing.name,
          roleBefore: null,
          roleAfter: input.role,
          createdAccount: false,
        };
      }
      const name = input.name?.trim();
      if (!name || !input.passwordHash) {
        const fields: StaffChangeRefused["fields"] = {};
        if (!name) fields.name = "No account uses this email yet: enter the person's name.";
        if (!input.passwordHash) fields.initialPassword = "No account uses this email yet: set an initial password for it.";
        throw new StaffChangeRefused("No account uses this email yet. Enter a name and an initial password to create one.", fields);
      }
      const created = await createUser(tx, { email, name, passwordHash: input.passwordHash, staffRole: input.role });
      await writeStaffAudit(tx, input, created, "staff.created", null, input.role);
      return { status: "applied", userId: created.id, email, name, roleBefore: null, roleAfter: input.role, createdAccount: true };
    },
  );
}

const LAST_ADMIN = "There must always be at least one admin. Make someone else an admin first.";
const NOT_YOURSELF = "You cannot take away your own admin role. Ask another admin to do it.";

async function lockStaffMember(tx: Tx, userId: string, expectedRole: StaffRoleName): Promise<LockedUser & { staffRole: StaffRoleName }> {
  const user = await lockUser(tx, { id: userId });
  if (!user?.staffRole)
    throw new StaffChangeRefused(`${user?.name ?? "This person"} is no longer staff. Reload the page to see the current staff.`);
  if (user.staffRole !== expectedRole) {
    throw new StaffChangeRefused(
      `${user.name}'s role changed meanwhile: they are now ${article(user.staffRole)}. Check the table and try again.`,
    );
  }
  return user as LockedUser & { staffRole: StaffRoleName };
}

/** Changes a staff member's role, onto the role the admin saw; never the last admin's, never one's own admin role. */
export async function changeStaffRole(prisma: PrismaClient, input: ChangeStaffRoleInput): Promise<StaffChangeResult> {
  return staffChange(
    prisma,
    input,
    (row) => row.action === "staff.role_changed" && row.targetUserId === input.userId,
    async (tx, admins) => {
      const user = await lockStaffMember(tx, input.userId, input.expectedRole);
      if (user.staffRole === input.role)
        throw new StaffChangeRefused(`${user.name} is already ${article(input.role)}.`, { role: "Choose another role." });
      if (user.staffRole === "ADMIN") {
        if (user.id === input.actor.id) throw new StaffChangeRefused(NOT_YOURSELF);
        if (admins.length <= 1) throw new StaffChangeRefused(LAST_ADMIN);
      }
      await tx.user.update({ where: { id: user.id }, data: { staffRole: input.role } });
      await writeStaffAudit(tx, input, user, "staff.role_changed", user.staffRole, input.role);
      return {
        status: "applied",
        userId: user.id,
        email: user.email,
        name: user.name,
        roleBefore: user.staffRole,
        roleAfter: input.role,
        createdAccount: false,
      };
    },
  );
}

/** Takes the staff role away (the account and its customer memberships stay); never the last admin's, never one's own. */
export async function removeStaffMember(prisma: PrismaClient, input: RemoveStaffInput): Promise<StaffChangeResult> {
  return staffChange(
    prisma,
    input,
    (row) => row.action === "staff.removed" && row.targetUserId === input.userId,
    async (tx, admins) => {
      const user = await lockStaffMember(tx, input.userId, input.expectedRole);
      if (user.id === input.actor.id) throw new StaffChangeRefused(NOT_YOURSELF);
      if (user.staffRole === "ADMIN" && admins.length <= 1) throw new StaffChangeRefused(LAST_ADMIN);
      await tx.user.update({ where: { id: user.id }, data: { staffRole: null } });
      await writeStaffAudit(tx, input, user, "staff.removed", user.staffRole, null);
      return {
        status: "applied",
        userId: user.id,
        email: user.email,
        name: user.name,
        roleBefore: user.staffRole,
        roleAfter: null,
        createdAccount: false,
      };
    },
  );
}
