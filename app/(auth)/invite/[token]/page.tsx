// An invitation link (/invite/<token>): who invited you where, with which
// role; then join (signed in with the invited email), sign in or sign up and
// come back, or a clear message when the link no longer works or the account
// is not the invited one. Opening the page changes nothing; joining is a button.
import type { Metadata } from "next";
import Link from "next/link";
import { Alert } from "@/components/ui/alert";
import { buttonClassName } from "@/components/ui/button";
import { formatDateTime } from "@/components/billing/dates";
import { getSessionUser } from "@/lib/auth/access";
import { roleLabels } from "@/lib/auth/roles";
import { now } from "@/lib/clock";
import { db } from "@/lib/db";
import { normaliseEmail } from "@/lib/db/accounts";
import { invitationRefusals, lookUpInvitation } from "@/lib/db/invitations";
import { AcceptInvitationForm, SignOutAndBack } from "./accept-form";

export const metadata: Metadata = { title: "Invitation", referrer: "no-referrer" };
export const dynamic = "force-dynamic";

export default async function InvitationPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const valid = /^[A-Za-z0-9_-]{20,100}$/.test(token);
  const [invitation, user] = await Promise.all([
    valid ? lookUpInvitation(await db(), token, now()) : Promise.resolve({ status: "unknown" as const }),
    getSessionUser(),
  ]);

  if (invitation.status !== "open") {
    return (
      <>
        <Heading title="This invitation cannot be used" />
        <Alert tone="warning">{invitationRefusals[invitation.status]}</Alert>
        <p className="mt-5 text-center text-sm">
          <Link href={user ? "/" : "/sign-in"} className="font-medium text-primary hover:underline">
            {user ? "Go to your workspaces" : "Sign in"}
          </Link>
        </p>
      </>
    );
  }

  const here = `/invite/${token}`;
  const role = roleLabels[invitation.role].toLowerCase();
  const intro = (
    <p className="text-sm text-muted-foreground">
      You are invited to join <span className="font-medium text-foreground">{invitation.workspace.name}</span> as{" "}
      {role === "owner" ? "an" : "a"} {role}. The invitation is for <span className="font-medium text-foreground">{invitation.email}</span>{" "}
      and works until {formatDateTime(invitation.expiresAt)}.
    </p>
  );

  if (!user) {
    return (
      <>
        <Heading title={`Join ${invitation.workspace.name}`} />
        <div className="space-y-5">
          {intro}
          <p className="text-sm text-muted-foreground">
            Create an account with that email address to join at once, or sign in to the one you already have.
          </p>
          <div className="space-y-3">
            <Link
              href={`/sign-up?next=${encodeURIComponent(here)}&email=${encodeURIComponent(invitation.email)}`}
              className={buttonClassName({ className: "h-10 w-full" })}
            >
              Create an account
            </Link>
            <Link
              href={`/sign-in?callbackUrl=${encodeURIComponent(here)}`}
              className={buttonClassName({ variant: "secondary", className: "h-10 w-full" })}
            >
              I already have an account
            </Link>
          </div>
        </div>
      </>
    );
  }

  if (normaliseEmail(user.email) !== invitation.email) {
    return (
      <>
        <Heading title="This invitation is for another account" />
        <div className="space-y-5">
          <Alert tone="warning">
            This invitation is for {invitation.email}, but you are signed in as {user.email}. Sign out, then sign in or create an account
            with {invitation.email}.
          </Alert>
          <SignOutAndBack token={token} />
        </div>
      </>
    );
  }

  return (
    <>
      <Heading title={`Join ${invitation.workspace.name}`} />
      <div className="space-y-5">
        {intro}
        <AcceptInvitationForm token={token} workspaceName={invitation.workspace.name} />
      </div>
    </>
  );
}

function Heading({ title }: { title: string }) {
  return <h1 className="mb-4 text-xl font-semibold tracking-tight">{title}</h1>;
}
