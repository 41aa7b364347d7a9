// Sign in with email and password, or GitHub when it is configured.
import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { Suspense } from "react";
import { getSessionUser, homePathFor } from "@/lib/auth/access";
import { oauthProviders } from "@/lib/auth/providers";
import { SignInForm } from "./sign-in-form";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage() {
  const user = await getSessionUser();
  if (user) redirect(await homePathFor(user));
  const githubEnabled = oauthProviders().some((provider) => provider.id === "github");
  return (
    <>
      <div className="mb-6 space-y-1">
        <h1 className="text-xl font-semibold tracking-tight">Sign in</h1>
        <p className="text-sm text-muted-foreground">Welcome back. Sign in to your workspace.</p>
      </div>
      {/* useSearchParams (the callback URL) needs a Suspense boundary. */}
      <Suspense>
        <SignInForm githubEnabled={githubEnabled} />
      </Suspense>
    </>
  );
}
