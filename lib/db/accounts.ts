import "server-only";

// Creating users and workspaces. A new workspace starts on the Free plan
// (R4.1) with its first monthly period anchored on the sign-up day (R4.2).
import { randomBytes } from "node:crypto";
import { periodEndFor } from "@/lib/billing/plan-terms";
import { FREE_PLAN_CODE } from "@/lib/catalog/schema";
import type { Tx } from "@/lib/db";
import { startIncludedPeriod } from "@/lib/db/ledger/grants";
import type { MemberRole, StaffRole } from "@/lib/generated/prisma/client";
import { assertSafeName } from "@/lib/names";

export class EmailTakenError extends Error {
  constructor() {
    super("An account with this email already exists.");
  }
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function slugify(name: string): string {
  const base = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40);
  return base || "workspace";
}

async function freeSlug(tx: Tx, name: string): Promise<string> {
  const base = slugify(name);
  const taken = await tx.workspace.findUnique({ where: { slug: base }, select: { id: true } });
  return taken ? `${base}-${randomBytes(3).toString("hex")}` : base;
}

export interface NewUser {
  email: string;
  name: string;
  passwordHash: string | null;
  staffRole?: StaffRole | null;
}

export async function createUser(tx: Tx, user: NewUser) {
  // Behind the forms' own check: names are shown to others, so no control or text-direction characters.
  assertSafeName(user.name, "The user's name");
  const email = normaliseEmail(user.email);
  const existing = await tx.user.findUnique({ where: { email }, select: { id: true } });
  if (existing) throw new EmailTakenError();
  return tx.user.create({
    data: { email, name: user.name, passwordHash: user.passwordHash, staffRole: user.staffRole ?? null },
    select: { id: true, email: true, name: true },
  });
}

/**
 * The plan a new sign-up starts on: the one picked on /pricing when it is in
 * the catalog and needs no card (R4.1: no card at sign-up), else Free. A plan
 * that needs a card is chosen after sign-up, once a card is on file.
 */
export async function signUpPlanCode(tx: Tx, picked: string | null | undefined): Promise<string> {
  if (!picked || picked === FREE_PLAN_CODE) return FREE_PLAN_CODE;
  const plan = await tx.plan.findUnique({ where: { code: picked }, select: { code: true, requiresCard: true } });
  return plan && !plan.requiresCard ? plan.code : FREE_PLAN_CODE;
}

export interface NewWorkspace {
  ownerId: string;
  name: string;
  slug?: string;
  planCode?: string;
  now: Date;
}

/** A workspace with its owner, its subscription and first period, and an empty balance. */
export async function createWorkspace(tx: Tx, input: NewWorkspace) {
  assertSafeName(input.name, "The workspace name");
  const plan = await tx.plan.findUnique({
    where: { code: input.planCode ?? FREE_PLAN_CODE },
    select: {
      id: true,
      code: true,
      rank: true,
      interval: true,
      feeCents: true,
      includedCredits: true,
      flexAllowed: true,
      payAsYouGo: true,
    },
  });
  if (!plan) throw new Error(`Plan ${input.planCode ?? FREE_PLAN_CODE} is not in the catalog; load the catalog first.`);
  const slug = input.slug ?? (await freeSlug(tx, input.name));
  const workspace = await tx.workspace.create({
    data: { name: input.name, slug, createdAt: input.now },
    select: { id: true, slug: true, name: true },
  });
  await tx.membership.create({ data: { workspaceId: workspace.id, userId: input.ownerId, role: "OWNER" } });
  await tx.creditBalance.create({ data: { workspaceId: workspace.id } });

  const anchorDay = input.now.getUTCDate();
  // R4.2 anniversary periods; R4.4 pay-as-you-go runs in calendar months.
  const end = periodEndFor(plan, input.now, anchorDay);
  const subscription = await tx.subscription.create({
    data: {
      workspaceId: workspace.id,
      planId: plan.id,
      anchorDay,
      startedAt: input.now,
      currentPeriodStart: input.now,
      currentPeriodEnd: end,
    },
    select: { id: true },
  });
  const period = await tx.subscriptionPeriod.create({
    data: {
      workspaceId: workspace.id,
      subscriptionId: subscription.id,
      planId: plan.id,
      startsAt: input.now,
      endsAt: end,
      includedGranted: plan.includedCredits,
    },
    select: { id: true },
  });
  // R5.1: the period's included credits, expiring at its end.
  await startIncludedPeriod(tx, {
    workspaceId: workspace.id,
    periodId: period.id,
    credits: plan.includedCredits,
    expiresAt: end,
    at: input.now,
    idempotencyKey: `included:${period.id}:${plan.id}`,
  });
  await tx.creditBalance.update({ where: { workspaceId: workspace.id }, data: { flexPeriodStart: input.now } });
  return workspace;
}

export async function addMember(tx: Tx, workspaceId: string, userId: string, role: MemberRole) {
  await tx.membership.upsert({
    where: { workspaceId_userId: { workspaceId, userId } },
    create: { workspaceId, userId, role },
    update: { role },
  });
}
