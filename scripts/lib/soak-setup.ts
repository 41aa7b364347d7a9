// The soak test's workspaces, made through the app's own paths: signed up on
// Free (R4.1), a test-gateway card saved through the card form's session, a
// plan chosen (an upgrade, with its invoice), flex switched on, a spend cap,
// auto top-up, a first top-up and a package. Sign-ups are spread over the
// month before the clock starts (a year for annual plans), so that anchor
// days differ and periods end all through the run.
import { runBilling } from "@/lib/db/billing/billing-run";
import { setFlexEnabled } from "@/lib/db/billing/flex-setting";
import { changePlan } from "@/lib/db/billing/plan-changes";
import { createUser, createWorkspace } from "@/lib/db/accounts";
import type { Actor } from "@/lib/db/audit";
import { saveGuardrails } from "@/lib/db/workspace-settings";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { saveAutoTopUpSettings } from "@/lib/payments/auto-top-up";
import { saveCardFromSetupSession } from "@/lib/payments/cards";
import { customerOf } from "@/lib/payments/charge";
import { buyPackage } from "@/lib/payments/packages";
import type { CardBehaviour, TestGateway } from "@/lib/payments/test-gateway";
import { buyCredits } from "@/lib/payments/top-ups";
import type { SoakTally } from "./soak-tally";

export const SOAK_OWNER: Actor = { id: null, email: "owner@soak.test", role: "OWNER" };

export interface SoakWorkspace {
  id: string;
  /** The behaviour of its card on file, or null without one. */
  card: CardBehaviour | null;
}

/** Plans by share of the workspaces. */
const PLAN_MIX: [string, number][] = [
  ["free", 0.15],
  ["payg", 0.2],
  ["starter_monthly", 0.25],
  ["growth_monthly", 0.2],
  ["starter_annual", 0.12],
  ["growth_annual", 0.08],
];

const CARD_NUMBERS: Record<"succeed" | "decline", string> = { succeed: "4242424242424242", decline: "4000000000000002" };
const DAY_MS = 86_400_000;

export function pickWeighted<T>(random: () => number, weighted: readonly (readonly [T, number])[]): T {
  const total = weighted.reduce((sum, [, weight]) => sum + weight, 0);
  let left = random() * total;
  for (const [value, weight] of weighted) {
    left -= weight;
    if (left < 0) return value;
  }
  return weighted[weighted.length - 1]![0];
}

/** Saves a test card as the card on file, the way the card form does (a setup session, then its card). */
export async function saveTestCard(
  prisma: PrismaClient,
  gateway: TestGateway,
  workspaceId: string,
  behaviour: "succeed" | "decline",
  now: Date,
) {
  const customerId = await customerOf(prisma, gateway, workspaceId);
  const back = `http://soak.test/w/${workspaceId}/credits`;
  const session = await gateway.createSetupSession({ customerId, workspaceId, successUrl: back, cancelUrl: back });
  await gateway.saveCard({ sessionId: session.id, customerId, number: CARD_NUMBERS[behaviour], expMonth: 12, expYear: 2099, now });
  await saveCardFromSetupSession(prisma, gateway, { workspaceId, sessionId: session.id, now });
}

export interface SetupInput {
  count: number;
  clockStart: Date;
  creditsPerUsd: bigint;
  random: () => number;
  tally: SoakTally;
}

export async function provisionSoakWorkspaces(prisma: PrismaClient, gateway: TestGateway, input: SetupInput): Promise<SoakWorkspace[]> {
  const { random, creditsPerUsd } = input;
  const workspaces: SoakWorkspace[] = [];
  for (let n = 0; n < input.count; n += 1) {
    const plan = pickWeighted(random, PLAN_MIX);
    const spread = plan.endsWith("_annual") ? 360 : 31;
    const signUp = new Date(input.clockStart.getTime() - Math.floor(random() * spread * DAY_MS) - DAY_MS);
    const at = (minutes: number) => new Date(signUp.getTime() + minutes * 60_000);
    const { id } = await prisma.$transaction(async (tx) => {
      const user = await createUser(tx, { email: `owner-${n}@soak.test`, name: `Soak owner ${n}`, passwordHash: null });
      return createWorkspace(tx, { ownerId: user.id, name: `Soak ${n}`, now: signUp });
    });
    // Paid plans need a card; a few cards decline (dunning, arrears); most payg and some free have one.
    const wantsCard = plan !== "free" && plan !== "payg" ? true : random() < (plan === "payg" ? 0.8 : 0.3);
    const card = wantsCard ? (random() < 0.08 ? "decline" : "succeed") : null;
    if (card) await saveTestCard(prisma, gateway, id, card, at(1));
    if (plan !== "free") await changePlan(prisma, { workspaceId: id, toPlanCode: plan, at: at(2), creditsPerUsd, actor: SOAK_OWNER });
    if (plan !== "free" && (plan !== "payg" || card) && random() < 0.65) {
      await setFlexEnabled(prisma, gateway, { workspaceId: id, enabled: true, actor: SOAK_OWNER, now: at(3) });
      if (random() < 0.35) {
        const spendCapCents = 500 + Math.floor(random() * 50_000);
        await saveGuardrails(prisma, {
          workspaceId: id,
          includedAlerts: false,
          prepaidBelowCents: null,
          flexAboveCents: null,
          spendCapCents,
          creditsPerUsd,
          actor: SOAK_OWNER,
          now: at(4),
        });
      }
    }
    if (card === "succeed") {
      if (random() < 0.6) {
        const requestId = `setup-top-up-${n}`;
        const outcome = await buyCredits(prisma, gateway, {
          workspaceId: id,
          amountCents: 500 + Math.floor(random() * 20_000),
          requestId,
          actor: SOAK_OWNER,
          now: at(5),
          creditsPerUsd,
        });
        if (outcome.status === "SUCCEEDED")
          input.tally.workspace(id).topUps.set(requestId, { paymentId: outcome.paymentId, credits: outcome.credits });
      }
      if (random() < 0.2) {
        await saveAutoTopUpSettings(prisma, gateway, {
          workspaceId: id,
          enabled: true,
          thresholdCredits: 20_000_000n,
          amountCents: 2_000,
          monthlyMax: 5,
          actor: SOAK_OWNER,
          now: at(6),
        });
      }
      if (random() < 0.3) {
        const requestId = `soak-pkg-setup-${n}`;
        await buyPackage(prisma, gateway, {
          workspaceId: id,
          packageCode: pickWeighted(random, [
            ["predict_100k_month", 2],
            ["search_100k_month", 2],
            ["predict_1m_year", 1],
          ]),
          autoRenew: random() < 0.5,
          requestId,
          actor: SOAK_OWNER,
          now: at(7),
          creditsPerUsd,
        });
        input.tally.workspace(id).packages.add(requestId);
      }
    }
    workspaces.push({ id, card });
  }
  // Whatever fell due between the sign-ups and the clock's start (a first run catches up, R8.6).
  await runBilling(prisma, { now: input.clockStart, creditsPerUsd, gateway, deliverEmail: false });
  return workspaces;
}
