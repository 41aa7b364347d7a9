// Crash test of payments (issue 9): kill -9 of the server between a
// successful gateway charge and its grant. A metered call leaves prepaid
// below the auto top-up threshold; the server's runner charges the test
// gateway's 4242 card and, with METERDESK_FAULT=kill-after-charge, the
// process kills itself before it settles. After a restart (its clock a few
// minutes on), the billing run's reconciliation asks the gateway again with
// the payment's own idempotency key and grants the credits: exactly once.
// Exits 1 on failure.
import { randomUUID } from "node:crypto";
import { openDatabase } from "@/lib/db/connect";
import { forfeitIncluded } from "@/lib/db/ledger/grants";
import { ledgerViolations } from "@/lib/db/ledger/invariants";
import { testCustomerId } from "@/lib/payments/test-gateway";
import { createScratchDatabase, startAppServer } from "./lib/app-server";
import { prepareDatabase, provisionApiWorkspace } from "./lib/provision";

const THRESHOLD = 10_000_000n;
const AMOUNT_CENTS = 1_000; // $10 = 20,000,000 credits
const CREDITS_PER_USD = 2_000_000n;

async function waitFor<T>(what: string, probe: () => Promise<T | null>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function main() {
  const scratch = await createScratchDatabase(process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/test", "md_crashpay");
  const database = await openDatabase({ kind: "postgres", url: scratch.url });
  const problems: string[] = [];
  let server = null as Awaited<ReturnType<typeof startAppServer>> | null;
  try {
    await prepareDatabase(database);
    const start = new Date();
    const ws = await provisionApiWorkspace(database, { prepaidCredits: THRESHOLD + 100_000n, perSecond: 100, now: start });
    const prisma = database.prisma;
    // Only prepaid pays: the included credits are forfeited, and a 4242 card of the test gateway is on file.
    await prisma.$transaction((tx) => forfeitIncluded(tx, { workspaceId: ws.workspaceId, at: start, idempotencyKey: "crash:forfeit" }));
    const cardId = `tgpm_${randomUUID().replaceAll("-", "")}`;
    await prisma.testGatewayCard.create({
      data: {
        id: cardId,
        customerId: testCustomerId(ws.workspaceId),
        brand: "visa",
        last4: "4242",
        expMonth: 12,
        expYear: 2040,
        behaviour: "succeed",
        createdAt: start,
      },
    });
    await prisma.paymentMethod.create({
      data: {
        workspaceId: ws.workspaceId,
        gateway: "test",
        externalId: cardId,
        brand: "visa",
        last4: "4242",
        expMonth: 12,
        expYear: 2040,
        isDefault: true,
      },
    });
    await prisma.workspace.update({
      where: { id: ws.workspaceId },
      data: { autoTopUpEnabled: true, autoTopUpThreshold: THRESHOLD, autoTopUpAmountCents: AMOUNT_CENTS, autoTopUpMonthlyMax: 5 },
    });
    const prepaidBefore = async () => (await prisma.creditBalance.findUniqueOrThrow({ where: { workspaceId: ws.workspaceId } })).prepaid;

    server = await startAppServer({
      databaseUrl: scratch.url,
      env: { METERDESK_FAULT: "kill-after-charge", METERDESK_BILLING_RUN: "off" },
    });
    // 1,000 free predictions, then 2,400 credits each: 1,100 cross below the threshold.
    const response = await fetch(`${server.url}/api/v1/operations`, {
      method: "POST",
      headers: { authorization: `Key ${ws.secret}`, "content-type": "application/json", "idempotency-key": "crash-pay-1" },
      body: JSON.stringify({ type: "predict", inputs: 1_100 }),
    });
    if (response.status !== 200) problems.push(`the metered call answered ${response.status}: ${await response.text()}`);
    const afterCall = await prepaidBefore();
    const exit = await waitFor(
      "the server to kill itself after the charge",
      async () =>
        server!.child.exitCode !== null || server!.child.signalCode !== null
          ? (server!.child.signalCode ?? String(server!.child.exitCode))
          : null,
      20_000,
    );
    console.log(`server stopped (${exit}) after the charge; prepaid ${afterCall} credits`);
    const charges = await prisma.testGatewayCharge.findMany({ where: { customerId: testCustomerId(ws.workspaceId) } });
    if (charges.length !== 1 || charges[0]!.status !== "succeeded")
      problems.push(`expected one successful charge before the restart, found ${charges.length}`);
    if ((await prepaidBefore()) !== afterCall) problems.push("credits were granted before the crash: the fault did not hit the window");

    // Restart a few minutes later (the reconciliation leaves payments younger than a minute to their request).
    const later = new Date(Date.now() + 5 * 60_000).toISOString();
    server = await startAppServer({ databaseUrl: scratch.url, env: { METERDESK_NOW: later, METERDESK_BILLING_RUN: "on" } });
    await waitFor(
      "the reconciliation to settle the payment",
      async () => {
        const payment = await prisma.payment.findFirst({ where: { workspaceId: ws.workspaceId, kind: "AUTO_TOP_UP" } });
        return payment && payment.status !== "PENDING" ? payment : null;
      },
      60_000,
    );
    // And once more: a second billing run must change nothing.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const granted = (await prepaidBefore()) - afterCall;
    const expected = (BigInt(AMOUNT_CENTS) * CREDITS_PER_USD) / 100n;
    if (granted !== expected) problems.push(`granted ${granted} credits after the restart, expected exactly ${expected}`);
    const grants = await prisma.creditGrant.count({ where: { workspaceId: ws.workspaceId, kind: "AUTO_TOP_UP" } });
    if (grants !== 1) problems.push(`${grants} auto top-up grants, expected 1`);
    const chargesAfter = await prisma.testGatewayCharge.count({ where: { customerId: testCustomerId(ws.workspaceId) } });
    if (chargesAfter !== 1) problems.push(`${chargesAfter} charges at the gateway, expected 1`);
    const receipts = await prisma.invoice.count({ where: { workspaceId: ws.workspaceId, kind: "TOP_UP", status: "PAID" } });
    if (receipts !== 1) problems.push(`${receipts} receipts, expected 1`);
    problems.push(...(await ledgerViolations(database.sql, [ws.workspaceId])));
    console.log(`after the restart: ${granted} credits granted, ${grants} grant, ${chargesAfter} charge, ${receipts} receipt`);
  } finally {
    await server?.stop().catch(() => {});
    await database.close();
    await scratch.drop();
  }
  if (problems.length > 0) {
    for (const problem of problems) console.error(`FAIL ${problem}`);
    console.log("payments crash test: failed");
    process.exit(1);
  }
  console.log("payments crash test: the charge made before kill -9 was granted exactly once after the restart");
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
