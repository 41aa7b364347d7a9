import "server-only";

// The process's payment gateway (R13): Stripe when STRIPE_SECRET_KEY is set,
// the built-in test gateway otherwise. Kept on globalThis like the rest of
// the process-wide state (several bundles share one process).
import { db } from "@/lib/db";
import { appOrigin, env } from "@/lib/env";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { PaymentGateway } from "./gateway";
import { StripeGateway } from "./stripe";
import { TestGateway } from "./test-gateway";

export type { PaymentGateway } from "./gateway";

export { appOrigin } from "@/lib/env";

/** A gateway on the given database (tests, scripts): Stripe if configured, else the test gateway. */
export function gatewayFor(prisma: () => Promise<PrismaClient>): PaymentGateway {
  const { STRIPE_SECRET_KEY, STRIPE_API_BASE } = env();
  if (STRIPE_SECRET_KEY) return new StripeGateway({ secretKey: STRIPE_SECRET_KEY, apiBase: STRIPE_API_BASE });
  return new TestGateway(prisma, appOrigin);
}

const holder = globalThis as unknown as { __meterdeskGateway?: PaymentGateway };

export function paymentGateway(): PaymentGateway {
  holder.__meterdeskGateway ??= gatewayFor(db);
  return holder.__meterdeskGateway;
}
