import "server-only";

// Applying a support action exactly as previewed (R11). Each action is three
// steps: read its state under the locks it needs, work out the preview from
// that state (pure), and apply the change. The preview's token is a digest of
// the preview itself: applying re-reads the state under the locks, and if
// the preview it would show now differs from the one the staff member saw,
// nothing is applied and the new preview comes back. A key made with the
// preview is stored on the audit row (unique per workspace), so the same
// confirmation twice applies once. The effect and its audit row — who, when,
// what, why, before and after — commit in one transaction.
import { createHash } from "node:crypto";
import type { Previewed, PreviewedApplied } from "@/lib/actions/previewed";
import { ActionError } from "@/lib/actions/safe-action";
import type { Tx } from "@/lib/db";
import { writeAudit, type Actor } from "@/lib/db/audit";
import { withTransactionRetry } from "@/lib/db/ledger/retry";
import type { Prisma, PrismaClient } from "@/lib/generated/prisma/client";

export interface PreviewedSteps<S, P> {
  /** Locks what the action changes and reads it; `{ missing }`: nothing to act on, and why (shown to the staff member). */
  read: (tx: Tx) => Promise<S | { missing: string }>;
  preview: (state: S) => P;
  /** Makes the change; returns what the audit row records as before and after. */
  apply: (tx: Tx, state: S, preview: P) => Promise<{ before: Prisma.InputJsonValue; after: Prisma.InputJsonValue }>;
}

export interface Confirmation {
  workspaceId: string;
  /** The audit action, e.g. "support.extend_grace". */
  action: string;
  reason: string;
  actor: Actor;
  idempotencyKey: string;
  /** The token of the preview the staff member confirmed. */
  token: string;
  now: Date;
}

export function previewToken(preview: unknown): string {
  return createHash("sha256").update(JSON.stringify(preview)).digest("base64url");
}

function isMissing<S>(state: S | { missing: string }): state is { missing: string } {
  return typeof state === "object" && state !== null && "missing" in state;
}

/** The preview of an action now, with its token. */
export async function previewAction<S, P>(prisma: PrismaClient, steps: PreviewedSteps<S, P>): Promise<Previewed<P>> {
  const state = await prisma.$transaction((tx) => steps.read(tx));
  if (isMissing(state)) throw new ActionError(state.missing);
  const preview = steps.preview(state);
  return { preview, token: previewToken(preview) };
}

export async function applyPreviewed<S, P>(
  prisma: PrismaClient,
  confirmation: Confirmation,
  steps: PreviewedSteps<S, P>,
): Promise<PreviewedApplied<P>> {
  return withTransactionRetry(() =>
    prisma.$transaction(async (tx): Promise<PreviewedApplied<P>> => {
      // Every support action on one account is serialised behind these locks, taken in the
      // order the debits and the billing run take them: the balance, then the workspace.
      await tx.$queryRaw`SELECT 1 FROM "CreditBalance" WHERE "workspaceId" = ${confirmation.workspaceId}::uuid FOR UPDATE`;
      await tx.$queryRaw`SELECT 1 FROM "Workspace" WHERE "id" = ${confirmation.workspaceId}::uuid FOR NO KEY UPDATE`;
      const done = await tx.auditLog.findUnique({
        where: { workspaceId_idempotencyKey: { workspaceId: confirmation.workspaceId, idempotencyKey: confirmation.idempotencyKey } },
        select: { action: true },
      });
      if (done) return { status: "replayed" };
      const state = await steps.read(tx);
      if (isMissing(state)) throw new ActionError(state.missing);
      const preview = steps.preview(state);
      const token = previewToken(preview);
      if (token !== confirmation.token) return { status: "changed", preview, token };
      const { before, after } = await steps.apply(tx, state, preview);
      await writeAudit(tx, {
        workspaceId: confirmation.workspaceId,
        actor: confirmation.actor,
        action: confirmation.action,
        reason: confirmation.reason,
        detail: { before, after },
        idempotencyKey: confirmation.idempotencyKey,
        now: confirmation.now,
      });
      return { status: "applied" };
    }),
  );
}
