// Create an account: the user and their first workspace, on the Free plan (R4.1).
import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getSessionUser, homePathFor } from "@/lib/auth/access";
import { MIN_PASSWORD_LENGTH } from "@/lib/auth/password";
import { SignUpForm } from "./sign-up-form";

export const metadata: Metadata = { title: "Create your account" };

export default async function SignUpPage() {
  const user = await getSessionUser();
  if (user) {
    const home = await homePathFor(user);
    // A signed-in user without a workspace lands here on purpose; don't bounce them.
    if (home !== "/sign-up") redirect(home);
  }
  return (
    <>
      <div className="mb-6 space-y-1">
        <h1 className="text-xl font-semibold tracking-tight">Create your account</h1>
        <p className="text-sm text-muted-foreground">Start on the Free plan. No card needed.</p>
      </div>
      <SignUpForm minPasswordLength={MIN_PASSWORD_LENGTH} />
    </>
  );
}
