"use server";

// Members and roles. Who may do what (checked here, on the server, whatever the page showed):
// - owners invite anyone (owners too), change roles, remove members and withdraw any invitation;
// - billing admins may invite billing admins and viewers, and withdraw those invitations;
// - viewers change nothing.
// The last owner can be neither demoted nor removed (lib/db/invitations.ts checks it in the transaction).
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { ActionError, workspaceAction, type ActionResult } from "@/lib/actions/safe-action";
import { can, type WorkspaceRole } from "@/lib/auth/roles";
import { db } from "@/lib/db";
import { deliverDueNotices } from "@/lib/db/notices";
import { changeMemberRole, inviteMember, MemberChangeRefused, removeMember, revokeInvitation } from "@/lib/db/invitations";

const settingsPath = (slug: string) => `/w/${slug}/settings`;
const roleField = z.enum(["OWNER", "BILLING_ADMIN", "VIEWER"], { message: "Choose a role." });

function invitableRoles(role: WorkspaceRole): readonly WorkspaceRole[] {
  return can(role, "owner") ? ["OWNER", "BILLING_ADMIN", "VIEWER"] : ["BILLING_ADMIN", "VIEWER"];
}

async function refusalsAsMessages<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof MemberChangeRefused) throw new ActionError(error.message);
    throw error;
  }
}

// ---------------------------------------------------------------- invite

const inviteSchema = z.object({
  email: z.string().trim().toLowerCase().email("Enter a valid email address, like you@company.com.").max(320),
  role: roleField,
});

const invite = workspaceAction("manage-billing", inviteSchema, async ({ email, role }, ctx) => {
  if (!invitableRoles(ctx.role).includes(role)) throw new ActionError("Only owners can invite another owner.");
  const prisma = await db();
  const result = await refusalsAsMessages(() =>
    inviteMember(prisma, { workspaceId: ctx.workspace.id, email, role, actor: ctx.actor, now: ctx.now }),
  );
  // Send it now rather than at the billing run's next minute. Best effort: the
  // row is committed, and the billing run sends whatever is still due.
  await deliverDueNotices(prisma, ctx.now, { maxMessages: 5 }).catch((error: unknown) => {
    console.error("[members] sending the invitation now failed; the billing run will retry", error);
  });
  revalidatePath(settingsPath(ctx.workspace.slug));
  return { email: result.email, expiresAt: result.expiresAt.toISOString() };
});

export type InviteState = ActionResult<{ email: string; expiresAt: string }> | null;

export async function inviteMemberAction(_previous: InviteState, formData: FormData): Promise<InviteState> {
  return invite(String(formData.get("slug") ?? ""), { email: formData.get("email"), role: formData.get("role") });
}

// ---------------------------------------------------------------- withdraw an invitation

const revoke = workspaceAction("manage-billing", z.object({ invitationId: z.string().uuid() }), async ({ invitationId }, ctx) => {
  const result = await refusalsAsMessages(() =>
    db().then((prisma) =>
      revokeInvitation(prisma, {
        workspaceId: ctx.workspace.id,
        invitationId,
        actor: ctx.actor,
        now: ctx.now,
        allowedRoles: invitableRoles(ctx.role),
      }),
    ),
  );
  revalidatePath(settingsPath(ctx.workspace.slug));
  return result;
});

export async function revokeInvitationAction(slug: string, input: { invitationId: string }): Promise<ActionResult<{ changed: boolean }>> {
  return revoke(slug, input);
}

// ---------------------------------------------------------------- roles and removal (owners)

const roleSchema = z.object({ userId: z.string().uuid(), role: roleField });

const setRole = workspaceAction("owner", roleSchema, async ({ userId, role }, ctx) => {
  const result = await refusalsAsMessages(() =>
    db().then((prisma) => changeMemberRole(prisma, { workspaceId: ctx.workspace.id, userId, role, actor: ctx.actor, now: ctx.now })),
  );
  // The layout shows the caller's own role (navigation, view-only notes).
  revalidatePath(`/w/${ctx.workspace.slug}`, "layout");
  return result;
});

export async function changeMemberRoleAction(
  slug: string,
  input: { userId: string; role: string },
): Promise<ActionResult<{ changed: boolean }>> {
  return setRole(slug, input);
}

const remove = workspaceAction("owner", z.object({ userId: z.string().uuid() }), async ({ userId }, ctx) => {
  const result = await refusalsAsMessages(() =>
    db().then((prisma) => removeMember(prisma, { workspaceId: ctx.workspace.id, userId, actor: ctx.actor, now: ctx.now })),
  );
  revalidatePath(`/w/${ctx.workspace.slug}`, "layout");
  return { ...result, left: userId === ctx.user.id };
});

export async function removeMemberAction(
  slug: string,
  input: { userId: string },
): Promise<ActionResult<{ changed: boolean; left: boolean }>> {
  const result = await remove(slug, input);
  // Left the workspace: its pages are no longer theirs.
  if (result.ok && result.data.left) redirect("/");
  return result;
}
