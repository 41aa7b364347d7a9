// Every server action of the workspace pages, called directly — not through a
// page that hid the button — by a viewer of the workspace and by the owner of
// another workspace (R10: roles are checked on the server). Each call carries
// input that would work for an owner (the owner's calls at the end prove it),
// so only the role check stands between it and a change; each refusal must
// change no row of any table and revalidate no page.
//
// The list of actions is read from the modules themselves: an action added to
// a page without a case here fails the first test.
import fs from "node:fs";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { SessionUser } from "@/lib/auth/access";
import { createUser } from "@/lib/db/accounts";
import { inviteMember } from "@/lib/db/invitations";
import { createApiKey } from "@/lib/db/api-keys";
import type { Database } from "@/lib/db/connect";
import { buyCredits } from "@/lib/payments/top-ups";
import { TestGateway } from "@/lib/payments/test-gateway";
import { buyPackage } from "@/lib/payments/packages";
import { createTestDatabase, type TestDatabase } from "../helpers/test-db";
import { loadCatalog, makeWorkspace, putCard } from "../helpers/factories";
import { snapshotTables } from "../helpers/snapshot";

// Who is signed in: the one thing these tests vary. The membership and role
// behind that user are read from the database by the real access check.
const session: { user: SessionUser | null } = { user: null };
vi.mock("@/lib/auth/session", () => ({ readSession: async () => session.user }));
// Pages revalidated by the actions, recorded instead of sent to a Next.js cache.
const revalidated: string[] = [];
vi.mock("next/cache", () => ({
  revalidatePath: (where: string) => void revalidated.push(where),
  revalidateTag: (tag: string) => void revalidated.push(`tag:${tag}`),
}));
// next.config.js turns these on in the app: forbidden() answers 403.
process.env.__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS = "true";

const DASHBOARD = path.join(process.cwd(), "app/(dashboard)");

/** Every 'use server' module under the dashboard, as a path relative to app/(dashboard). */
function actionModules(dir = DASHBOARD): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return actionModules(full);
    if (!/\.tsx?$/.test(entry.name)) return [];
    return /^\s*["']use server["']/.test(fs.readFileSync(full, "utf8")) ? [path.relative(DASHBOARD, full)] : [];
  });
}

type Outcome = "403" | "404" | "redirect" | { ok: boolean; error?: string } | null;

/** What a call came to: the access check's 403 or 404, a redirect, or the action's own answer. */
async function outcomeOf(call: () => Promise<unknown>): Promise<Outcome> {
  try {
    const answer = (await call()) as { ok: boolean; error?: string } | null;
    return answer === null ? null : { ok: answer.ok, error: answer.error };
  } catch (error) {
    const digest = (error as { digest?: string }).digest ?? "";
    if (digest === "NEXT_HTTP_ERROR_FALLBACK;403") return "403";
    if (digest === "NEXT_HTTP_ERROR_FALLBACK;404") return "404";
    if (digest.startsWith("NEXT_REDIRECT")) return "redirect";
    throw error;
  }
}

const form = (fields: Record<string, string>) => {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) data.set(key, value);
  return data;
};

interface Fixture {
  slug: string;
  workspaceId: string;
  ownerId: string;
  viewerId: string;
  purchaseId: string;
  invoiceId: string;
  keyId: string;
  invitationId: string;
  chargeId: string;
}

type Case = (f: Fixture) => Promise<unknown>;

describe("server actions called directly by someone without the right", () => {
  let database: TestDatabase;
  let fixture: Fixture;
  let owner: SessionUser;
  let viewer: SessionUser;
  let outsider: SessionUser;
  let cases: Record<string, Case>;
  let tables: string[];

  beforeAll(async () => {
    database = await createTestDatabase();
    // The app's own db() answers from this test's database.
    (globalThis as unknown as { __meterdeskDb?: Promise<Database> }).__meterdeskDb = Promise.resolve(database);
    await loadCatalog(database.prisma);
    const now = new Date();
    const gateway = new TestGateway(
      async () => database.prisma,
      () => "http://localhost:3000",
    );
    const actor = { id: null, email: "setup@test.dev", role: "OWNER" };

    const ws = await makeWorkspace(database.prisma, { planCode: "starter_monthly", now, card: "authenticate", prepaid: 1_000_000n });
    const ownerRow = await database.prisma.membership.findFirstOrThrow({ where: { workspaceId: ws.id }, include: { user: true } });
    const viewerRow = await createUser(database.prisma, {
      email: `viewer-${randomUUID().slice(0, 8)}@test.dev`,
      name: "Viewer",
      passwordHash: null,
    });
    await database.prisma.membership.create({ data: { workspaceId: ws.id, userId: viewerRow.id, role: "VIEWER" } });
    const other = await makeWorkspace(database.prisma, { planCode: "growth_monthly", now, card: true });
    const otherOwner = await database.prisma.membership.findFirstOrThrow({ where: { workspaceId: other.id }, include: { user: true } });

    // A top-up waiting for the bank's confirmation (the 3-D Secure page's charge).
    const pending = await buyCredits(database.prisma, gateway, {
      workspaceId: ws.id,
      amountCents: 2_000,
      requestId: randomUUID(),
      actor,
      now,
      creditsPerUsd: 2_000_000n,
    });
    expect(pending.status).toBe("REQUIRES_ACTION");
    const charge = await database.prisma.testGatewayCharge.findFirstOrThrow({ where: { status: "requires_action" } });
    // A package paid for; then one bought while the card declines leaves an unpaid invoice; then a good card again.
    const buy = () =>
      buyPackage(database.prisma, gateway, {
        workspaceId: ws.id,
        packageCode: "predict_100k_month",
        autoRenew: false,
        requestId: randomUUID(),
        actor,
        now,
        creditsPerUsd: 2_000_000n,
      });
    await putCard(database.prisma, ws.id, "succeed", now);
    expect(await buy()).toMatchObject({ paid: true });
    await putCard(database.prisma, ws.id, "decline", now);
    expect(await buy()).toMatchObject({ paid: false });
    await putCard(database.prisma, ws.id, "succeed", now);
    await database.prisma.workspace.update({ where: { id: ws.id }, data: { billingState: "GOOD" } });
    const purchase = await database.prisma.packagePurchase.findFirstOrThrow({ where: { workspaceId: ws.id, status: "ACTIVE" } });
    const invoice = await database.prisma.invoice.findFirstOrThrow({ where: { workspaceId: ws.id, status: "OPEN" } });
    const key = await createApiKey(database.prisma, { workspaceId: ws.id, name: "Production", actor, now });
    await inviteMember(database.prisma, { workspaceId: ws.id, email: "new@test.dev", role: "BILLING_ADMIN", actor, now });
    const invitation = await database.prisma.invitation.findFirstOrThrow({ where: { workspaceId: ws.id } });

    const sessionOf = (user: { id: string; email: string; name: string }): SessionUser => ({
      id: user.id,
      email: user.email,
      name: user.name,
      staffRole: null,
    });
    owner = sessionOf(ownerRow.user);
    viewer = sessionOf(viewerRow);
    outsider = sessionOf(otherOwner.user);
    fixture = {
      slug: ws.slug,
      workspaceId: ws.id,
      ownerId: ownerRow.userId,
      viewerId: viewerRow.id,
      purchaseId: purchase.id,
      invoiceId: invoice.id,
      keyId: key.id,
      invitationId: invitation.id,
      chargeId: charge.id,
    };

    const plan = await import("@/app/(dashboard)/w/[slug]/plan/actions");
    const credits = await import("@/app/(dashboard)/w/[slug]/credits/actions");
    const flex = await import("@/app/(dashboard)/w/[slug]/credits/flex-actions");
    const packages = await import("@/app/(dashboard)/w/[slug]/packages/actions");
    const invoices = await import("@/app/(dashboard)/w/[slug]/invoices/[number]/actions");
    const keys = await import("@/app/(dashboard)/w/[slug]/api-keys/actions");
    const settings = await import("@/app/(dashboard)/w/[slug]/settings/actions");
    const members = await import("@/app/(dashboard)/w/[slug]/settings/member-actions");
    const notices = await import("@/app/(dashboard)/w/[slug]/settings/notice-actions");
    const guardrails = await import("@/app/(dashboard)/w/[slug]/settings/guardrail-actions");
    const exp = `12/${String((now.getUTCFullYear() + 3) % 100).padStart(2, "0")}`;

    cases = {
      "w/[slug]/plan/actions.ts#previewPlanChangeAction": (f) =>
        plan.previewPlanChangeAction(f.slug, { kind: "plan", toPlanCode: "growth_monthly" }),
      "w/[slug]/plan/actions.ts#changePlanAction": (f) =>
        plan.changePlanAction(f.slug, { fromPlanCode: "starter_monthly", toPlanCode: "free", expectedTodayCents: "0" }),
      "w/[slug]/plan/actions.ts#withdrawDowngradeAction": (f) => plan.withdrawDowngradeAction(f.slug, { scheduledPlanCode: "free" }),
      "w/[slug]/plan/actions.ts#cancelPlanAction": (f) =>
        plan.cancelPlanAction(f.slug, { fromPlanCode: "starter_monthly", reason: "Too dear" }),
      "w/[slug]/plan/actions.ts#undoCancelAction": (f) => plan.undoCancelAction(f.slug),
      "w/[slug]/credits/actions.ts#startCardSetupAction": (f) => credits.startCardSetupAction(f.slug),
      "w/[slug]/credits/actions.ts#openCardPortalAction": (f) => credits.openCardPortalAction(f.slug),
      "w/[slug]/credits/actions.ts#saveTestCardAction": (f) =>
        credits.saveTestCardAction(
          null,
          form({
            slug: f.slug,
            session: `tgss_${"a".repeat(24)}`,
            number: "4242 4242 4242 4242",
            expiry: exp,
            cvc: "123",
            name: "Mallory",
          }),
        ),
      "w/[slug]/credits/actions.ts#buyCreditsAction": (f) =>
        credits.buyCreditsAction(f.slug, { amountCents: 5_000, requestId: randomUUID() }),
      "w/[slug]/credits/actions.ts#saveAutoTopUpAction": (f) =>
        credits.saveAutoTopUpAction(f.slug, { enabled: true, thresholdCents: 1_000, amountCents: 5_000, monthlyMax: 3 }),
      "w/[slug]/credits/flex-actions.ts#setFlexEnabledAction": (f) => flex.setFlexEnabledAction(f.slug, { enabled: true }),
      "w/[slug]/packages/actions.ts#buyPackageAction": (f) =>
        packages.buyPackageAction(f.slug, { packageCode: "predict_1m_year", autoRenew: true, requestId: randomUUID() }),
      "w/[slug]/packages/actions.ts#renewPackageAction": (f) =>
        packages.renewPackageAction(f.slug, { purchaseId: f.purchaseId, requestId: randomUUID() }),
      "w/[slug]/packages/actions.ts#setPackageAutoRenewAction": (f) =>
        packages.setPackageAutoRenewAction(f.slug, { purchaseId: f.purchaseId, autoRenew: true }),
      "w/[slug]/invoices/[number]/actions.ts#payInvoiceAction": (f) => invoices.payInvoiceAction(f.slug, { invoiceId: f.invoiceId }),
      "w/[slug]/api-keys/actions.ts#createApiKeyAction": (f) =>
        keys.createApiKeyAction(null, form({ slug: f.slug, name: "Mallory's key" })),
      "w/[slug]/api-keys/actions.ts#revokeApiKeyAction": (f) => keys.revokeApiKeyAction(null, form({ slug: f.slug, keyId: f.keyId })),
      "w/[slug]/settings/actions.ts#renameWorkspaceAction": (f) =>
        settings.renameWorkspaceAction(null, form({ slug: f.slug, name: "Hijacked" })),
      "w/[slug]/settings/member-actions.ts#inviteMemberAction": (f) =>
        members.inviteMemberAction(null, form({ slug: f.slug, email: "mallory@test.dev", role: "OWNER" })),
      "w/[slug]/settings/member-actions.ts#revokeInvitationAction": (f) =>
        members.revokeInvitationAction(f.slug, { invitationId: f.invitationId }),
      "w/[slug]/settings/member-actions.ts#changeMemberRoleAction": (f) =>
        members.changeMemberRoleAction(f.slug, { userId: f.viewerId, role: "OWNER" }),
      "w/[slug]/settings/member-actions.ts#removeMemberAction": (f) => members.removeMemberAction(f.slug, { userId: f.ownerId }),
      "w/[slug]/settings/notice-actions.ts#saveNoticePreferencesAction": (f) =>
        notices.saveNoticePreferencesAction(null, form({ slug: f.slug })),
      "w/[slug]/settings/guardrail-actions.ts#saveGuardrailsAction": (f) =>
        guardrails.saveGuardrailsAction(f.slug, { includedAlerts: true, prepaidBelowCents: 500, flexAboveCents: null, spendCapCents: 0 }),
    };
    const rows = await database.sql.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`);
    tables = rows.map((row) => String((row as { tablename: string }).tablename));
  }, 120_000);

  afterAll(async () => {
    (globalThis as unknown as { __meterdeskDb?: Promise<Database> }).__meterdeskDb = undefined;
    await database?.close();
  });

  it("has a case for every exported action of every dashboard page", async () => {
    const exported: string[] = [];
    for (const file of actionModules()) {
      const exports = (await import(path.join(DASHBOARD, file))) as Record<string, unknown>;
      for (const [name, value] of Object.entries(exports)) if (typeof value === "function") exported.push(`${file}#${name}`);
    }
    expect(exported.sort()).toEqual(Object.keys(cases).sort());
  });

  // Notice preferences are each member's own (a viewer may turn their emails off); every other action needs a higher role.
  const VIEWER_MAY = new Set(["w/[slug]/settings/notice-actions.ts#saveNoticePreferencesAction"]);

  it("a viewer is refused with 403 on every action that changes the workspace, and nothing changes", async () => {
    for (const [name, call] of Object.entries(cases)) {
      if (VIEWER_MAY.has(name)) continue;
      session.user = viewer;
      revalidated.length = 0;
      const before = await snapshotTables(database.sql, tables);
      expect([name, await outcomeOf(() => call(fixture))]).toEqual([name, "403"]);
      expect(await snapshotTables(database.sql, tables)).toEqual(before);
      expect(revalidated).toEqual([]);
    }
  });

  it("a viewer saving notice choices changes only their own preferences", async () => {
    session.user = viewer;
    const others = () => database.prisma.notificationPreference.findMany({ where: { NOT: { userId: fixture.viewerId } } });
    const before = await others();
    const call = cases["w/[slug]/settings/notice-actions.ts#saveNoticePreferencesAction"]!;
    expect(await outcomeOf(() => call(fixture))).toMatchObject({ ok: true });
    expect(await others()).toEqual(before);
    const own = await database.prisma.notificationPreference.findMany({ where: { userId: fixture.viewerId } });
    expect(own.length).toBeGreaterThan(0);
    expect(own.every((row) => row.workspaceId === fixture.workspaceId && !row.enabled)).toBe(true);
  });

  it("the owner of another workspace gets 404 on every action, as if this workspace did not exist, and nothing changes", async () => {
    for (const [name, call] of Object.entries(cases)) {
      session.user = outsider;
      revalidated.length = 0;
      const before = await snapshotTables(database.sql, tables);
      expect([name, await outcomeOf(() => call(fixture))]).toEqual([name, "404"]);
      expect(await snapshotTables(database.sql, tables)).toEqual(before);
      expect(revalidated).toEqual([]);
    }
  });

  it("someone signed out is sent to sign in by every action, and nothing changes", async () => {
    for (const [name, call] of Object.entries(cases)) {
      session.user = null;
      const before = await snapshotTables(database.sql, tables);
      expect([name, await outcomeOf(() => call(fixture))]).toEqual([name, "redirect"]);
      expect(await snapshotTables(database.sql, tables)).toEqual(before);
    }
  });

  it("the confirmation of a pending charge is refused to the viewer and to the outsider", async () => {
    const { authenticatePaymentAction } = await import("@/app/pay/authenticate/[chargeId]/actions");
    const answer = () => authenticatePaymentAction(null, form({ chargeId: fixture.chargeId, decision: "confirm" }));
    const before = await snapshotTables(database.sql, tables);
    session.user = viewer;
    expect(await outcomeOf(answer)).toEqual({
      ok: undefined,
      error: "Only owners and billing admins of this workspace can confirm its payments.",
    });
    session.user = outsider;
    expect(await outcomeOf(answer)).toBe("404");
    expect(await snapshotTables(database.sql, tables)).toEqual(before);
  });

  it("the same calls by the owner go through: the refusals above came from the role check alone", async () => {
    session.user = owner;
    const changed: string[] = [];
    // Order matters where one call undoes another; each is checked to have done something.
    const run = async (name: string) => {
      const before = await snapshotTables(database.sql, tables);
      const outcome = await outcomeOf(() => cases[name]!(fixture));
      expect([name, outcome === "redirect" || (typeof outcome === "object" && outcome?.ok)]).toEqual([name, true]);
      if (JSON.stringify(await snapshotTables(database.sql, tables)) !== JSON.stringify(before)) changed.push(name);
    };
    for (const name of [
      "w/[slug]/settings/actions.ts#renameWorkspaceAction",
      "w/[slug]/credits/flex-actions.ts#setFlexEnabledAction",
      "w/[slug]/credits/actions.ts#saveAutoTopUpAction",
      "w/[slug]/credits/actions.ts#buyCreditsAction",
      "w/[slug]/packages/actions.ts#setPackageAutoRenewAction",
      "w/[slug]/packages/actions.ts#renewPackageAction",
      "w/[slug]/packages/actions.ts#buyPackageAction",
      "w/[slug]/invoices/[number]/actions.ts#payInvoiceAction",
      "w/[slug]/api-keys/actions.ts#createApiKeyAction",
      "w/[slug]/api-keys/actions.ts#revokeApiKeyAction",
      "w/[slug]/settings/member-actions.ts#inviteMemberAction",
      "w/[slug]/settings/member-actions.ts#revokeInvitationAction",
      "w/[slug]/settings/member-actions.ts#changeMemberRoleAction",
      "w/[slug]/plan/actions.ts#changePlanAction",
      "w/[slug]/plan/actions.ts#withdrawDowngradeAction",
      "w/[slug]/plan/actions.ts#cancelPlanAction",
      "w/[slug]/plan/actions.ts#undoCancelAction",
      "w/[slug]/settings/guardrail-actions.ts#saveGuardrailsAction",
    ]) {
      await run(name);
    }
    expect(changed).toHaveLength(18);
  });
});
