import "server-only";

// The append-only audit trail (R11). Rows are only ever inserted.
import type { Tx } from "@/lib/db";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { Prisma } from "@/lib/generated/prisma/client";

/** Who did it: a member (their role), support staff, or the system. */
export interface Actor {
  id: string | null;
  email: string;
  role: string;
}

export interface AuditEntry {
  workspaceId: string;
  actor: Actor;
  action: string;
  reason?: string;
  detail?: Prisma.InputJsonValue;
  /** A support action's key (R11): a second row with the same key is refused. */
  idempotencyKey?: string;
  now: Date;
}

export async function writeAudit(tx: Tx, entry: AuditEntry): Promise<void> {
  await tx.auditLog.create({
    data: {
      workspaceId: entry.workspaceId,
      createdAt: entry.now,
      actorId: entry.actor.id,
      actorEmail: entry.actor.email,
      actorRole: entry.actor.role,
      action: entry.action,
      reason: entry.reason ?? "",
      detail: entry.detail ?? {},
      idempotencyKey: entry.idempotencyKey ?? null,
    },
  });
}

/** R11: every staff view of an account is audited, as its own row. */
export async function recordStaffView(prisma: PrismaClient, input: { workspaceId: string; actor: Actor; now: Date }): Promise<void> {
  await prisma.$transaction((tx) =>
    writeAudit(tx, { workspaceId: input.workspaceId, actor: input.actor, action: "support.view_account", now: input.now }),
  );
}
