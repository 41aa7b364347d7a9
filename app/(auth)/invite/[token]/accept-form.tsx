"use client";

import { signOut } from "next-auth/react";
import { useActionState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { acceptInvitationAction, type AcceptState } from "./actions";

export function AcceptInvitationForm({ token, workspaceName }: { token: string; workspaceName: string }) {
  // Joining redirects to the workspace; only a refusal comes back here.
  const [state, formAction, pending] = useActionState<AcceptState, FormData>(acceptInvitationAction, null);
  return (
    <form action={formAction} className="space-y-4">
      <input type="hidden" name="token" value={token} />
      {state ? (
        <Alert tone="danger" live>
          {state.error}
        </Alert>
      ) : null}
      <Button type="submit" className="h-10 w-full" disabled={pending}>
        {pending ? "Joining…" : `Join ${workspaceName}`}
      </Button>
    </form>
  );
}

export function SignOutAndBack({ token }: { token: string }) {
  return (
    <Button
      variant="secondary"
      className="h-10 w-full"
      onClick={() => void signOut({ callbackUrl: `/sign-in?callbackUrl=${encodeURIComponent(`/invite/${token}`)}` })}
    >
      Sign out and use another account
    </Button>
  );
}
