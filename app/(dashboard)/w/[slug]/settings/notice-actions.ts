"use server";

// A member's own email choices (R13). Every member may set them, viewers too
// ("read" is the permission every member has); the member is always the
// signed-in user, never one named in the form.
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { workspaceAction, type ActionResult } from "@/lib/actions/safe-action";
import { db } from "@/lib/db";
import { setNoticePreference } from "@/lib/db/notices";
import { OPTIONAL_NOTICE_KINDS, type OptionalNoticeKind } from "@/lib/email/notices";

// A checkbox sends "on" when ticked and nothing when not.
const checkbox = z.union([z.literal("on"), z.null()]).transform((value) => value === "on");

const preferencesSchema = z.object(
  Object.fromEntries(OPTIONAL_NOTICE_KINDS.map((kind) => [kind, checkbox])) as Record<OptionalNoticeKind, typeof checkbox>,
);

const savePreferences = workspaceAction("read", preferencesSchema, async (choices, ctx) => {
  const prisma = await db();
  await prisma.$transaction(async (tx) => {
    for (const kind of OPTIONAL_NOTICE_KINDS) {
      await setNoticePreference(tx, { workspaceId: ctx.workspace.id, userId: ctx.user.id, kind, enabled: choices[kind], now: ctx.now });
    }
  });
  revalidatePath(`/w/${ctx.workspace.slug}/settings`);
  return choices as Record<OptionalNoticeKind, boolean>;
});

export type NoticePreferencesState = ActionResult<Record<OptionalNoticeKind, boolean>> | null;

export async function saveNoticePreferencesAction(_previous: NoticePreferencesState, formData: FormData): Promise<NoticePreferencesState> {
  return savePreferences(
    String(formData.get("slug") ?? ""),
    Object.fromEntries(OPTIONAL_NOTICE_KINDS.map((kind) => [kind, formData.get(kind)])),
  );
}
