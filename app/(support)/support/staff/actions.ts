"use server";

// Staff management (R11): admins give people a staff role, change it and take
// it away. Admins only: each action checks the admin role on the server
// (adminAction) before reading anything — support staff and customers calling
// them directly get 403 and nothing changes. Each change needs a reason, is
// applied once per form (idempotency key) onto the role the admin saw, and is
// written to the staff history in the same transaction.
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { ActionError, type ActionResult } from "@/lib/actions/safe-action";
import { adminAction, AdminFieldError } from "@/lib/actions/admin-action";
import { hashPassword, MIN_PASSWORD_LENGTH } from "@/lib/auth/password";
import { db } from "@/lib/db";
import {
  addStaffMember,
  changeStaffRole,
  findStaffCandidate,
  removeStaffMember,
  StaffChangeRefused,
  type StaffCandidate,
  type StaffChangeResult,
} from "@/lib/db/support/staff";
import { nameField } from "@/lib/names";

const STAFF_PATH = "/support/staff";

const email = z.string().trim().toLowerCase().email("Enter a valid email address, like sam@company.com.").max(320);
const role = z.enum(["SUPPORT", "ADMIN"], { message: "Choose a role." });
const reason = z.string().trim().min(3, "Say why, in a few words: it goes into the staff history.").max(500, "Use at most 500 characters.");
const idempotencyKey = z.uuid();
/** An empty text field is no value. */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === "" || value == null ? undefined : value), schema.optional());

async function refusalsAsMessages<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof StaffChangeRefused) {
      const fields = Object.entries(error.fields);
      if (fields.length > 0) throw new AdminFieldError(error.message, Object.fromEntries(fields.map(([field, text]) => [field, [text]])));
      throw new ActionError(error.message);
    }
    throw error;
  }
}

// ---------------------------------------------------------------- look up an email

const lookUp = adminAction(z.object({ email }), async (input): Promise<StaffCandidate> => findStaffCandidate(await db(), input.email));

/** What adding this email would do: a new account, a role for an existing one, or nothing (already staff). */
export async function lookUpStaffCandidateAction(raw: unknown): Promise<ActionResult<StaffCandidate>> {
  return lookUp(raw);
}

// ---------------------------------------------------------------- add

const addInput = z.object({
  email,
  role,
  reason,
  idempotencyKey,
  name: optional(nameField("Enter the person's name.")),
  initialPassword: optional(
    z.string().min(MIN_PASSWORD_LENGTH, `Use at least ${MIN_PASSWORD_LENGTH} characters.`).max(200, "Use at most 200 characters."),
  ),
});

const add = adminAction(addInput, async (input, ctx): Promise<StaffChangeResult> => {
  // Hashed before the transaction (Argon2 takes a while); only a new account uses it.
  const passwordHash = input.initialPassword ? await hashPassword(input.initialPassword) : undefined;
  const result = await refusalsAsMessages(async () =>
    addStaffMember(await db(), {
      email: input.email,
      role: input.role,
      name: input.name,
      passwordHash,
      reason: input.reason,
      actor: ctx.actor,
      now: ctx.now,
      idempotencyKey: input.idempotencyKey,
    }),
  );
  revalidatePath(STAFF_PATH);
  return result;
});

export async function addStaffMemberAction(raw: unknown): Promise<ActionResult<StaffChangeResult>> {
  return add(raw);
}

// ---------------------------------------------------------------- change a role

const changeInput = z
  .object({ userId: z.uuid(), role, expectedRole: role, reason, idempotencyKey })
  .refine((input) => input.role !== input.expectedRole, { path: ["role"], message: "Choose another role." });

const change = adminAction(changeInput, async (input, ctx): Promise<StaffChangeResult> => {
  const result = await refusalsAsMessages(async () =>
    changeStaffRole(await db(), {
      userId: input.userId,
      role: input.role,
      expectedRole: input.expectedRole,
      reason: input.reason,
      actor: ctx.actor,
      now: ctx.now,
      idempotencyKey: input.idempotencyKey,
    }),
  );
  revalidatePath(STAFF_PATH);
  return result;
});

export async function changeStaffRoleAction(raw: unknown): Promise<ActionResult<StaffChangeResult>> {
  return change(raw);
}

// ---------------------------------------------------------------- remove

const removeInput = z.object({ userId: z.uuid(), expectedRole: role, reason, idempotencyKey });

const remove = adminAction(removeInput, async (input, ctx): Promise<StaffChangeResult> => {
  const result = await refusalsAsMessages(async () =>
    removeStaffMember(await db(), {
      userId: input.userId,
      expectedRole: input.expectedRole,
      reason: input.reason,
      actor: ctx.actor,
      now: ctx.now,
      idempotencyKey: input.idempotencyKey,
    }),
  );
  revalidatePath(STAFF_PATH);
  return result;
});

export async function removeStaffMemberAction(raw: unknown): Promise<ActionResult<StaffChangeResult>> {
  return remove(raw);
}
