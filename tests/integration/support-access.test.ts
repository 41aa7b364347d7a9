// R11, the authorization matrix of the support console's server actions:
// every exported function of every 'use server' module under app/(support),
// called directly — not through a page that hid it — by a signed-out caller,
// by each customer role of the account it acts on (owner, billing admin,
// viewer) and by each staff role. Each call carries input that works for the
// roles allowed (their calls at the end prove it), so only the role check
// stands between a refused caller and a change: refusals change no row of any
// table. Account actions are for support and admin; staff management for
// admin alone.
//
// The list is read from the modules themselves: an action added without a
// case here fails the first test.
import fs from "node:fs";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { SessionUser } from "@/lib/auth/access";
import { createInvoice } from "@/lib/db/invoices";
import { arrearsPolicy, enterArrears } from "@/lib/db/payments/arrears";
import { createTestDatabase, type TestDatabase } from "../helpers/test-db";
import { loadCatalog, makeWorkspace } from "../helpers/factories";
import { snapshotTables } from "../helpers/snapshot";
import { createStaff, outcomeOf, ownerOf, publicTables, useDatabase } from "../helpers/server-actions";

const session: { user: SessionUser | null } = { user: null };
vi.mock("@/lib/auth/session", () => ({ readSession: async () => session.user }));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined, revalidateTag: () => undefined }));
process.env.__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS = "true";

const NOW = new Date("2027-06-10T09:00:00.000Z");
const SUPPORT_DIR = path.join(process.cwd(), "app/(support)");

/** Every 'use server' module under the support console, relative to app/(support). */
function actionModules(dir = SUPPORT_DIR): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return actionModules(full);
    if (!/\.tsx?$/.test(entry.name)) return [];
    return /^\s*(\/\/.*\n\s*)*["']use server["']/.test(fs.readFileSync(full, "utf8")) ? [path.relative(SUPPORT_DIR, full)] : [];
  });
}

type Caller = "signed out" | "owner" | "billing admin" | "viewer" | "support" | "admin";
type Access = "staff" | "admin";
type Action = (raw: unknown) => Promise<unknown>;

interface Fixture {
  workspaceId: string;
  invoiceId: string;
  paidInvoiceId: string;
  /** Staff members for staff management to act on. */
  promote: string;
  remove: string;
  tag: string;
}

type Preview = (raw: unknown) => Promise<{ ok: boolean; data?: { token: string }; error?: string }>;
type Module = Record<string, Action>;

/** The input of an apply action: its preview's input, confirmed with a reason, a key and the preview's token. */
async function confirmed(preview: Action, input: Record<string, unknown>) {
  const result = await (preview as Preview)(input);
  if (!result.ok || !result.data) throw new Error(`preview refused: ${result.error}`);
  return { ...input, reason: "asked by the customer", idempotencyKey: randomUUID(), token: result.data.token };
}

const ACCOUNT = "support/accounts/[workspaceId]/actions.ts";
const CANCEL = "support/accounts/[workspaceId]/cancel-actions.ts";
const RESEND = "support/accounts/[workspaceId]/resend-actions.ts";
const STAFF = "support/staff/actions.ts";

/** For each action: who may call it, and an input that works for them. */
const cases: Record<string, { access: Access; input: (fx: Fixture, modules: Record<string, Module>) => Promise<unknown> | unknown }> = {
  [`${ACCOUNT}#previewGrantAction`]: { access: "staff", input: (fx) => ({ workspaceId: fx.workspaceId, credits: "1000" }) },
  [`${ACCOUNT}#grantPrepaidAction`]: {
    access: "staff",
    input: (fx, m) => confirmed(m[ACCOUNT]!.previewGrantAction!, { workspaceId: fx.workspaceId, credits: "1000" }),
  },
  [`${ACCOUNT}#previewRateLimitAction`]: {
    access: "staff",
    input: (fx) => ({ workspaceId: fx.workspaceId, perSecond: "30", perHour: "" }),
  },
  [`${ACCOUNT}#setRateLimitAction`]: {
    access: "staff",
    input: (fx, m) => confirmed(m[ACCOUNT]!.previewRateLimitAction!, { workspaceId: fx.workspaceId, perSecond: "30", perHour: "" }),
  },
  [`${ACCOUNT}#previewExtendGraceAction`]: { access: "staff", input: (fx) => ({ workspaceId: fx.workspaceId, days: "5" }) },
  [`${ACCOUNT}#extendGraceAction`]: {
    access: "staff",
    input: (fx, m) => confirmed(m[ACCOUNT]!.previewExtendGraceAction!, { workspaceId: fx.workspaceId, days: "5" }),
  },
  [`${ACCOUNT}#previewVoidInvoiceAction`]: { access: "staff", input: (fx) => ({ workspaceId: fx.workspaceId, invoiceId: fx.invoiceId }) },
  [`${ACCOUNT}#voidInvoiceAction`]: {
    access: "staff",
    input: (fx, m) => confirmed(m[ACCOUNT]!.previewVoidInvoiceAction!, { workspaceId: fx.workspaceId, invoiceId: fx.invoiceId }),
  },
  [`${ACCOUNT}#previewDiscountAction`]: { access: "staff", input: (fx) => ({ workspaceId: fx.workspaceId, percent: "10", invoices: "2" }) },
  [`${ACCOUNT}#applyDiscountAction`]: {
    access: "staff",
    input: (fx, m) => confirmed(m[ACCOUNT]!.previewDiscountAction!, { workspaceId: fx.workspaceId, percent: "10", invoices: "2" }),
  },
  [`${CANCEL}#previewCancelSubscriptionAction`]: { access: "staff", input: (fx) => ({ workspaceId: fx.workspaceId, mode: "period_end" }) },
  [`${CANCEL}#cancelSubscriptionAction`]: {
    access: "staff",
    input: (fx, m) => confirmed(m[CANCEL]!.previewCancelSubscriptionAction!, { workspaceId: fx.workspaceId, mode: "period_end" }),
  },
  [`${RESEND}#previewResendInvoiceAction`]: {
    access: "staff",
    input: (fx) => ({ workspaceId: fx.workspaceId, invoiceId: fx.paidInvoiceId }),
  },
  [`${RESEND}#resendInvoiceAction`]: {
    access: "staff",
    input: (fx, m) => confirmed(m[RESEND]!.previewResendInvoiceAction!, { workspaceId: fx.workspaceId, invoiceId: fx.paidInvoiceId }),
  },
  [`${STAFF}#lookUpStaffCandidateAction`]: { access: "admin", input: (fx) => ({ email: `new-${fx.tag}@test.dev` }) },
  [`${STAFF}#addStaffMemberAction`]: {
    access: "admin",
    input: (fx) => ({
      email: `new-${fx.tag}@test.dev`,
      name: "Nina New",
      role: "SUPPORT",
      initialPassword: "a long enough password",
      reason: "joins the support team",
      idempotencyKey: randomUUID(),
    }),
  },
  [`${STAFF}#changeStaffRoleAction`]: {
    access: "admin",
    input: (fx) => ({
      userId: fx.promote,
      role: "ADMIN",
      expectedRole: "SUPPORT",
      reason: "leads the team now",
      idempotencyKey: randomUUID(),
    }),
  },
  [`${STAFF}#removeStaffMemberAction`]: {
    access: "admin",
    input: (fx) => ({ userId: fx.remove, expectedRole: "SUPPORT", reason: "left the company", idempotencyKey: randomUUID() }),
  },
};

describe("who may call the support console's server actions (R11)", () => {
  let database: TestDatabase;
  let tables: string[];
  let fixture: Fixture;
  const callers = new Map<Caller, SessionUser | null>();
  const modules: Record<string, Module> = {};
  const inputs = new Map<string, unknown>();

  beforeAll(async () => {
    database = await createTestDatabase();
    useDatabase(database);
    await loadCatalog(database.prisma);
    const tag = randomUUID().slice(0, 8);
    const staff = await createStaff(database.prisma, tag);
    const targets = await createStaff(database.prisma, `${tag}-t`);
    const removable = await createStaff(database.prisma, `${tag}-r`);
    const workspaceId = (await makeWorkspace(database.prisma, { now: NOW })).id;
    // In grace, with an overdue invoice: every account action has something to act on.
    const paid = await database.prisma.$transaction((tx) =>
      createInvoice(tx, {
        workspaceId,
        kind: "PLAN_FEE",
        lines: [{ description: "Growth plan", source: null, rule: "R4.1", quantity: 1n, credits: null, amountCents: 30_000n }],
        idempotencyKey: `test:${tag}:paid`,
        at: NOW,
        status: "PAID",
      }),
    );
    const invoice = await database.prisma.$transaction(async (tx) => {
      const created = await createInvoice(tx, {
        workspaceId,
        kind: "PLAN_FEE",
        lines: [{ description: "Growth plan", source: null, rule: "R4.1", quantity: 1n, credits: null, amountCents: 30_000n }],
        idempotencyKey: `test:${tag}`,
        at: NOW,
      });
      await tx.invoice.update({ where: { workspaceId_id: { workspaceId, id: created.id } }, data: { firstFailedAt: NOW } });
      await enterArrears(tx, { workspaceId, at: NOW, policy: arrearsPolicy() });
      return created;
    });
    const member = async (role: "BILLING_ADMIN" | "VIEWER") => {
      const user = await database.prisma.user.create({ data: { email: `${role.toLowerCase()}-${tag}@test.dev`, name: `Pat ${role}` } });
      await database.prisma.membership.create({ data: { workspaceId, userId: user.id, role } });
      return { id: user.id, email: user.email, name: user.name, staffRole: null };
    };
    callers.set("signed out", null);
    callers.set("owner", await ownerOf(database.prisma, workspaceId));
    callers.set("billing admin", await member("BILLING_ADMIN"));
    callers.set("viewer", await member("VIEWER"));
    callers.set("support", staff.support);
    callers.set("admin", staff.admin);
    fixture = {
      workspaceId,
      invoiceId: invoice.id,
      paidInvoiceId: paid.id,
      promote: targets.support.id,
      remove: removable.support.id,
      tag,
    };

    for (const file of actionModules()) modules[file] = (await import(/* @vite-ignore */ path.join(SUPPORT_DIR, file))) as Module;
    // Inputs are worked out by an admin (previews are staff actions too), before anyone is refused.
    session.user = staff.admin;
    for (const [name, entry] of Object.entries(cases)) {
      if (modules[name.split("#")[0]!]) inputs.set(name, await entry.input(fixture, modules));
    }
    tables = await publicTables(database);
  }, 120_000);

  afterAll(async () => {
    useDatabase(undefined);
    await database?.close();
  });

  const actionNames = () =>
    Object.entries(modules).flatMap(([file, module]) =>
      Object.entries(module)
        .filter(([, value]) => typeof value === "function")
        .map(([name]) => `${file}#${name}`),
    );

  it("every exported action has a case, and every case an action", () => {
    expect(Object.keys(modules).sort()).toEqual(expect.arrayContaining([ACCOUNT, CANCEL, RESEND, STAFF]));
    expect(actionNames().sort()).toEqual(Object.keys(cases).sort());
  });

  it("signed out, each customer role, and support for staff management are refused, and nothing changes", async () => {
    const before = await snapshotTables(database.sql, tables);
    const seen: string[] = [];
    for (const name of actionNames()) {
      const [file, exported] = name.split("#") as [string, string];
      const refused: Caller[] = [
        "signed out",
        "owner",
        "billing admin",
        "viewer",
        ...(cases[name]!.access === "admin" ? (["support"] as const) : []),
      ];
      for (const caller of refused) {
        session.user = callers.get(caller)!;
        const outcome = await outcomeOf(() => modules[file]![exported]!(inputs.get(name)));
        seen.push(`${name} as ${caller}: ${typeof outcome === "string" ? outcome : "answered"}`);
      }
    }
    expect(seen).toEqual(
      actionNames().flatMap((name) =>
        (["signed out", "owner", "billing admin", "viewer", ...(cases[name]!.access === "admin" ? ["support"] : [])] as Caller[]).map(
          (caller) => `${name} as ${caller}: ${caller === "signed out" ? "redirect" : "403"}`,
        ),
      ),
    );
    expect(await snapshotTables(database.sql, tables)).toEqual(before);
  });

  it("the staff roles allowed get the action's own answer — the same input that was refused works for them", async () => {
    const answers: string[] = [];
    for (const name of actionNames()) {
      const [file, exported] = name.split("#") as [string, string];
      const allowed: Caller[] = cases[name]!.access === "admin" ? ["admin"] : ["support", "admin"];
      for (const caller of allowed) {
        session.user = callers.get(caller)!;
        const outcome = await outcomeOf(() => modules[file]![exported]!(inputs.get(name)));
        answers.push(`${name} as ${caller}: ${typeof outcome === "object" ? (outcome.ok ? "ok" : `refused: ${outcome.error}`) : outcome}`);
      }
    }
    expect(answers).toEqual(
      actionNames().flatMap((name) =>
        (cases[name]!.access === "admin" ? ["admin"] : ["support", "admin"]).map((caller) => `${name} as ${caller}: ok`),
      ),
    );
    // The applies did what they said, once: e.g. the grant and the void.
    expect(await database.prisma.auditLog.count({ where: { workspaceId: fixture.workspaceId, action: "support.grant_prepaid" } })).toBe(1);
    expect(await database.prisma.invoice.findFirstOrThrow({ where: { id: fixture.invoiceId } })).toMatchObject({ status: "VOID" });
  });
});
