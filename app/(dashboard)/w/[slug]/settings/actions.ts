"use server";

// Workspace settings mutations. Each checks the caller's role on the server.
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { workspaceAction, type ActionResult } from "@/lib/actions/safe-action";
import { db } from "@/lib/db";
import { renameWorkspace } from "@/lib/db/workspace-settings";
import { nameField } from "@/lib/names";

// The name is shown to teammates and support staff: no control or text-direction characters.
const renameSchema = z.object({ name: nameField("Enter a name.") });

const rename = workspaceAction("owner", renameSchema, async ({ name }, ctx) => {
  const result = await renameWorkspace(await db(), {
    workspaceId: ctx.workspace.id,
    name,
    actor: ctx.actor,
    now: ctx.now,
  });
  revalidatePath(`/w/${ctx.workspace.slug}`, "layout");
  return result;
});

export type RenameState = ActionResult<{ changed: boolean }> | null;

export async function renameWorkspaceAction(_previous: RenameState, formData: FormData): Promise<RenameState> {
  return rename(String(formData.get("slug") ?? ""), { name: formData.get("name") });
}
