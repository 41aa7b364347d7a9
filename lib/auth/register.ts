import "server-only";

// Sign-up: a user and their first workspace on the Free plan, in one
// transaction, so that a failure leaves neither behind.
import { db } from "@/lib/db";
import { createUser, createWorkspace, signUpPlanCode } from "@/lib/db/accounts";
import { writeAudit } from "@/lib/db/audit";

export interface Registration {
  name: string;
  email: string;
  passwordHash: string | null;
  workspaceName: string;
  /** Picked on /pricing; kept only when it needs no card (else Free). */
  planCode?: string;
  oauth?: { provider: string; providerAccountId: string };
}

export async function registerUser(registration: Registration, now: Date) {
  const prisma = await db();
  return prisma.$transaction(async (tx) => {
    const user = await createUser(tx, registration);
    if (registration.oauth) {
      await tx.authAccount.create({ data: { userId: user.id, ...registration.oauth } });
    }
    const planCode = await signUpPlanCode(tx, registration.planCode);
    const workspace = await createWorkspace(tx, { ownerId: user.id, name: registration.workspaceName, planCode, now });
    await writeAudit(tx, {
      workspaceId: workspace.id,
      actor: { id: user.id, email: user.email, role: "OWNER" },
      action: "workspace.created",
      detail: { plan: planCode, via: registration.oauth?.provider ?? "password" },
      now,
    });
    return { user, workspace };
  });
}
