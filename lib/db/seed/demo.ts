import "server-only";

// The demo data of SPEC R13: five accounts with the password meterdesk-demo,
// 90 days of usage for the owner, one API key per workspace written to
// .data/demo-keys.json. Idempotent: every piece is created only when missing,
// so a second run changes nothing.
import fs from "node:fs";
import path from "node:path";
import { generateApiKey } from "@/lib/api-keys/key";
import { hashPassword } from "@/lib/auth/password";
import { addAnniversaryMonths, calendarMonthStart } from "@/lib/billing/periods";
import { addMember, createUser, createWorkspace } from "@/lib/db/accounts";
import type { MemberRole, PrismaClient, StaffRole } from "@/lib/generated/prisma/client";
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
  flexEnabled?: boolean;
  card?: boolean;
  autoTopUp?: boolean;
  arrearsDaysAgo?: number;
  /** Daily operations per type for the usage history. */
  usage?: { days: number; volumes: Record<string, DailyVolume> };
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
      usage: {
        days: 90,
        volumes: {
          predict: { weekday: 11_000, weekend: 3_500 },
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
      ageDays: 40,
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
      usage: { days: 30, volumes: { predict: { weekday: 900, weekend: 300 }, search: { weekday: 400, weekend: 100 } } },
    },
  },
  {
    email: "arrears@demo.meterdesk.dev",
    name: "Arthur Arrears",
    workspace: { slug: "overdue-robotics", name: "Overdue Robotics", planCode: "starter_monthly", ageDays: 70, card: true, arrearsDaysAgo: 3 },
  },
  { email: "support@demo.meterdesk.dev", name: "Sam Support", staffRole: "SUPPORT" },
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
        workspace = await createDemoWorkspace(prisma, userId, spec, options.now);
        log(`created workspace ${spec.slug} on ${spec.planCode}`);
        if (spec.usage) {
          const rows = await seedUsage(prisma, workspace.id, spec.usage, options.now);
          log(`  ${rows} hourly usage rows over ${spec.usage.days} days`);
        }
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
          data: { workspaceId: workspace.id, name: "Demo key", prefix: key.prefix, secretHash: key.secretHash, createdById: userId, createdAt: options.now },
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

async function createDemoWorkspace(prisma: PrismaClient, ownerId: string, spec: DemoWorkspace, now: Date) {
  // Signed up `ageDays` ago at 09:00 UTC, then renewed on each anniversary.
  const signedUp = new Date(Math.floor((now.getTime() - spec.ageDays * DAY_MS) / DAY_MS) * DAY_MS + 9 * HOUR_MS);
  return prisma.$transaction(async (tx) => {
    const workspace = await createWorkspace(tx, { ownerId, name: spec.name, slug: spec.slug, planCode: spec.planCode, now: signedUp });
    const subscription = await tx.subscription.findFirstOrThrow({
      where: { workspaceId: workspace.id, status: "ACTIVE" },
      select: { id: true, planId: true, anchorDay: true, plan: { select: { interval: true } } },
    });
    // Walk the periods forward to today so the current one holds `now`.
    let period = await tx.subscriptionPeriod.findFirstOrThrow({
      where: { workspaceId: workspace.id, subscriptionId: subscription.id },
      select: { id: true, startsAt: true, endsAt: true },
    });
    const months = subscription.plan.interval === "YEAR" ? 12 : 1;
    for (let n = 2; period.endsAt && period.endsAt <= now; n += 1) {
      await tx.subscriptionPeriod.update({
        where: { workspaceId_id: { workspaceId: workspace.id, id: period.id } },
        data: { closedAt: period.endsAt, closeReason: "RENEWED" },
      });
      period = await tx.subscriptionPeriod.create({
        data: {
          workspaceId: workspace.id,
          subscriptionId: subscription.id,
          planId: subscription.planId,
          startsAt: period.endsAt,
          endsAt: addAnniversaryMonths(signedUp, months * n, subscription.anchorDay),
        },
        select: { id: true, startsAt: true, endsAt: true },
      });
    }
    await tx.subscription.update({
      where: { workspaceId_id: { workspaceId: workspace.id, id: subscription.id } },
      data: { currentPeriodStart: period.startsAt, currentPeriodEnd: period.endsAt },
    });

    const arrearsSince = spec.arrearsDaysAgo === undefined ? null : new Date(now.getTime() - spec.arrearsDaysAgo * DAY_MS);
    await tx.workspace.update({
      where: { id: workspace.id },
      data: {
        flexEnabled: spec.flexEnabled ?? false,
        ...(spec.autoTopUp
          ? { autoTopUpEnabled: true, autoTopUpThreshold: 20_000_000n, autoTopUpAmountCents: 2_500, autoTopUpMonthlyMax: 4 }
          : {}),
        ...(arrearsSince
          ? {
              billingState: "GRACE",
              arrearsSince,
              graceEndsAt: new Date(arrearsSince.getTime() + 15 * DAY_MS),
              retentionEndsAt: new Date(arrearsSince.getTime() + 30 * DAY_MS),
            }
          : {}),
      },
    });
    if (spec.card) {
      await tx.paymentMethod.create({
        data: { workspaceId: workspace.id, gateway: "test", externalId: `pm_test_${spec.slug}`, brand: "visa", last4: "4242", expMonth: 12, expYear: now.getUTCFullYear() + 3, isDefault: true },
      });
    }
    return workspace;
  });
}

async function seedUsage(
  prisma: PrismaClient,
  workspaceId: string,
  usage: NonNullable<DemoWorkspace["usage"]>,
  now: Date,
): Promise<number> {
  const types = await prisma.operationType.findMany({ select: { id: true, code: true } });
  const typeId = new Map(types.map((t) => [t.code, t.id]));
  const random = seededRandom(usage.days * 7919 + Object.keys(usage.volumes).length);
  const lastHour = Math.floor(now.getTime() / HOUR_MS) * HOUR_MS;
  const rows: { workspaceId: string; hour: Date; operationTypeId: string; requests: bigint; operations: bigint }[] = [];
  const monthly = new Map<string, bigint>();

  for (let t = lastHour - usage.days * DAY_MS; t < lastHour; t += HOUR_MS) {
    const hour = new Date(t);
    for (const [code, volume] of Object.entries(usage.volumes)) {
      const operations = operationsInHour(hour, volume, random);
      if (operations === 0) continue;
      const id = typeId.get(code)!;
      // Batches of a few inputs per request on average.
      const requests = code === "train" ? operations : Math.max(1, Math.round(operations / (2 + random() * 6)));
      rows.push({ workspaceId, hour, operationTypeId: id, requests: BigInt(requests), operations: BigInt(operations) });
      const key = `${calendarMonthStart(hour).toISOString()}|${id}`;
      monthly.set(key, (monthly.get(key) ?? 0n) + BigInt(operations));
    }
  }

  for (let i = 0; i < rows.length; i += 1000) {
    await prisma.usageRollupHourly.createMany({ data: rows.slice(i, i + 1000) });
  }
  // The month's counts that decide the tier (R3.1) agree with the rollups.
  await prisma.monthlyUsageCounter.createMany({
    data: [...monthly].map(([key, operations]) => {
      const [month, operationTypeId] = key.split("|") as [string, string];
      return { workspaceId, month: new Date(month), operationTypeId, operations };
    }),
  });
  return rows.length;
}
