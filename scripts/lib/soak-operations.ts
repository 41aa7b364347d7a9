// The soak test's operations, each a random draw of what customers, support
// and the billing run do, through the same functions the app calls: debits
// through group commit (two DebitQueues, as two app instances), single or in
// batches, of every operation type and of sizes from 1 to a million; retries
// of earlier keys, now and then from two workers at once; top-ups (a form
// posted twice is one top-up), support grants (replayed
// confirmations), plan changes and cancellations, packages, flex and spend
// cap settings, card changes, auto top-ups after a crossing, and clock runs:
// the simulated clock jumps ahead and runBilling does what fell due.
import { BILLING_RUN_LOCK, runBilling } from "@/lib/db/billing/billing-run";
import { setFlexEnabled } from "@/lib/db/billing/flex-setting";
import { setPackageAutoRenew } from "@/lib/db/billing/package-settings";
import { cancelAtPeriodEnd, changePlan, undoCancel } from "@/lib/db/billing/plan-changes";
import type { Database } from "@/lib/db/connect";
import type { DebitQueue } from "@/lib/db/ledger/debit-queue";
import type { DebitRequest } from "@/lib/db/ledger/debit";
import { grantPrepaid } from "@/lib/db/ledger/grants";
import { withTransactionRetry } from "@/lib/db/ledger/retry";
import { saveGuardrails } from "@/lib/db/workspace-settings";
import { runAutoTopUp } from "@/lib/payments/auto-top-up";
import { buyPackage } from "@/lib/payments/packages";
import type { TestGateway } from "@/lib/payments/test-gateway";
import { buyCredits, type TopUpRequest } from "@/lib/payments/top-ups";
import type { SimulatedClock } from "./soak-clock";
import { pickWeighted, saveTestCard, SOAK_OWNER, type SoakWorkspace } from "./soak-setup";
import type { SoakTally } from "./soak-tally";

const PLANS = ["free", "payg", "starter_monthly", "growth_monthly", "starter_annual", "growth_annual"];
const PACKAGES = ["predict_100k_month", "search_100k_month", "predict_1m_year"];
/** The default catalog's tier boundaries (R3.4). */
const BOUNDARIES = [1_000n, 1_001n, 100_000n, 100_001n];

export interface SoakContext {
  database: Database;
  queues: DebitQueue[];
  gateway: TestGateway;
  clock: SimulatedClock;
  random: () => number;
  workspaces: SoakWorkspace[];
  tally: SoakTally;
  creditsPerUsd: bigint;
  /** The mean jump of a clock run, in ms. */
  clockStepMs: number;
  clockBusy: boolean;
  clockRuns: number;
  invoices: number;
  autoTopUpsRunning: Set<string>;
  recentTopUps: Omit<TopUpRequest, "now" | "actor" | "creditsPerUsd">[];
  recentPackages: { workspaceId: string; packageCode: string; requestId: string }[];
}

export type OperationName =
  | "debit"
  | "debit batch"
  | "debit retry"
  | "top-up"
  | "support grant"
  | "plan change"
  | "package"
  | "package auto-renew"
  | "flex switch"
  | "spend cap"
  | "card change"
  | "clock run";

export const OPERATION_WEIGHTS: [OperationName, number][] = [
  ["debit", 0.72],
  ["debit batch", 0.06],
  ["debit retry", 0.1],
  ["top-up", 0.03],
  ["support grant", 0.015],
  ["plan change", 0.015],
  ["package", 0.01],
  ["package auto-renew", 0.004],
  ["flex switch", 0.006],
  ["spend cap", 0.004],
  ["card change", 0.003],
  ["clock run", 0.004],
];

/** The largest "debit batch" (a batch counts its debits). */
const DEBIT_BATCH_MAX = 64;

/** The mean count of one draw by OPERATION_WEIGHTS (a batch counts its debits): how many draws a run of N operations makes. */
export function meanCountPerDraw(): number {
  const total = OPERATION_WEIGHTS.reduce((sum, [, weight]) => sum + weight, 0);
  const batch = OPERATION_WEIGHTS.find(([name]) => name === "debit batch")![1] / total;
  return 1 + batch * ((2 + DEBIT_BATCH_MAX) / 2 - 1);
}

const log10Uniform = (random: () => number, low: number, high: number) =>
  BigInt(Math.floor(10 ** (Math.log10(low) + random() * (Math.log10(high) - Math.log10(low)))));

/** A quarter of the traffic goes to the first four workspaces (hot accounts); the rest is uniform. */
export function pickWorkspace(ctx: SoakContext): SoakWorkspace {
  const { workspaces, random } = ctx;
  return random() < 0.25 ? workspaces[Math.floor(random() * 4)]! : workspaces[Math.floor(random() * workspaces.length)]!;
}

function newDebit(ctx: SoakContext, workspace: SoakWorkspace): DebitRequest {
  const { random } = ctx;
  const type = pickWeighted(random, [
    ["predict", 4],
    ["search", 3],
    ["upload", 2],
    ["train", 0.3],
  ] as const);
  const shape = random();
  let operations: bigint;
  if (type === "train") operations = BigInt(1 + Math.floor(random() * 3));
  else if (shape < 0.4) operations = 1n;
  else if (shape < 0.85) operations = log10Uniform(random, 2, 1_000);
  else if (shape < 0.95) operations = log10Uniform(random, 1_000, 100_000);
  else if (shape < 0.97) operations = BOUNDARIES[Math.floor(random() * BOUNDARIES.length)]!;
  else operations = log10Uniform(random, 100_000, 1_000_000);
  const n = ctx.tally.next();
  return {
    workspaceId: workspace.id,
    operationType: type,
    operations,
    idempotencyKey: `soak-${n}`,
    requestId: `req-${n}`,
    at: ctx.clock.now(),
  };
}

/** Sends one debit through a random queue ("instance") and checks its answer. */
async function sendDebit(ctx: SoakContext, request: DebitRequest): Promise<void> {
  const queue = ctx.queues[Math.floor(ctx.random() * ctx.queues.length)]!;
  ctx.tally.sending(request);
  let answered = false;
  try {
    const outcome = await queue.debit(request);
    answered = true;
    ctx.tally.answered(request, outcome);
    if (outcome.status === "charged" && outcome.autoTopUp) await autoTopUp(ctx, request.workspaceId);
  } finally {
    if (!answered) ctx.tally.answered(request, null);
  }
}

/** R7.2: what the runner does after a crossing, off the debit's time (one run per workspace at a time). */
async function autoTopUp(ctx: SoakContext, workspaceId: string) {
  if (ctx.autoTopUpsRunning.has(workspaceId)) return;
  ctx.autoTopUpsRunning.add(workspaceId);
  try {
    const outcome = await runAutoTopUp(ctx.database.prisma, ctx.gateway, workspaceId, ctx.clock.now(), ctx.creditsPerUsd);
    if (outcome) ctx.tally.count(`auto top-up ${outcome.status.toLowerCase()}`);
  } finally {
    ctx.autoTopUpsRunning.delete(workspaceId);
  }
}

async function topUp(ctx: SoakContext, workspace: SoakWorkspace) {
  const { random, tally } = ctx;
  // A retry posts an earlier form again (sometimes twice at once): one top-up whatever the count.
  const earlier = ctx.recentTopUps.length > 0 && random() < 0.25 ? ctx.recentTopUps[Math.floor(random() * ctx.recentTopUps.length)]! : null;
  const form = earlier ?? {
    workspaceId: workspace.id,
    amountCents: Number(log10Uniform(random, 500, 100_000)),
    requestId: `soak-top-up-${tally.next()}`,
  };
  if (!earlier) ctx.recentTopUps[ctx.recentTopUps.length < 512 ? ctx.recentTopUps.length : Math.floor(random() * 512)] = form;
  const post = () =>
    buyCredits(ctx.database.prisma, ctx.gateway, { ...form, actor: SOAK_OWNER, now: ctx.clock.now(), creditsPerUsd: ctx.creditsPerUsd });
  const outcomes = await Promise.all(earlier && random() < 0.4 ? [post(), post()] : [post()]);
  const topUps = tally.workspace(form.workspaceId).topUps;
  for (const outcome of outcomes) {
    tally.count(`top-up ${outcome.status.toLowerCase()}`);
    const known = topUps.get(form.requestId);
    if (known && known.paymentId !== outcome.paymentId)
      tally.violation(`top-up ${form.requestId} answered payment ${outcome.paymentId} after ${known.paymentId}`);
    if (outcome.status === "SUCCEEDED" && !known) topUps.set(form.requestId, { paymentId: outcome.paymentId, credits: outcome.credits });
  }
}

/**
 * R11: a support grant of prepaid credits, confirmed twice now and then (sometimes both at once): applied once
 * by its key. The ledger step of the support console's grant (grantSteps.apply); the console's preview wrapper
 * (lib/db/support/previewed.ts) loads the action wrapper and Next.js with it, which a script cannot.
 */
async function supportGrant(ctx: SoakContext, workspace: SoakWorkspace) {
  const { random, tally, database } = ctx;
  const credits = log10Uniform(random, 1_000_000, 2_000_000_000);
  const grant = {
    workspaceId: workspace.id,
    credits,
    kind: "SUPPORT" as const,
    idempotencyKey: `soak-grant-${tally.next()}`,
    reason: "soak",
    at: ctx.clock.now(),
  };
  const apply = () => withTransactionRetry(() => database.prisma.$transaction((tx) => grantPrepaid(tx, grant)));
  const twice = random() < 0.3;
  const results = twice && random() < 0.5 ? await Promise.all([apply(), apply()]) : [await apply(), ...(twice ? [await apply()] : [])];
  const applied = results.filter((r) => r.applied).length;
  tally.count("support grant applied", applied);
  tally.count("support grant replayed", results.length - applied);
  if (applied !== 1) tally.violation(`support grant ${grant.idempotencyKey} applied ${applied} times`);
  const grants = tally.workspace(workspace.id);
  grants.supportGrants += 1;
  grants.supportCredits += credits;
}

async function planChange(ctx: SoakContext, workspace: SoakWorkspace) {
  const { random, database, clock, tally } = ctx;
  const choice = random();
  if (choice < 0.12) {
    tally.count(
      `plan ${(await cancelAtPeriodEnd(database.prisma, { workspaceId: workspace.id, at: clock.now(), actor: SOAK_OWNER })).kind}`,
    );
    return;
  }
  if (choice < 0.2) {
    tally.count(`plan ${(await undoCancel(database.prisma, { workspaceId: workspace.id, at: clock.now(), actor: SOAK_OWNER })).kind}`);
    return;
  }
  // Paid plans with a card only: without one, every invoice would go to arrears.
  const plans = workspace.card ? PLANS : ["free", "payg"];
  const toPlanCode = plans[Math.floor(random() * plans.length)]!;
  const outcome = await changePlan(database.prisma, {
    workspaceId: workspace.id,
    toPlanCode,
    at: clock.now(),
    creditsPerUsd: ctx.creditsPerUsd,
    actor: SOAK_OWNER,
  });
  tally.count(`plan ${outcome.kind}`);
}

const isUniqueConflict = (error: unknown) =>
  (error as { code?: unknown } | null)?.code === "P2002" ||
  (error instanceof Error && /Unique constraint failed|duplicate key value/.test(error.message));

async function buyOnePackage(ctx: SoakContext, workspace: SoakWorkspace) {
  const { random, tally } = ctx;
  const earlier =
    ctx.recentPackages.length > 0 && random() < 0.15 ? ctx.recentPackages[Math.floor(random() * ctx.recentPackages.length)]! : null;
  const order = earlier ?? {
    workspaceId: workspace.id,
    packageCode: PACKAGES[Math.floor(random() * PACKAGES.length)]!,
    requestId: `soak-pkg-${tally.next()}`,
  };
  if (!earlier) ctx.recentPackages[ctx.recentPackages.length < 256 ? ctx.recentPackages.length : Math.floor(random() * 256)] = order;
  let result: Awaited<ReturnType<typeof buyPackage>>;
  try {
    result = await buyPackage(ctx.database.prisma, ctx.gateway, {
      ...order,
      autoRenew: random() < 0.5,
      actor: SOAK_OWNER,
      now: ctx.clock.now(),
      creditsPerUsd: ctx.creditsPerUsd,
    });
  } catch (error) {
    // A form posted again while its first post is still in its transaction loses the race on the invoice's key
    // (buyPackage does not catch it, unlike buyCredits): nothing is written, the first post buys the package. Counted
    // apart and reported; the final checks hold each key to one package. Any other error is the caller's to judge.
    if (earlier && isUniqueConflict(error)) {
      tally.count("package repost lost the race (unique conflict)");
      return;
    }
    throw error;
  }
  tally.count(result.paid ? "package paid" : "package unpaid");
  tally.workspace(order.workspaceId).packages.add(order.requestId);
}

async function packageAutoRenew(ctx: SoakContext, workspace: SoakWorkspace) {
  const now = ctx.clock.now();
  const purchase = await ctx.database.prisma.packagePurchase.findFirst({
    where: { workspaceId: workspace.id, status: "ACTIVE", expiresAt: { gt: now } },
    select: { id: true, autoRenew: true },
  });
  if (!purchase) return;
  const outcome = await setPackageAutoRenew(ctx.database.prisma, {
    workspaceId: workspace.id,
    purchaseId: purchase.id,
    autoRenew: !purchase.autoRenew,
    actor: SOAK_OWNER,
    now,
  });
  ctx.tally.count(outcome.changed ? "package auto-renew changed" : "package auto-renew unchanged");
}

async function clockRun(ctx: SoakContext): Promise<boolean> {
  if (ctx.clockBusy) return false;
  ctx.clockBusy = true;
  try {
    // Exponential jumps with the run's mean, at most ten of them: mostly hours, now and then days.
    const jump = Math.min(-Math.log(1 - ctx.random()) * ctx.clockStepMs, 10 * ctx.clockStepMs);
    const now = ctx.clock.advance(jump);
    const outcome = await ctx.database.tryWithLock(BILLING_RUN_LOCK, () =>
      runBilling(ctx.database.prisma, { now, creditsPerUsd: ctx.creditsPerUsd, gateway: ctx.gateway, concurrency: 2, deliverEmail: false }),
    );
    if (outcome.ran) {
      ctx.clockRuns += 1;
      ctx.invoices += outcome.value.invoices;
      ctx.tally.count("packages expired", outcome.value.packagesExpired);
      ctx.tally.count("workspaces deleted", outcome.value.workspacesDeleted);
    }
    return true;
  } finally {
    ctx.clockBusy = false;
  }
}

/** Runs one operation on `workspace` (a batch spreads over others too); returns how many it counts for (a batch counts its debits). */
export async function runOperation(ctx: SoakContext, name: OperationName, workspace: SoakWorkspace): Promise<number> {
  const { random, database, clock, tally } = ctx;
  switch (name) {
    case "debit":
      await sendDebit(ctx, newDebit(ctx, workspace));
      return 1;
    case "debit batch": {
      // A client's batch of calls, 2 to 64: they share the queues' transactions, which keeps a million debits within the time bound.
      const size = 2 + Math.floor(random() * (DEBIT_BATCH_MAX - 1));
      const requests = Array.from({ length: size }, () => newDebit(ctx, random() < 0.5 ? workspace : pickWorkspace(ctx)));
      await Promise.all(requests.map((request) => sendDebit(ctx, request)));
      return size;
    }
    case "debit retry": {
      const earlier = tally.retryable(random);
      if (!earlier) return runOperation(ctx, "debit", workspace);
      const retry = { ...earlier, at: clock.now() };
      tally.count("debit retries sent");
      if (random() < 0.3) {
        tally.count("concurrent retries sent");
        await Promise.all([sendDebit(ctx, retry), sendDebit(ctx, { ...retry })]);
      } else await sendDebit(ctx, retry);
      return 1;
    }
    case "top-up":
      if (workspace.card) await topUp(ctx, workspace);
      else tally.count("top-up skipped: no card");
      return 1;
    case "support grant":
      await supportGrant(ctx, workspace);
      return 1;
    case "plan change":
      await planChange(ctx, workspace);
      return 1;
    case "package":
      if (workspace.card) await buyOnePackage(ctx, workspace);
      return 1;
    case "package auto-renew":
      await packageAutoRenew(ctx, workspace);
      return 1;
    case "flex switch": {
      const outcome = await setFlexEnabled(database.prisma, ctx.gateway, {
        workspaceId: workspace.id,
        enabled: random() < 0.6,
        actor: SOAK_OWNER,
        now: clock.now(),
      });
      tally.count(outcome.changed ? "flex switched" : "flex unchanged");
      return 1;
    }
    case "spend cap":
      await saveGuardrails(database.prisma, {
        workspaceId: workspace.id,
        includedAlerts: random() < 0.5,
        prepaidBelowCents: null,
        flexAboveCents: null,
        spendCapCents: random() < 0.4 ? null : 500 + Math.floor(random() * 100_000),
        creditsPerUsd: ctx.creditsPerUsd,
        actor: SOAK_OWNER,
        now: clock.now(),
      });
      return 1;
    case "card change": {
      const behaviour = random() < 0.85 ? "succeed" : "decline";
      await saveTestCard(database.prisma, ctx.gateway, workspace.id, behaviour, clock.now());
      workspace.card = behaviour;
      return 1;
    }
    case "clock run":
      if (!(await clockRun(ctx))) return runOperation(ctx, "debit", workspace);
      return 1;
  }
}
