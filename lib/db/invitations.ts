import "server-only";

// Members and roles: invitations by email, accepting them, changing roles and
// removing members. Every change writes its audit row in the same transaction.
//
// The invitation link carries a random 32-byte secret; only its SHA-256 is
// stored, so the table alone cannot be turned into working links. A link works
// once, for 7 days, for the invited address, and not after it is revoked.
//
// The last owner: role changes and removals lock the workspace's owner
// memberships (SELECT … FOR UPDATE) before counting them, so two owners
// demoting each other at the same moment cannot leave the workspace without one.
import { createHash, randomBytes } from "node:crypto";
import type { PrismaClient, Tx } from "@/lib/db";
import { normaliseEmail } from "@/lib/db/accounts";
import { writeAudit, type Actor } from "@/lib/db/audit";
import { noticeAppUrl } from "@/lib/db/notices";
import { roleLabels, type WorkspaceRole } from "@/lib/auth/roles";

export const INVITATION_DAYS = 7;
const DAY_MS = 86_400_000;

/** A refusal the person can act on; the message is shown as-is. */
export class MemberChangeRefused extends Error {}

export function hashInvitationToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

export function invitationUrl(token: string, appUrl = noticeAppUrl()): string {
  return `${appUrl}/invite/${token}`;
}

function formatDay(date: Date): string {
  return date.toLocaleDateString("en-US", { timeZone: "UTC", year: "numeric", month: "long", day: "numeric" });
}

function article(label: string): string {
  return /^[aeiou]/i.test(label) ? "an" : "a";
}

export function renderInvitation(input: {
  workspaceName: string;
  inviterName: string;
  role: WorkspaceRole;
  url: string;
  expiresAt: Date;
}): { subject: string; body: string } {
  const label = roleLabels[input.role].toLowerCase();
  const can =
    input.role === "OWNER"
      ? "Owners manage billing and members."
      : input.role === "BILLING_ADMIN"
        ? "Billing admins manage the plan, credits, packages and API keys."
        : "Viewers see usage, balances and invoices, and change nothing.";
  return {
    subject: `${input.inviterName} invited you to ${input.workspaceName} on Meterdesk`,
    body: [
      `${input.inviterName} invited you to join the workspace ${input.workspaceName} as ${article(label)} ${label}.`,
      can,
      "",
      `Accept the invitation: ${input.url}`,
      "",
      `The link works once and until ${formatDay(input.expiresAt)} (UTC). Sign in or create an account with this email address to accept.`,
      "If you were not expecting this, you can ignore this email.",
    ].join("\n"),
  };
}

export interface InviteInput {
  workspaceId: string;
  email: string;
  role: WorkspaceRole;
  actor: Actor;
  now: Date;
}

/** Creates the invitation and its email (an outbox row) in one transaction. Returns the link. */
export async function inviteMember(prisma: PrismaClient, input: InviteInput) {
  const email = normaliseEmail(input.email);
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(input.now.getTime() + INVITATION_DAYS * DAY_MS);
  const url = invitationUrl(token);
  return prisma.$transaction(async (tx) => {
    const workspace = await tx.workspace.findUniqueOrThrow({ where: { id: input.workspaceId }, select: { name: true } });
    const existing = await tx.membership.findFirst({
      where: { workspaceId: input.workspaceId, user: { email } },
      select: { userId: true },
    });
    if (existing) throw new MemberChangeRefused(`${email} is already a member of this workspace.`);
    // A new invitation replaces any earlier one still open for the same address.
    await tx.invitation.updateMany({
      where: { workspaceId: input.workspaceId, email, acceptedAt: null, revokedAt: null },
      data: { revokedAt: input.now },
    });
    const invitation = await tx.invitation.create({
      data: {
        workspaceId: input.workspaceId,
        tokenHash: hashInvitationToken(token),
        email,
        role: input.role,
        invitedById: input.actor.id,
        createdAt: input.now,
        expiresAt,
      },
      select: { id: true },
    });
    const inviter = input.actor.id ? await tx.user.findUnique({ where: { id: input.actor.id }, select: { name: true } }) : null;
    const { subject, body } = renderInvitation({
      workspaceName: workspace.name,
      inviterName: inviter?.name || input.actor.email,
      role: input.role,
      url,
      expiresAt,
    });
    await tx.notificationOutbox.create({
      data: {
        workspaceId: input.workspaceId,
        dedupeKey: `invitation:${invitation.id}`,
        kind: "invitation",
        toEmail: email,
        subject,
        body,
        createdAt: input.now,
        userId: null,
      },
    });
    await writeAudit(tx, {
      workspaceId: input.workspaceId,
      actor: input.actor,
      action: "member.invited",
      detail: { invitationId: invitation.id, email, role: input.role, expiresAt: expiresAt.toISOString() },
      now: input.now,
    });
    return { invitationId: invitation.id, email, expiresAt, url };
  });
}

export type InvitationStatus = "open" | "expired" | "revoked" | "used" | "unknown";

function statusOf(row: { expiresAt: Date; acceptedAt: Date | null; revokedAt: Date | null }, now: Date): InvitationStatus {
  if (row.acceptedAt) return "used";
  if (row.revokedAt) return "revoked";
  if (row.expiresAt.getTime() <= now.getTime()) return "expired";
  return "open";
}

/** What the invitation page shows for a link: never the token's hash, only what the invitee needs. */
export async function lookUpInvitation(prisma: PrismaClient, token: string, now: Date) {
  const row = await prisma.invitation.findUnique({
    where: { tokenHash: hashInvitationToken(token) },
    select: {
      email: true,
      role: true,
      expiresAt: true,
      acceptedAt: true,
      revokedAt: true,
      workspace: { select: { name: true, slug: true } },
    },
  });
  if (!row) return { status: "unknown" as const };
  return {
    status: statusOf(row, now),
    email: row.email,
    role: row.role as WorkspaceRole,
    expiresAt: row.expiresAt,
    workspace: row.workspace,
  };
}

export const invitationRefusals: Record<Exclude<InvitationStatus, "open">, string> = {
  unknown: "This invitation link is not valid. Ask the person who invited you for a new one.",
  expired: "This invitation has expired. Ask the person who invited you to send a new one.",
  revoked: "This invitation was withdrawn. Ask the person who invited you if you still need access.",
  used: "This invitation has already been used.",
};

/**
 * Accepts an invitation for the signed-in user. The invitation row is locked,
 * so two tabs accepting at once make one membership; the user's email must be
 * the invited one.
 */
export async function acceptInvitation(prisma: PrismaClient, input: AcceptInput) {
  return prisma.$transaction(async (tx) => acceptInvitationIn(tx, input));
}

type AcceptInput = { token: string; user: { id: string; email: string }; now: Date };

/** acceptInvitation inside the caller's transaction (sign-up through an invitation creates the user in the same one). */
export async function acceptInvitationIn(tx: Tx, input: AcceptInput) {
  const tokenHash = hashInvitationToken(input.token);
  const locked = await tx.$queryRaw<{ workspaceId: string; id: string }[]>`
    SELECT "workspaceId"::text AS "workspaceId", "id"::text AS "id" FROM "Invitation" WHERE "tokenHash" = ${tokenHash} FOR UPDATE`;
  const key = locked[0];
  if (!key) throw new MemberChangeRefused(invitationRefusals.unknown);
  const invitation = await tx.invitation.findUniqueOrThrow({
    where: { workspaceId_id: { workspaceId: key.workspaceId, id: key.id } },
    select: { email: true, role: true, expiresAt: true, acceptedAt: true, revokedAt: true, workspace: { select: { slug: true } } },
  });
  const status = statusOf(invitation, input.now);
  if (status !== "open") throw new MemberChangeRefused(invitationRefusals[status]);
  if (normaliseEmail(input.user.email) !== invitation.email) {
    throw new MemberChangeRefused(
      `This invitation is for ${invitation.email}, but you are signed in as ${input.user.email}. Sign out and sign in with the invited address.`,
    );
  }
  const existing = await tx.membership.findUnique({
    where: { workspaceId_userId: { workspaceId: key.workspaceId, userId: input.user.id } },
    select: { role: true },
  });
  // Already a member (joined another way): the invitation is used up; the role stays as it is.
  if (!existing) {
    await tx.membership.create({
      data: { workspaceId: key.workspaceId, userId: input.user.id, role: invitation.role, createdAt: input.now },
    });
  }
  await tx.invitation.update({
    where: { workspaceId_id: { workspaceId: key.workspaceId, id: key.id } },
    data: { acceptedAt: input.now, acceptedById: input.user.id },
  });
  await writeAudit(tx, {
    workspaceId: key.workspaceId,
    actor: { id: input.user.id, email: input.user.email, role: existing?.role ?? invitation.role },
    action: "member.joined",
    detail: { invitationId: key.id, role: existing?.role ?? invitation.role },
    now: input.now,
  });
  return { slug: invitation.workspace.slug, role: (existing?.role ?? invitation.role) as WorkspaceRole };
}

export async function listOpenInvitations(prisma: PrismaClient, workspaceId: string, now: Date) {
  return prisma.invitation.findMany({
    where: { workspaceId, acceptedAt: null, revokedAt: null, expiresAt: { gt: now } },
    orderBy: { createdAt: "desc" },
    select: { id: true, email: true, role: true, createdAt: true, expiresAt: true },
  });
}

export async function revokeInvitation(
  prisma: PrismaClient,
  input: { workspaceId: string; invitationId: string; actor: Actor; now: Date; allowedRoles: readonly WorkspaceRole[] },
) {
  return prisma.$transaction(async (tx) => {
    const row = await tx.invitation.findUnique({
      where: { workspaceId_id: { workspaceId: input.workspaceId, id: input.invitationId } },
      select: { email: true, role: true, acceptedAt: true, revokedAt: true },
    });
    if (!row) throw new MemberChangeRefused("This invitation no longer exists.");
    if (!input.allowedRoles.includes(row.role as WorkspaceRole))
      throw new MemberChangeRefused("Only owners can withdraw an owner's invitation.");
    if (row.acceptedAt) throw new MemberChangeRefused("This invitation was already accepted.");
    if (row.revokedAt) return { changed: false };
    await tx.invitation.update({
      where: { workspaceId_id: { workspaceId: input.workspaceId, id: input.invitationId } },
      data: { revokedAt: input.now },
    });
    await writeAudit(tx, {
      workspaceId: input.workspaceId,
      actor: input.actor,
      action: "member.invitation_revoked",
      detail: { invitationId: input.invitationId, email: row.email },
      now: input.now,
    });
    return { changed: true };
  });
}

/** Locks the workspace's owner memberships and returns their user ids. */
async function lockOwners(tx: Tx, workspaceId: string): Promise<string[]> {
  const rows = await tx.$queryRaw<{ userId: string }[]>`
    SELECT "userId"::text AS "userId" FROM "Membership"
    WHERE "workspaceId" = ${workspaceId}::uuid AND "role" = 'OWNER'
    ORDER BY "userId" FOR UPDATE`;
  return rows.map((row) => row.userId);
}

const LAST_OWNER = "A workspace needs at least one owner. Make someone else an owner first.";

export async function changeMemberRole(
  prisma: PrismaClient,
  input: { workspaceId: string; userId: string; role: WorkspaceRole; actor: Actor; now: Date },
) {
  return prisma.$transaction(async (tx) => {
    const owners = await lockOwners(tx, input.workspaceId);
    const member = await tx.membership.findUnique({
      where: { workspaceId_userId: { workspaceId: input.workspaceId, userId: input.userId } },
      select: { role: true, user: { select: { email: true } } },
    });
    if (!member) throw new MemberChangeRefused("This person is no longer a member of the workspace.");
    if (member.role === input.role) return { changed: false };
    if (member.role === "OWNER" && owners.length <= 1) throw new MemberChangeRefused(LAST_OWNER);
    await tx.membership.update({
      where: { workspaceId_userId: { workspaceId: input.workspaceId, userId: input.userId } },
      data: { role: input.role },
    });
    await writeAudit(tx, {
      workspaceId: input.workspaceId,
      actor: input.actor,
      action: "member.role_changed",
      detail: { userId: input.userId, email: member.user.email, from: member.role, to: input.role },
      now: input.now,
    });
    return { changed: true };
  });
}

export async function removeMember(prisma: PrismaClient, input: { workspaceId: string; userId: string; actor: Actor; now: Date }) {
  return prisma.$transaction(async (tx) => {
    const owners = await lockOwners(tx, input.workspaceId);
    const member = await tx.membership.findUnique({
      where: { workspaceId_userId: { workspaceId: input.workspaceId, userId: input.userId } },
      select: { role: true, user: { select: { email: true } } },
    });
    if (!member) return { changed: false };
    if (member.role === "OWNER" && owners.length <= 1) throw new MemberChangeRefused(LAST_OWNER);
    await tx.membership.delete({ where: { workspaceId_userId: { workspaceId: input.workspaceId, userId: input.userId } } });
    await writeAudit(tx, {
      workspaceId: input.workspaceId,
      actor: input.actor,
      action: "member.removed",
      detail: { userId: input.userId, email: member.user.email, role: member.role },
      now: input.now,
    });
    return { changed: true };
  });
}
