"use server";

// API key mutations (R10): create (the secret comes back once, in this
// response only) and revoke. Owners and billing admins only: each action
// checks "manage-billing" on the server, whatever the page showed.
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { ActionError, workspaceAction, type ActionResult } from "@/lib/actions/safe-action";
import { db } from "@/lib/db";
import { UNSAFE_NAME_MESSAGE, unsafeNameCharacter } from "@/lib/names";
import { API_KEY_NAME_MAX, ApiKeyError, createApiKey, revokeApiKey } from "@/lib/db/api-keys";

const createSchema = z.object({
  name: z
    .string("Enter a name for the key.")
    .trim()
    .min(1, "Enter a name for the key.")
    .max(API_KEY_NAME_MAX, `Use at most ${API_KEY_NAME_MAX} characters.`)
    .refine((name) => unsafeNameCharacter(name) === null, UNSAFE_NAME_MESSAGE),
});

const revokeSchema = z.object({ keyId: z.uuid("Choose a key to revoke.") });

/** Expected refusals from the data layer become messages for the form. */
async function refusalsAsMessages<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ApiKeyError) throw new ActionError(error.message);
    throw error;
  }
}

const create = workspaceAction("manage-billing", createSchema, async ({ name }, ctx) => {
  // R8.5: after retention the workspace's keys and usage were deleted; no new key can be used.
  if (ctx.workspace.billingState === "DELETED") {
    throw new ActionError("This workspace's API keys and usage were deleted after its unpaid invoice. Contact support to start again.");
  }
  const key = await refusalsAsMessages(async () =>
    createApiKey(await db(), {
      workspaceId: ctx.workspace.id,
      name,
      actor: ctx.actor,
      now: ctx.now,
    }),
  );
  revalidatePath(`/w/${ctx.workspace.slug}/api-keys`);
  return key;
});

const revoke = workspaceAction("manage-billing", revokeSchema, async ({ keyId }, ctx) => {
  const key = await refusalsAsMessages(async () =>
    revokeApiKey(await db(), {
      workspaceId: ctx.workspace.id,
      keyId,
      actor: ctx.actor,
      now: ctx.now,
    }),
  );
  revalidatePath(`/w/${ctx.workspace.slug}/api-keys`);
  return { id: key.id, name: key.name };
});

export type CreateApiKeyState = ActionResult<{ id: string; name: string; prefix: string; secret: string }> | null;
export type RevokeApiKeyState = ActionResult<{ id: string; name: string }> | null;

export async function createApiKeyAction(_previous: CreateApiKeyState, formData: FormData): Promise<CreateApiKeyState> {
  return create(String(formData.get("slug") ?? ""), { name: formData.get("name") });
}

export async function revokeApiKeyAction(_previous: RevokeApiKeyState, formData: FormData): Promise<RevokeApiKeyState> {
  return revoke(String(formData.get("slug") ?? ""), { keyId: formData.get("keyId") });
}
