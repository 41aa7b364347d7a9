"use server";

// Sign-up: validates, creates the user and a Free workspace, and lets the
// form sign in. A refused sign-up creates nothing.
import { z } from "zod";
import { now } from "@/lib/clock";
import { fieldErrorsOf } from "@/lib/actions/safe-action";
import { EmailTakenError } from "@/lib/db/accounts";
import { hashPassword, MIN_PASSWORD_LENGTH } from "@/lib/auth/password";
import { registerUser } from "@/lib/auth/register";

export type SignUpState = {
  ok?: boolean;
  error?: string;
  fieldErrors?: Partial<Record<"name" | "email" | "password" | "workspaceName", string[]>>;
  email?: string;
};

const signUpSchema = z.object({
  name: z.string().trim().min(1, "Enter your name.").max(100, "Use at most 100 characters."),
  email: z.string().trim().toLowerCase().email("Enter a valid email address, like you@company.com.").max(320),
  password: z.string().min(MIN_PASSWORD_LENGTH, `Use at least ${MIN_PASSWORD_LENGTH} characters.`).max(200, "Use at most 200 characters."),
  workspaceName: z.string().trim().min(1, "Name your workspace, e.g. your company.").max(100, "Use at most 100 characters."),
});

export async function signUpAction(_previous: SignUpState, formData: FormData): Promise<SignUpState> {
  const parsed = signUpSchema.safeParse({
    name: formData.get("name") ?? "",
    email: formData.get("email") ?? "",
    password: formData.get("password") ?? "",
    workspaceName: formData.get("workspaceName") ?? "",
  });
  if (!parsed.success) {
    return { error: "Please correct the highlighted fields.", fieldErrors: fieldErrorsOf(parsed.error) };
  }
  const { name, email, password, workspaceName } = parsed.data;
  try {
    await registerUser({ name, email, workspaceName, passwordHash: await hashPassword(password) }, now());
  } catch (error) {
    if (error instanceof EmailTakenError || isUniqueViolation(error)) {
      return {
        fieldErrors: { email: ["An account with this email already exists. Sign in instead."] },
        error: "This email is already registered.",
      };
    }
    console.error("[sign-up] failed", error);
    return { error: "We could not create your account. Nothing was saved; please try again." };
  }
  return { ok: true, email };
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: string }).code === "P2002";
}
