// Create an account: the user and their first workspace, on the Free plan
// (R4.1), no card. Two ways in that change what happens after:
// - /sign-up?plan=<code> from /pricing: a plan that needs no card is where the
//   workspace starts; one that needs a card starts on Free, then the Plan page
//   with that plan picked, where the card is added and the change previewed.
// - /sign-up?next=/invite/<token> from an invitation: the account joins the
//   inviting workspace as it is created, with no workspace of its own.
import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { formatPlanFee } from "@/components/billing/labels";
import { getSessionUser, homePathFor } from "@/lib/auth/access";
import { MIN_PASSWORD_LENGTH } from "@/lib/auth/password";
import { FREE_PLAN_CODE } from "@/lib/catalog/schema";
import { now } from "@/lib/clock";
import { db } from "@/lib/db";
import { lookUpInvitation } from "@/lib/db/invitations";
import { listCatalogPlans } from "@/lib/db/queries/catalog";
import { SignUpForm, type PickedPlan } from "./sign-up-form";

export const metadata: Metadata = { title: "Create your account" };

const one = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

export default async function SignUpPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const query = await searchParams;
  const next = one(query.next);
  const invitePath = next && /^\/invite\/[A-Za-z0-9_-]{20,100}$/.test(next) ? next : null;
  const user = await getSessionUser();
  if (user) {
    if (invitePath) redirect(invitePath);
    const home = await homePathFor(user);
    // A signed-in user without a workspace lands here on purpose; don't bounce them.
    if (home !== "/sign-up") redirect(home);
  }

  const planCode = one(query.plan);
  const plan =
    !invitePath && planCode && planCode !== FREE_PLAN_CODE
      ? ((await listCatalogPlans(await db())).find((candidate) => candidate.code === planCode) ?? null)
      : null;
  const picked: PickedPlan | null = plan
    ? { code: plan.code, name: plan.name, fee: formatPlanFee(plan), needsCard: plan.requiresCard }
    : null;
  const email = invitePath ? one(query.email) : undefined;
  const invitation = invitePath ? await lookUpInvitation(await db(), invitePath.slice("/invite/".length), now()) : null;
  const joining = invitation?.status === "open" ? invitation.workspace.name : null;

  return (
    <>
      <div className="mb-6 space-y-1">
        <h1 className="text-xl font-semibold tracking-tight">
          {joining ? `Create your account to join ${joining}` : "Create your account"}
        </h1>
        <p className="text-sm text-muted-foreground">
          {invitePath
            ? "Use the email address your invitation was sent to. Your account joins the workspace as soon as it is created."
            : !picked
              ? "Start on the Free plan. No card needed."
              : picked.needsCard
                ? `You picked ${picked.name} (${picked.fee}). Your workspace starts on Free, with no card. Next, on the Plan page, you add a card and switch to ${picked.name}, seeing what is charged before anything is.`
                : `You picked ${picked.name}. Your workspace starts on it. No card needed.`}
        </p>
      </div>
      <SignUpForm minPasswordLength={MIN_PASSWORD_LENGTH} plan={picked} next={invitePath} email={email} />
    </>
  );
}
