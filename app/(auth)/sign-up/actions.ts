"use server";

// Sign-up: the form's action. The work (validation, the per-address limit,
// creating the user and a Free workspace) is lib/auth/sign-up.ts.
import { headers } from "next/headers";
import { now } from "@/lib/clock";
import { signUpWithPassword, type SignUpState } from "@/lib/auth/sign-up";
import { env } from "@/lib/env";
import { clientAddress } from "@/lib/http/client-address";

export type { SignUpState };

export async function signUpAction(_previous: SignUpState, formData: FormData): Promise<SignUpState> {
  const requestHeaders = await headers();
  return signUpWithPassword(
    {
      name: formData.get("name") ?? "",
      email: formData.get("email") ?? "",
      password: formData.get("password") ?? "",
      workspaceName: formData.get("workspaceName") ?? "",
    },
    { address: clientAddress((name) => requestHeaders.get(name), env().TRUST_PROXY), at: now() },
  );
}
