import "server-only";

// Changes to a workspace's own settings, each with its audit row in the same
// transaction.
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { assertSafeName } from "@/lib/names";
import { writeAudit, type Actor } from "./audit";

export async function renameWorkspace(prisma: PrismaClient, input: { workspaceId: string; name: string; actor: Actor; now: Date }) {
  // Behind the form's own check: the name is shown to teammates and support staff.
  assertSafeName(input.name, "The workspace name");
  return prisma.$transaction(async (tx) => {
    const before = await tx.workspace.findUniqueOrThrow({ where: { id: input.workspaceId }, select: { name: true } });
    if (before.name === input.name) return { changed: false };
    await tx.workspace.update({ where: { id: input.workspaceId }, data: { name: input.name } });
    await writeAudit(tx, {
      workspaceId: input.workspaceId,
      actor: input.actor,
      action: "workspace.renamed",
      detail: { from: before.name, to: input.name },
      now: input.now,
    });
    return { changed: true };
  });
}
