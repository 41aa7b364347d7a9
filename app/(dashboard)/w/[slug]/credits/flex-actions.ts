"use server";

// The flex billing switch on the Credits page (R5.5). Owners and billing
// admins only: the action checks "manage-billing" on the server, whatever the
// page showed. A change the rules refuse (Free plan, pay as you go without a
// card) comes back as its plain message.
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { ActionError, workspaceAction, type ActionResult } from "@/lib/actions/safe-action";
import { db } from "@/lib/db";
import { FlexSettingRefused, setFlexEnabled } from "@/lib/db/billing/flex-setting";
import { paymentGateway } from "@/lib/payments";

const flexSchema = z.object({ enabled: z.boolean() });

const switchFlex = workspaceAction("manage-billing", flexSchema, async (input, ctx) => {
  let outcome;
  try {
    outcome = await setFlexEnabled(await db(), paymentGateway(), {
      workspaceId: ctx.workspace.id,
      enabled: input.enabled,
      actor: ctx.actor,
      now: ctx.now,
    });
  } catch (error) {
    if (error instanceof FlexSettingRefused) throw new ActionError(error.message);
    throw error;
  }
  // Where flex being on or off is shown: the Overview, the Plan page and this page.
  const base = `/w/${ctx.workspace.slug}`;
  revalidatePath(base);
  revalidatePath(`${base}/plan`);
  revalidatePath(`${base}/credits`);
  return outcome;
});

/** Turns flex billing on or off; asking for the state it already has changes nothing. */
export async function setFlexEnabledAction(
  slug: string,
  input: { enabled: boolean },
): Promise<ActionResult<{ enabled: boolean; changed: boolean }>> {
  return switchFlex(slug, input);
}
