"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { signIn } from "next-auth/react";
import { startTransition, useActionState, useEffect, useRef, useState, type FormEvent } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/text-field";
import { signUpAction, type SignUpAnswer } from "./actions";

/** A plan picked on /pricing (sign-up?plan=<code>). */
export interface PickedPlan {
  code: string;
  name: string;
  fee: string;
  needsCard: boolean;
}

const initialState: SignUpAnswer = {};

export function SignUpForm({
  minPasswordLength,
  plan = null,
  next = null,
  email,
}: {
  minPasswordLength: number;
  plan?: PickedPlan | null;
  /** Where to go once signed in (an invitation link), instead of home. */
  next?: string | null;
  /** Prefilled email (the invited address). */
  email?: string;
}) {
  const router = useRouter();
  const [state, formAction, pending] = useActionState(signUpAction, initialState);
  // The password is needed once more, to sign in after the account exists; the
  // action never sends it back.
  const passwordRef = useRef("");
  const signingInFor = useRef<SignUpAnswer | null>(null);
  const [signInError, setSignInError] = useState<string | null>(null);
  const [signingIn, setSigningIn] = useState(false);

  useEffect(() => {
    if (!state.ok || !state.email || signingInFor.current === state) return;
    signingInFor.current = state;
    const email = state.email;
    void (async () => {
      setSigningIn(true);
      const res = await signIn("credentials", { email, password: passwordRef.current, redirect: false }).catch(() => null);
      passwordRef.current = "";
      if (!res || res.error) {
        setSigningIn(false);
        setSignInError("Your account was created, but signing in failed. Sign in with your new password.");
        return;
      }
      if (state.joined) {
        router.replace(`/w/${state.joined}`);
      } else if (next) {
        router.replace(next);
      } else if (state.confirmOn && state.slug) {
        // The picked plan needs a card: the Plan page shows it picked, asks for the card and previews the change.
        router.replace(`/w/${state.slug}/plan?plan=${encodeURIComponent(state.confirmOn)}`);
      } else {
        router.replace("/");
      }
      router.refresh();
    })();
  }, [state, router, next]);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    // Dispatching by hand (instead of letting <form action> do it) keeps what
    // was typed in the fields when the server sends back errors.
    event.preventDefault();
    const formData = new FormData(event.currentTarget);
    passwordRef.current = String(formData.get("password") ?? "");
    setSignInError(null);
    startTransition(() => formAction(formData));
  }

  const errors = state.fieldErrors ?? {};
  // Signing up from an invitation link joins that workspace: no workspace of one's own to name.
  const invitationToken = next?.startsWith("/invite/") ? next.slice("/invite/".length) : null;
  const busy = pending || signingIn;

  return (
    <div className="space-y-5">
      {/* noValidate: the server's messages, shown beside each field, say more than the browser's. */}
      <form action={formAction} onSubmit={onSubmit} className="space-y-4" noValidate>
        {state.error && !state.ok ? (
          <Alert tone="danger" live>
            {state.error}
          </Alert>
        ) : null}
        {signInError ? (
          <Alert tone="warning" live>
            {signInError}{" "}
            <Link href="/sign-in" className="font-medium underline underline-offset-2">
              Go to sign in
            </Link>
          </Alert>
        ) : null}
        <TextField label="Name" name="name" autoComplete="name" required errors={errors.name} />
        {plan ? <input type="hidden" name="plan" value={plan.code} /> : null}
        <TextField label="Email" name="email" type="email" autoComplete="email" required defaultValue={email} errors={errors.email} />
        <TextField
          label="Password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          minLength={minPasswordLength}
          hint={`At least ${minPasswordLength} characters.`}
          errors={errors.password}
        />
        {invitationToken ? (
          <input type="hidden" name="invitation" value={invitationToken} />
        ) : (
          <TextField
            label="Workspace name"
            name="workspaceName"
            autoComplete="organization"
            required
            hint="Usually your company or team. You can have more than one."
            errors={errors.workspaceName}
          />
        )}
        <Button type="submit" className="h-10 w-full" disabled={busy}>
          {signingIn ? "Signing you in…" : pending ? "Creating account…" : "Create account"}
        </Button>
      </form>
      <p className="text-center text-sm text-muted-foreground">
        Already have an account?{" "}
        <Link
          href={next ? `/sign-in?callbackUrl=${encodeURIComponent(next)}` : "/sign-in"}
          className="font-medium text-primary hover:underline"
        >
          Sign in
        </Link>
      </p>
    </div>
  );
}
