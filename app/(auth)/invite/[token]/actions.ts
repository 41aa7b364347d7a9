"use server";

// Accepting an invitation: the signed-in user joins the workspace with the
// invited role, when their email is the invited one (lib/db/invitations.ts).
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { getSessionUser } from "@/lib/auth/access";
import { now } from "@/lib/clock";
import { db } from "@/lib/db";
import { acceptInvitation, MemberChangeRefused } from "@/lib/db/invitations";

export type AcceptState = { ok: false; error: string } | null;

const tokenSchema = z.string().regex(/^[A-Za-z0-9_-]{20,100}$/);

export async function acceptInvitationAction(_previous: AcceptState, formData: FormData): Promise<AcceptState> {
  const token = tokenSchema.safeParse(formData.get("token"));
  if (!token.success) return { ok: false, error: "This invitation link is not valid. Ask the person who invited you for a new one." };
  const user = await getSessionUser();
  if (!user) return { ok: false, error: "Sign in first, then open the invitation link again." };
  let slug: string;
  try {
    slug = (await acceptInvitation(await db(), { token: token.data, user, now: now() })).slug;
  } catch (error) {
    if (error instanceof MemberChangeRefused) return { ok: false, error: error.message };
    console.error("[invite] accept failed", error);
    return { ok: false, error: "Something went wrong on our side. Nothing was changed; please try again." };
  }
  revalidatePath(`/w/${slug}`, "layout");
  // Straight into the workspace just joined.
  redirect(`/w/${encodeURIComponent(slug)}`);
}
