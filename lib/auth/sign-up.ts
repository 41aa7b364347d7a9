import "server-only";

// Sign-up with email and password: validates, counts the attempt against the
// address's limit, creates the user and a Free workspace (R4.1) — or, from an
// invitation link, the user as a member of the inviting workspace and no
// workspace of their own. A refused sign-up creates nothing.
//
// "An account with this email already exists" is said on purpose (most
// products do; docs/SECURITY.md weighs it): the per-address limit keeps it
// from being a fast way to learn which emails have accounts.
import { z } from "zod";
import { fieldErrorsOf } from "@/lib/actions/safe-action";
import { EmailTakenError } from "@/lib/db/accounts";
import { db } from "@/lib/db";
import { invitationRefusals, lookUpInvitation, MemberChangeRefused } from "@/lib/db/invitations";
import { nameField } from "@/lib/names";
import { admitAuthAttempt, TOO_MANY_ATTEMPTS_MESSAGE } from "./attempt-limit";
import { hashPassword, MIN_PASSWORD_LENGTH } from "./password";
import { registerUser } from "./register";

export type SignUpState = {
  ok?: boolean;
  error?: string;
  fieldErrors?: Partial<Record<"name" | "email" | "password" | "workspaceName", string[]>>;
  email?: string;
  /** The workspace joined through an invitation. */
  joined?: string;
};

const signUpSchema = z
  .object({
    name: nameField("Enter your name."),
    email: z.string().trim().toLowerCase().email("Enter a valid email address, like you@company.com.").max(320),
    password: z
      .string()
      .min(MIN_PASSWORD_LENGTH, `Use at least ${MIN_PASSWORD_LENGTH} characters.`)
      .max(200, "Use at most 200 characters."),
    workspaceName: nameField("Name your workspace, e.g. your company.").optional(),
    invitationToken: z
      .string()
      .regex(/^[A-Za-z0-9_-]{20,100}$/)
      .optional(),
    // A plan picked on /pricing; lib/db/accounts.ts signUpPlanCode keeps it only when it needs no card.
    planCode: z
      .string()
      .regex(/^[a-z][a-z0-9_]*$/)
      .max(60)
      .optional(),
  })
  // Without an invitation the account starts with a workspace of its own, which needs a name.
  .refine((input) => input.invitationToken || input.workspaceName, {
    path: ["workspaceName"],
    message: "Name your workspace, e.g. your company.",
  });

export interface SignUpAttempt {
  /** The client's address (lib/http/client-address.ts), null when unknown. */
  address: string | null;
  at: Date;
}

export async function signUpWithPassword(raw: Record<string, unknown>, { address, at }: SignUpAttempt): Promise<SignUpState> {
  const parsed = signUpSchema.safeParse(raw);
  if (!parsed.success) {
    return { error: "Please correct the highlighted fields.", fieldErrors: fieldErrorsOf(parsed.error) };
  }
  // Counted once the form is valid: the attempts that could create an account or learn that one exists.
  const admitted = await admitAuthAttempt("sign-up", address, at);
  if (!admitted.allowed) return { error: TOO_MANY_ATTEMPTS_MESSAGE };
  const { name, email, password, workspaceName, planCode, invitationToken } = parsed.data;
  if (invitationToken) {
    const invitation = await lookUpInvitation(await db(), invitationToken, at);
    if (invitation.status !== "open") return { error: invitationRefusals[invitation.status] };
    if (invitation.email !== email) {
      return {
        error: "Please correct the highlighted fields.",
        fieldErrors: { email: [`This invitation is for ${invitation.email}. Sign up with that address to join.`] },
      };
    }
  }
  let created;
  try {
    created = await registerUser(
      invitationToken
        ? { name, email, invitationToken, passwordHash: await hashPassword(password) }
        : { name, email, workspaceName, planCode, passwordHash: await hashPassword(password) },
      at,
    );
  } catch (error) {
    // The invitation is expired, withdrawn, used, or for another address: said as the invitation page says it.
    if (error instanceof MemberChangeRefused) return { error: error.message };
    if (error instanceof EmailTakenError || isUniqueViolation(error)) {
      return {
        fieldErrors: { email: ["An account with this email already exists. Sign in instead."] },
        error: "This email is already registered.",
      };
    }
    console.error("[sign-up] failed", error);
    return { error: "We could not create your account. Nothing was saved; please try again." };
  }
  return invitationToken ? { ok: true, email, joined: created.workspace.slug } : { ok: true, email };
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: string }).code === "P2002";
}
