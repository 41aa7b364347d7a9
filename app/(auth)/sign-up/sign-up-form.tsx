"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { signIn } from "next-auth/react";
import { startTransition, useActionState, useEffect, useRef, useState, type FormEvent } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/text-field";
import { signUpAction, type SignUpState } from "./actions";

const initialState: SignUpState = {};

export function SignUpForm({ minPasswordLength }: { minPasswordLength: number }) {
  const router = useRouter();
  const [state, formAction, pending] = useActionState(signUpAction, initialState);
  // The password is needed once more, to sign in after the account exists; the
  // action never sends it back.
  const passwordRef = useRef("");
  const signingInFor = useRef<SignUpState | null>(null);
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
      router.replace("/");
      router.refresh();
    })();
  }, [state, router]);

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
        <TextField label="Email" name="email" type="email" autoComplete="email" required errors={errors.email} />
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
        <TextField
          label="Workspace name"
          name="workspaceName"
          autoComplete="organization"
          required
          hint="Usually your company or team. You can have more than one."
          errors={errors.workspaceName}
        />
        <Button type="submit" className="h-10 w-full" disabled={busy}>
          {signingIn ? "Signing you in…" : pending ? "Creating account…" : "Create account"}
        </Button>
      </form>
      <p className="text-center text-sm text-muted-foreground">
        Already have an account?{" "}
        <Link href="/sign-in" className="font-medium text-primary hover:underline">
          Sign in
        </Link>
      </p>
    </div>
  );
}
