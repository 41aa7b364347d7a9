"use client";

// Confirm or Decline, once: both buttons wait while the answer is sent.
import { useActionState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { authenticatePaymentAction, type AuthenticateState } from "./actions";

export function AuthenticateForm({ chargeId, amount }: { chargeId: string; amount: string }) {
  const [state, formAction, pending] = useActionState<AuthenticateState, FormData>(authenticatePaymentAction, null);
  return (
    <form action={formAction} aria-label="Confirm this payment" className="space-y-4">
      <input type="hidden" name="chargeId" value={chargeId} />
      {state?.error ? (
        <Alert tone="danger" live>
          {state.error}
        </Alert>
      ) : null}
      <div className="flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
        <Button type="submit" name="decision" value="decline" variant="secondary" disabled={pending}>
          Decline
        </Button>
        <Button type="submit" name="decision" value="confirm" variant="primary" disabled={pending} aria-busy={pending || undefined}>
          {pending ? "Confirming…" : `Confirm ${amount}`}
        </Button>
      </div>
    </form>
  );
}
