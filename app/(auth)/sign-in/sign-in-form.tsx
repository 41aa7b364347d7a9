"use client";

import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { signIn } from "next-auth/react";
import { useState, type FormEvent } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/text-field";
import { safeRedirectPath } from "@/lib/auth/redirect";

/** Where to go after signing in: the callbackUrl when it is one of our pages, else home (never another site). */
function callbackPath(value: string | null): string {
  return safeRedirectPath(value, window.location.origin);
}

function readableError(error: string): string {
  // next-auth's code for a wrong email/password pair; other messages come from our server as written.
  return error === "CredentialsSignin" ? "Wrong email or password." : error;
}

/** next-auth sends failed OAuth sign-ins back here with ?error=<code>. */
function redirectError(code: string | null): string | null {
  if (!code) return null;
  if (code === "CredentialsSignin") return readableError(code);
  if (code === "AccessDenied") return "Access was denied. Try again, or sign in with your email and password.";
  return "Signing in with GitHub did not work. Try again, or sign in with your email and password.";
}

export function SignInForm({ githubEnabled }: { githubEnabled: boolean }) {
  const router = useRouter();
  const searchParams = useSearchParams();
  const [error, setError] = useState<string | null>(() => redirectError(searchParams.get("error")));
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setError(null);
    try {
      const res = await signIn("credentials", {
        email: String(form.get("email") ?? ""),
        password: String(form.get("password") ?? ""),
        redirect: false,
      });
      if (res?.error) {
        setError(readableError(res.error));
        setPending(false);
        return;
      }
      router.replace(callbackPath(searchParams.get("callbackUrl")));
      router.refresh();
    } catch {
      setError("Could not reach the server. Try again.");
      setPending(false);
    }
  }

  return (
    <div className="space-y-5">
      {githubEnabled ? (
        <>
          <Button
            variant="secondary"
            className="h-10 w-full"
            onClick={() => void signIn("github", { callbackUrl: callbackPath(searchParams.get("callbackUrl")) })}
          >
            <GitHubMark />
            Continue with GitHub
          </Button>
          <div className="flex items-center gap-3 text-xs text-muted-foreground">
            <span className="h-px flex-1 bg-border" />
            or with email
            <span className="h-px flex-1 bg-border" />
          </div>
        </>
      ) : null}

      <form onSubmit={onSubmit} className="space-y-4">
        {error ? (
          <Alert tone="danger" live>
            {error}
          </Alert>
        ) : null}
        <TextField label="Email" name="email" type="email" autoComplete="email" required autoFocus />
        <TextField label="Password" name="password" type="password" autoComplete="current-password" required />
        <Button type="submit" className="h-10 w-full" disabled={pending}>
          {pending ? "Signing in…" : "Sign in"}
        </Button>
      </form>

      <p className="text-center text-sm text-muted-foreground">
        New to Meterdesk?{" "}
        <Link href="/sign-up" className="font-medium text-primary hover:underline">
          Create an account
        </Link>
      </p>
    </div>
  );
}

/** The GitHub mark (lucide no longer ships brand icons). */
function GitHubMark() {
  return (
    <svg viewBox="0 0 16 16" aria-hidden fill="currentColor" className="size-4">
      <path d="M8 0C3.58 0 0 3.58 0 8c0 3.54 2.29 6.53 5.47 7.59.4.07.55-.17.55-.38 0-.19-.01-.82-.01-1.49-2.01.37-2.53-.49-2.69-.94-.09-.23-.48-.94-.82-1.13-.28-.15-.68-.52-.01-.53.63-.01 1.08.58 1.23.82.72 1.21 1.87.87 2.33.66.07-.52.28-.87.51-1.07-1.78-.2-3.64-.89-3.64-3.95 0-.87.31-1.59.82-2.15-.08-.2-.36-1.02.08-2.12 0 0 .67-.21 2.2.82.64-.18 1.32-.27 2-.27.68 0 1.36.09 2 .27 1.53-1.04 2.2-.82 2.2-.82.44 1.1.16 1.92.08 2.12.51.56.82 1.27.82 2.15 0 3.07-1.87 3.75-3.65 3.95.29.25.54.73.54 1.48 0 1.07-.01 1.93-.01 2.2 0 .21.15.46.55.38A8.013 8.013 0 0016 8c0-4.42-3.58-8-8-8z" />
    </svg>
  );
}
