import "server-only";

// Sign-up: a user and their first workspace on the Free plan, in one
// transaction, so that a failure leaves neither behind. Through an
// invitation, the user joins the inviting workspace instead (in the same
// transaction: a refused invitation creates no user) and gets none of their own.
import { db } from "@/lib/db";
import { createUser, createWorkspace, signUpPlanCode } from "@/lib/db/accounts";
import { writeAudit } from "@/lib/db/audit";
import { acceptInvitationIn } from "@/lib/db/invitations";

export interface Registration {
  name: string;
  email: string;
  passwordHash: string | null;
  /** The new workspace's name; not asked when joining through an invitation. */
  workspaceName?: string;
  /** The token of the invitation link the user signed up from. */
  invitationToken?: string;
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
    if (registration.invitationToken) {
      const joined = await acceptInvitationIn(tx, { token: registration.invitationToken, user, now });
      return { user, workspace: { slug: joined.slug } };
    }
    if (!registration.workspaceName) throw new Error("registerUser: a workspace name is needed without an invitation");
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
