"use server";

// Sign-up: the form's action. The work (validation, the per-address limit,
// creating the user and a workspace) is lib/auth/sign-up.ts. With a plan picked
// on /pricing, the answer also says where to go once signed in.
import { headers } from "next/headers";
import { z } from "zod";
import { now } from "@/lib/clock";
import { signUpWithPassword, type SignUpState } from "@/lib/auth/sign-up";
import { db } from "@/lib/db";
import { normaliseEmail } from "@/lib/db/accounts";
import { env } from "@/lib/env";
import { clientAddress } from "@/lib/http/client-address";

export type SignUpAnswer = SignUpState & {
  /** The new workspace's slug (only with a picked plan). */
  slug?: string;
  /** The picked plan, when the workspace is not on it (it needs a card): add one and confirm it on the Plan page. */
  confirmOn?: string;
};

const planCodeSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_]*$/)
  .max(60);

export async function signUpAction(_previous: SignUpAnswer, formData: FormData): Promise<SignUpAnswer> {
  const requestHeaders = await headers();
  const planCode = planCodeSchema.safeParse(formData.get("plan") ?? "");
  const state = await signUpWithPassword(
    {
      name: formData.get("name") ?? "",
      email: formData.get("email") ?? "",
      password: formData.get("password") ?? "",
      workspaceName: formData.get("workspaceName") || undefined,
      // From an invitation link: the account joins that workspace and gets none of its own.
      invitationToken: formData.get("invitation") || undefined,
      // Read by lib/auth/sign-up.ts for a plan that needs no card; a plan that needs one is refused there and starts on Free.
      planCode: planCode.success ? planCode.data : undefined,
    },
    { address: clientAddress((name) => requestHeaders.get(name), env().TRUST_PROXY), at: now() },
  );
  if (!state.ok || !state.email || state.joined || !planCode.success) return state;
  return { ...state, ...(await nextStepFor(state.email, planCode.data)) };
}

/** Where a new account with a picked plan goes next, from what was actually created. */
async function nextStepFor(email: string, planCode: string): Promise<Pick<SignUpAnswer, "slug" | "confirmOn">> {
  const prisma = await db();
  const [plan, membership] = await Promise.all([
    prisma.plan.findUnique({ where: { code: planCode }, select: { code: true } }),
    prisma.membership.findFirst({
      where: { user: { email: normaliseEmail(email) }, role: "OWNER" },
      orderBy: { createdAt: "asc" },
      select: {
        workspace: {
          select: { slug: true, subscriptions: { where: { status: "ACTIVE" }, select: { plan: { select: { code: true } } }, take: 1 } },
        },
      },
    }),
  ]);
  if (!plan || !membership) return {};
  const slug = membership.workspace.slug;
  const current = membership.workspace.subscriptions[0]?.plan.code;
  if (current === plan.code) return { slug };
  return { slug, confirmOn: plan.code };
}
