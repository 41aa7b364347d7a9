import "server-only";

// R11: support grants prepaid credits, seeing the effect first — the prepaid
// balance now and after — as steps for lib/db/support/previewed.ts (applied
// only onto the previewed balance, once per key, with its audit row in the
// same transaction as the ledger entry). The ledger entry carries the same
// key, so even a replay that got past the audit row would not grant twice.
import type { Actor } from "@/lib/db/audit";
import { grantPrepaid } from "@/lib/db/ledger/grants";
import type { PreviewedSteps } from "./previewed";

export interface GrantPreview {
  credits: string;
  prepaidBefore: string;
  prepaidAfter: string;
}

export function grantSteps(
  workspaceId: string,
  credits: bigint,
  meta: { reason: string; actor: Actor; idempotencyKey: string; now: Date },
): PreviewedSteps<{ prepaid: bigint }, GrantPreview> {
  if (credits <= 0n) throw new RangeError("a grant must be positive");
  return {
    async read(tx) {
      const balance = await tx.creditBalance.findUnique({ where: { workspaceId }, select: { prepaid: true } });
      return balance ?? { missing: "This account no longer exists." };
    },
    preview: ({ prepaid }) => ({
      credits: credits.toString(),
      prepaidBefore: prepaid.toString(),
      prepaidAfter: (prepaid + credits).toString(),
    }),
    async apply(tx, _state, preview) {
      await grantPrepaid(tx, {
        workspaceId,
        credits,
        kind: "SUPPORT",
        idempotencyKey: meta.idempotencyKey,
        reason: meta.reason,
        grantedById: meta.actor.id,
        at: meta.now,
      });
      return { before: { prepaid: preview.prepaidBefore }, after: { prepaid: preview.prepaidAfter } };
    },
  };
}
