import "server-only";

// R11: support grants prepaid credits, seeing the effect first. The preview
// is the balance now and after; the grant is applied only onto the balance
// it previewed (if prepaid moved in between, the staff member sees a new
// preview), once per idempotency key — a double submit applies once — and
// its audit row (who, when, why, before and after) is written in the same
// transaction as the ledger entry.
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { Tx } from "@/lib/db";
import { writeAudit, type Actor } from "@/lib/db/audit";
import { alreadyApplied, grantPrepaid, lockBalance } from "@/lib/db/ledger/grants";

type Reader = PrismaClient | Tx;

export interface GrantPreview {
  prepaidBefore: bigint;
  prepaidAfter: bigint;
}

export async function previewSupportGrant(db: Reader, workspaceId: string, credits: bigint): Promise<GrantPreview | null> {
  const balance = await db.creditBalance.findUnique({ where: { workspaceId }, select: { prepaid: true } });
  if (!balance) return null;
  return { prepaidBefore: balance.prepaid, prepaidAfter: balance.prepaid + credits };
}

export interface SupportGrant {
  workspaceId: string;
  credits: bigint;
  reason: string;
  actor: Actor;
  idempotencyKey: string;
  /** The prepaid balance the preview showed: the grant lands on exactly that. */
  previewedPrepaid: bigint;
  now: Date;
}

export type SupportGrantResult =
  { status: "applied"; prepaid: bigint } | { status: "replayed"; prepaid: bigint } | { status: "changed"; preview: GrantPreview };

export async function applySupportGrant(prisma: PrismaClient, grant: SupportGrant): Promise<SupportGrantResult> {
  if (grant.credits <= 0n) throw new RangeError("a grant must be positive");
  return prisma.$transaction(async (tx) => {
    const balance = await lockBalance(tx, grant.workspaceId);
    if (await alreadyApplied(tx, grant.workspaceId, grant.idempotencyKey)) return { status: "replayed", prepaid: balance.prepaid };
    if (balance.prepaid !== grant.previewedPrepaid) {
      return { status: "changed", preview: { prepaidBefore: balance.prepaid, prepaidAfter: balance.prepaid + grant.credits } };
    }
    await grantPrepaid(tx, {
      workspaceId: grant.workspaceId,
      credits: grant.credits,
      kind: "SUPPORT",
      idempotencyKey: grant.idempotencyKey,
      reason: grant.reason,
      grantedById: grant.actor.id,
      at: grant.now,
    });
    const prepaid = balance.prepaid + grant.credits;
    await writeAudit(tx, {
      workspaceId: grant.workspaceId,
      actor: grant.actor,
      action: "support.grant_prepaid",
      reason: grant.reason,
      detail: {
        credits: grant.credits.toString(),
        before: { prepaid: balance.prepaid.toString() },
        after: { prepaid: prepaid.toString() },
      },
      now: grant.now,
    });
    return { status: "applied", prepaid };
  });
}
