// Stripe's webhook endpoint (R7, R8.3): verified, allow-listed events, each
// processed once (lib/payments/webhooks.ts). It exists in every configuration;
// without STRIPE_WEBHOOK_SECRET (the built-in test gateway) every request is
// answered 400, as a bad signature would be.
import { NextResponse } from "next/server";
import { z } from "zod";
import { now as clockNow } from "@/lib/clock";
import { db } from "@/lib/db";
import { applyChargeResult } from "@/lib/db/payments/settle";
import { env } from "@/lib/env";
import { paymentGateway } from "@/lib/payments";
import { saveCardFromSetupSession } from "@/lib/payments/cards";
import { processStripeWebhook } from "@/lib/payments/webhooks";

export const dynamic = "force-dynamic";

const uuid = z.uuid();

/** Stripe's events are a few kilobytes; anything much larger is not one of them. */
const MAX_BODY_BYTES = 64 * 1024;

/** The body as text, or null past the limit (read as it streams: a false Content-Length does not help). */
async function readLimited(request: Request): Promise<string | null> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) return null;
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

export async function POST(request: Request) {
  const rawBody = await readLimited(request);
  if (rawBody === null) return NextResponse.json({ error: "the body is larger than 64 KiB" }, { status: 413 });
  const { STRIPE_WEBHOOK_SECRET, CREDITS_PER_USD } = env();
  const prisma = await db();
  const gateway = paymentGateway();
  const now = clockNow();
  const result = await processStripeWebhook(prisma, {
    rawBody,
    signature: request.headers.get("stripe-signature"),
    secret: STRIPE_WEBHOOK_SECRET,
    now,
    // Stripe signs with the real time, whatever the app's clock says (METERDESK_NOW).
    receivedAt: new Date(),
    handlers: {
      async paymentIntent({ workspaceId, paymentId, externalId }) {
        // A payment that is not ours (another deployment on the same Stripe account, or gone): nothing to do.
        if (!uuid.safeParse(workspaceId).success || !uuid.safeParse(paymentId).success) return;
        const known = await prisma.payment.count({ where: { workspaceId, id: paymentId, gateway: "stripe" } });
        if (known === 0) return;
        // The event's own status may be stale (events arrive out of order): Stripe's current state decides.
        const result = await gateway.retrieveCharge(externalId);
        await applyChargeResult(prisma, { workspaceId, paymentId, result, now, creditsPerUsd: CREDITS_PER_USD });
      },
      async setupCompleted({ workspaceId, sessionId }) {
        await saveCardFromSetupSession(prisma, gateway, { workspaceId, sessionId, now });
      },
    },
  });
  return NextResponse.json(result.body, { status: result.status });
}
