// Runs once when the server starts: validate the environment so that a bad
// variable stops the server with its name instead of failing on first use,
// start the process's clock (R8.7: METERDESK_NOW counts from boot), then start
// the billing run (R8.1, R8.6): every minute, every due job — which makes
// hourly statements appear within the hour. Of several instances on one
// PostgreSQL, one leads it and another takes over when it stops
// (lib/billing-run-timer.ts, docs/SCALING.md).
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs" || process.env.NEXT_PHASE === "phase-production-build") return;
  const { env } = await import("./lib/env");
  const { startClock } = await import("./lib/clock");
  startClock();
  if (env().METERDESK_BILLING_RUN === "off") return;
  const { startBillingRunTimer } = await import("./lib/billing-run-timer");
  startBillingRunTimer();
}
