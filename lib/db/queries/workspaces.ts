import "server-only";

// Reads of workspaces and memberships for access checks and the app shell.
import type { Tx } from "@/lib/db";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { WorkspaceRole } from "@/lib/auth/roles";

type Reader = PrismaClient | Tx;

export interface WorkspaceSummary {
  id: string;
  slug: string;
  name: string;
  role: WorkspaceRole;
}

export async function listUserWorkspaces(db: Reader, userId: string): Promise<WorkspaceSummary[]> {
  const rows = await db.membership.findMany({
    where: { userId },
    select: { role: true, workspace: { select: { id: true, slug: true, name: true } } },
    orderBy: { createdAt: "asc" },
  });
  return rows.map((row) => ({ ...row.workspace, role: row.role }));
}

export async function findMembershipBySlug(db: Reader, userId: string, slug: string) {
  const workspace = await db.workspace.findUnique({
    where: { slug },
    select: {
      id: true,
      slug: true,
      name: true,
      createdAt: true,
      billingState: true,
      flexEnabled: true,
      graceEndsAt: true,
      retentionEndsAt: true,
      memberships: { where: { userId }, select: { role: true } },
      subscriptions: {
        where: { status: "ACTIVE" },
        take: 1,
        select: {
          currentPeriodStart: true,
          currentPeriodEnd: true,
          cancelAtPeriodEnd: true,
          plan: { select: { code: true, name: true, interval: true, feeCents: true, includedCredits: true, flexAllowed: true } },
        },
      },
    },
  });
  const membership = workspace?.memberships[0];
  if (!workspace || !membership) return null;
  const { memberships: _memberships, subscriptions, ...rest } = workspace;
  void _memberships;
  const subscription = subscriptions[0] ?? null;
  return {
    role: membership.role as WorkspaceRole,
    workspace: rest,
    plan: subscription?.plan ?? null,
    subscription: subscription
      ? {
          currentPeriodStart: subscription.currentPeriodStart,
          currentPeriodEnd: subscription.currentPeriodEnd,
          cancelAtPeriodEnd: subscription.cancelAtPeriodEnd,
        }
      : null,
  };
}
