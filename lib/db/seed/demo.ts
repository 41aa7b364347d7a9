import "server-only";

// The demo data of SPEC R13: five accounts with the password meterdesk-demo,
// 90 days of usage for the owner, one API key per workspace written to
// .data/demo-keys.json. Idempotent: every piece is created only when missing,
// so a second run changes nothing.
import fs from "node:fs";
import path from "node:path";
import { generateApiKey } from "@/lib/api-keys/key";
import { hashPassword } from "@/lib/auth/password";
import { packageLine } from "@/lib/billing/invoice-lines";
import { addAnniversaryMonths, calendarMonthStart } from "@/lib/billing/periods";
import { addMember, createUser, createWorkspace } from "@/lib/db/accounts";
import { runBilling } from "@/lib/db/billing/billing-run";
import { createInvoice } from "@/lib/db/invoices";
import { debitBatch, loadRatingCatalog, type DebitContext, type DebitRequest } from "@/lib/db/ledger/debit";
import { grantPackage, grantPrepaid } from "@/lib/db/ledger/grants";
import type { MemberRole, PrismaClient, StaffRole } from "@/lib/generated/prisma/client";
import type { Tx } from "@/lib/db";
import { TestGateway, testCustomerId, type CardBehaviour } from "@/lib/payments/test-gateway";
import { operationsInHour, seededRandom, type DailyVolume } from "./usage-shape";

export const DEMO_PASSWORD = "meterdesk-demo";
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

interface DemoWorkspace {
  slug: string;
  name: string;
  planCode: string;
  /** How long ago the workspace signed up. */
  ageDays: number;
  /**
   * Signed up instead on this day of the month: the latest such day at least
   * `ageDays` ago (31: the latest 31st, so its dates show the month-end rule, R4.2).
   */
  anchorDay?: number;
  flexEnabled?: boolean;
  card?: boolean;
  autoTopUp?: boolean;
  /**
   * In arrears: signed up two months before this many days ago, so that its
   * plan fee fell due then; the day before, its card was replaced by the
   * declining test card, which stays on file (the story goes on as the date moves).
   */
  arrearsDaysAgo?: number;
  /** Prepaid credits bought at sign-up. */
  prepaidCredits?: bigint;
  /** A package bought on a day of the history. */
  package?: { code: string; at: Date };
  /** Daily operations per type for the usage history. */
  usage?: { days: number; volumes: Record<string, DailyVolume> };
  /** Usage alerts (R14.1), set at sign-up: their notices fill the notification list as the history replays. */
  alerts?: { included: boolean; flexAboveCredits?: bigint };
}

interface DemoAccount {
  email: string;
  name: string;
  staffRole?: StaffRole;
  workspace?: DemoWorkspace;
  memberOf?: { slug: string; role: MemberRole };
}

export const DEMO_ACCOUNTS: DemoAccount[] = [
  {
    email: "owner@demo.meterdesk.dev",
    name: "Olivia Owner",
    workspace: {
      slug: "acme-vision",
      name: "Acme Vision",
      planCode: "growth_monthly",
      ageDays: 130,
      flexEnabled: true,
      card: true,
      prepaidCredits: 600_000_000n,
      alerts: { included: true, flexAboveCredits: 100_000_000n },
      usage: {
        days: 90,
        volumes: {
          predict: { weekday: 9_500, weekend: 3_000 },
          upload: { weekday: 2_600, weekend: 700 },
          search: { weekday: 4_200, weekend: 1_300 },
          train: { weekday: 0.4, weekend: 0.1 },
        },
      },
    },
  },
  {
    email: "free@demo.meterdesk.dev",
    name: "Frank Free",
    workspace: {
      slug: "free-labs",
      name: "Free Labs",
      planCode: "free",
      // Anchored on the 31st: its resets fall on Feb 28/29, Apr 30 … (the billing timeline shows the month-end rule).
      ageDays: 20,
      anchorDay: 31,
      usage: { days: 20, volumes: { predict: { weekday: 140, weekend: 60 }, upload: { weekday: 60, weekend: 20 } } },
    },
  },
  {
    email: "payg@demo.meterdesk.dev",
    name: "Priya Payg",
    workspace: {
      slug: "payg-studio",
      name: "PAYG Studio",
      planCode: "payg",
      ageDays: 75,
      card: true,
      autoTopUp: true,
      prepaidCredits: 120_000_000n,
      usage: { days: 30, volumes: { predict: { weekday: 900, weekend: 300 }, search: { weekday: 400, weekend: 100 } } },
    },
  },
  {
    email: "arrears@demo.meterdesk.dev",
    name: "Arthur Arrears",
    workspace: {
      slug: "overdue-robotics",
      name: "Overdue Robotics",
      planCode: "starter_monthly",
      ageDays: 0,
      flexEnabled: true,
      card: true,
      arrearsDaysAgo: 3,
    },
  },
  // Not in R13's list: a second account in arrears, for support staff to practise
  // the console's actions on (the browser tests act on it while another pays arrears@'s invoice).
  {
    email: "late@demo.meterdesk.dev",
    name: "Lena Late",
    workspace: {
      slug: "late-logistics",
      name: "Late Logistics",
      planCode: "starter_monthly",
      ageDays: 0,
      flexEnabled: true,
      card: true,
      arrearsDaysAgo: 5,
    },
  },
  { email: "support@demo.meterdesk.dev", name: "Sam Support", staffRole: "SUPPORT" },
  // Not in R13's list: a staff admin, who also manages the staff accounts (/support/staff).
  { email: "admin@demo.meterdesk.dev", name: "Ada Admin", staffRole: "ADMIN" },
  // Not in R13's list: a read-only member of Acme Vision, to show what viewers see.
  { email: "viewer@demo.meterdesk.dev", name: "Victor Viewer", memberOf: { slug: "acme-vision", role: "VIEWER" } },
];

export interface SeedOptions {
  now: Date;
  /** Where the API keys are written (R13: .data/demo-keys.json). */
  keysFile: string;
  log?: (line: string) => void;
}

export async function seedDemo(prisma: PrismaClient, options: SeedOptions): Promise<void> {
  const log = options.log ?? (() => {});
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const keys = readKeys(options.keysFile);
  let keysChanged = false;

  for (const account of DEMO_ACCOUNTS) {
    let user = await prisma.user.findUnique({ where: { email: account.email }, select: { id: true } });
    if (!user) {
      user = await prisma.$transaction((tx) =>
        createUser(tx, { email: account.email, name: account.name, passwordHash, staffRole: account.staffRole }),
      );
      log(`created ${account.email}`);
    }
    const userId = user.id;

    if (account.workspace) {
      const spec = account.workspace;
      let workspace = await prisma.workspace.findUnique({ where: { slug: spec.slug }, select: { id: true } });
      if (!workspace) {
        const created = await createDemoWorkspace(prisma, userId, spec, options.now);
        workspace = { id: created.id };
        log(`created workspace ${spec.slug} on ${spec.planCode}`);
        const withPackage =
          spec.slug === "acme-vision"
            ? { ...spec, package: { code: "predict_1m_year", at: new Date(options.now.getTime() - 40 * DAY_MS) } }
            : spec;
        await simulateHistory(prisma, created.id, withPackage, created.signedUp, options.now, log);
        if (spec.planCode === "free") await nearFreeLimit(prisma, created.id, options.now);
      }
      const activeKey = await prisma.apiKey.findFirst({
        where: { workspaceId: workspace.id, name: "Demo key", revokedAt: null },
        select: { prefix: true },
      });
      if (!activeKey || !keys[account.email]?.startsWith(`${activeKey.prefix}_`)) {
        // The secret of an existing key cannot be recovered: replace it.
        if (activeKey) {
          await prisma.apiKey.updateMany({
            where: { workspaceId: workspace.id, name: "Demo key", revokedAt: null },
            data: { revokedAt: options.now },
          });
        }
        const key = generateApiKey();
        await prisma.apiKey.create({
          data: {
            workspaceId: workspace.id,
            name: "Demo key",
            prefix: key.prefix,
            secretHash: key.secretHash,
            createdById: userId,
            createdAt: options.now,
          },
        });
        keys[account.email] = key.secret;
        keysChanged = true;
        log(`  API key ${key.prefix}… for ${account.email}`);
      }
    }

    if (account.memberOf) {
      const workspace = await prisma.workspace.findUnique({ where: { slug: account.memberOf.slug }, select: { id: true } });
      if (workspace) {
        const existing = await prisma.membership.findUnique({
          where: { workspaceId_userId: { workspaceId: workspace.id, userId } },
          select: { role: true },
        });
        if (!existing) await prisma.$transaction((tx) => addMember(tx, workspace.id, userId, account.memberOf!.role));
      }
    }
  }

  if (keysChanged) {
    fs.mkdirSync(path.dirname(options.keysFile), { recursive: true });
    fs.writeFileSync(options.keysFile, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600 });
    log(`wrote API keys to ${options.keysFile}`);
  }
}

function readKeys(file: string): Record<string, string> {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, string>;
  } catch {
    return {};
  }
}

function signUpInstant(spec: DemoWorkspace, now: Date): Date {
  if (spec.anchorDay !== undefined) {
    const latest = now.getTime() - spec.ageDays * DAY_MS;
    const from = new Date(latest);
    for (let back = 0; ; back += 1) {
      // Date.UTC rolls a day the month lacks into the next month: such a month is skipped.
      const candidate: Date = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth() - back, spec.anchorDay, 9));
      if (candidate.getUTCDate() === spec.anchorDay && candidate.getTime() <= latest) return candidate;
    }
  }
  if (spec.arrearsDaysAgo === undefined) {
    return new Date(Math.floor((now.getTime() - spec.ageDays * DAY_MS) / DAY_MS) * DAY_MS + 9 * HOUR_MS);
  }
  const due = new Date(now.getTime() - spec.arrearsDaysAgo * DAY_MS);
  return new Date(Date.UTC(due.getUTCFullYear(), due.getUTCMonth() - 2, Math.min(due.getUTCDate(), 28), 9));
}

/** A card of the built-in test gateway, saved as the workspace's card on file (replacing any other). */
async function putTestCard(tx: Tx, workspaceId: string, slug: string, last4: string, behaviour: CardBehaviour, at: Date) {
  const id = `tgpm_demo_${slug}_${last4}`;
  await tx.testGatewayCard.upsert({
    where: { id },
    create: {
      id,
      customerId: testCustomerId(workspaceId),
      brand: "visa",
      last4,
      expMonth: 12,
      expYear: at.getUTCFullYear() + 3,
      behaviour,
      createdAt: at,
    },
    update: {},
  });
  await tx.paymentMethod.deleteMany({ where: { workspaceId } });
  await tx.paymentMethod.create({
    data: {
      workspaceId,
      gateway: "test",
      externalId: id,
      brand: "visa",
      last4,
      expMonth: 12,
      expYear: at.getUTCFullYear() + 3,
      isDefault: true,
      createdAt: at,
    },
  });
}

async function createDemoWorkspace(prisma: PrismaClient, ownerId: string, spec: DemoWorkspace, now: Date) {
  // Signed up `ageDays` ago at 09:00 UTC; the billing engine then runs its
  // periods forward to today, so that invoices, resets and ledger are real.
  const signedUp = signUpInstant(spec, now);
  const workspace = await prisma.$transaction(async (tx) => {
    const created = await createWorkspace(tx, { ownerId, name: spec.name, slug: spec.slug, planCode: spec.planCode, now: signedUp });
    await tx.workspace.update({
      where: { id: created.id },
      data: {
        flexEnabled: spec.flexEnabled ?? false,
        ...(spec.autoTopUp
          ? { autoTopUpEnabled: true, autoTopUpThreshold: 20_000_000n, autoTopUpAmountCents: 2_500, autoTopUpMonthlyMax: 4 }
          : {}),
        ...(spec.alerts ? { alertIncludedUsage: spec.alerts.included, alertFlexAbove: spec.alerts.flexAboveCredits ?? null } : {}),
      },
    });
    if (spec.card) await putTestCard(tx, created.id, spec.slug, "4242", "succeed", signedUp);
    if (spec.prepaidCredits) {
      await grantPrepaid(tx, {
        workspaceId: created.id,
        credits: spec.prepaidCredits,
        kind: "TOP_UP",
        idempotencyKey: `demo:topup:${spec.slug}`,
        reason: "demo top-up",
        at: signedUp,
      });
    }
    return created;
  });
  return { ...workspace, signedUp };
}

/**
 * Replays the workspace's life through the engine: each day the billing run
 * runs, then that day's usage is debited hour by hour (R3 tiers, R5 sources).
 */
async function simulateHistory(
  prisma: PrismaClient,
  workspaceId: string,
  spec: DemoWorkspace,
  signedUp: Date,
  now: Date,
  log: (line: string) => void,
) {
  const context: DebitContext = { catalog: await loadRatingCatalog(prisma), creditsPerUsd: 2_000_000n };
  const random = seededRandom(spec.slug.length * 7919 + spec.ageDays);
  // Invoices are collected with the test gateway as the days pass; emails of the past are not sent.
  const gateway = new TestGateway(
    async () => prisma,
    () => "http://localhost:3000",
  );
  const run = (at: Date) => runBilling(prisma, { now: at, creditsPerUsd: 2_000_000n, gateway, deliverEmail: false });
  const cardSwap = spec.arrearsDaysAgo === undefined ? null : now.getTime() - (spec.arrearsDaysAgo + 1) * DAY_MS;
  const lastHour = Math.floor(now.getTime() / HOUR_MS) * HOUR_MS;
  const usageFrom = spec.usage ? lastHour - spec.usage.days * DAY_MS : Infinity;
  let debits = 0;
  for (let day = Math.floor(signedUp.getTime() / DAY_MS) * DAY_MS; day < lastHour; day += DAY_MS) {
    if (cardSwap !== null && day <= cardSwap && cardSwap < day + DAY_MS) {
      await prisma.$transaction((tx) => putTestCard(tx, workspaceId, spec.slug, "0002", "decline", new Date(cardSwap)));
    }
    await run(new Date(Math.max(day, signedUp.getTime())));
    if (spec.package && day <= spec.package.at.getTime() && spec.package.at.getTime() < day + DAY_MS) {
      await buyDemoPackage(prisma, workspaceId, spec.package.code, spec.package.at);
    }
    if (!spec.usage) continue;
    const requests: DebitRequest[] = [];
    for (let t = Math.max(day, usageFrom); t < Math.min(day + DAY_MS, lastHour); t += HOUR_MS) {
      const hour = new Date(t);
      for (const [code, volume] of Object.entries(spec.usage.volumes)) {
        const operations = operationsInHour(hour, volume, random);
        if (operations === 0) continue;
        // Spread over the hour so that the debits do not share an instant.
        const at = new Date(t + Math.floor(random() * (HOUR_MS - 1000)));
        requests.push({
          workspaceId,
          operationType: code,
          operations: BigInt(operations),
          idempotencyKey: `demo:${code}:${t}`,
          requestId: `demo_${code}_${t}`,
          at,
        });
      }
    }
    requests.sort((a, b) => a.at.getTime() - b.at.getTime());
    if (requests.length > 0) {
      await debitBatch(prisma, requests, context);
      debits += requests.length;
    }
  }
  await run(now);
  // The history's notices are the past: recorded, not sent.
  await prisma.notificationOutbox.updateMany({ where: { workspaceId, sentAt: null }, data: { sentAt: now } });
  log(`  ${debits} hourly debits replayed through the engine`);
}

async function buyDemoPackage(prisma: PrismaClient, workspaceId: string, code: string, at: Date) {
  await prisma.$transaction(async (tx) => {
    const pkg = await tx.package.findUniqueOrThrow({
      where: { code },
      select: { id: true, name: true, operationTypeId: true, operations: true, validity: true, priceCents: true },
    });
    const expiresAt = addAnniversaryMonths(at, pkg.validity === "YEAR" ? 12 : 1);
    const key = `demo:package:${workspaceId}:${code}`;
    const invoice = await createInvoice(tx, {
      workspaceId,
      kind: "PACKAGE",
      lines: [packageLine({ packageName: pkg.name, startsAt: at, expiresAt, priceCents: pkg.priceCents })],
      idempotencyKey: key,
      at,
      status: "PAID",
    });
    await grantPackage(tx, {
      workspaceId,
      packageId: pkg.id,
      operationTypeId: pkg.operationTypeId,
      operations: pkg.operations,
      expiresAt,
      at,
      autoRenew: false,
      invoiceId: invoice.id,
      idempotencyKey: key,
    });
  });
}

/** R13: the Free workspace is near its monthly limit: spend most of what is left of its included credits. */
async function nearFreeLimit(prisma: PrismaClient, workspaceId: string, now: Date) {
  const balance = await prisma.creditBalance.findUniqueOrThrow({ where: { workspaceId }, select: { included: true } });
  const context: DebitContext = { catalog: await loadRatingCatalog(prisma), creditsPerUsd: 2_000_000n };
  const month = await prisma.monthlyUsageCounter.findMany({
    where: { workspaceId, month: calendarMonthStart(now) },
    select: { operations: true, operationType: { select: { code: true } } },
  });
  const predictCount = month.find((m) => m.operationType.code === "predict")?.operations ?? 0n;
  const free = predictCount >= 1000n ? 0n : 1000n - predictCount;
  const target = (balance.included * 88n) / 100n / 2_400n;
  if (target <= 0n) return;
  await debitBatch(
    prisma,
    [
      {
        workspaceId,
        operationType: "predict",
        operations: free + target,
        idempotencyKey: "demo:near-limit",
        requestId: "demo_near_limit",
        at: new Date(now.getTime() - 30 * 60_000),
      },
    ],
    context,
  );
}
