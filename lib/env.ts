// The one place that reads process.env (STYLE: environment parsed once).
// Every variable is validated at start-up; a bad value fails with its name.
import { z } from "zod";

const isoInstant = z
  .string()
  .refine((value) => !Number.isNaN(Date.parse(value)), "must be an ISO-8601 instant such as 2026-01-31T00:00:00Z");

const optionalUrl = (protocols: string[]) =>
  z
    .string()
    .trim()
    .transform((value) => (value === "" ? undefined : value))
    .pipe(
      z
        .string()
        .refine((value) => protocols.some((p) => value.startsWith(`${p}://`)), `must start with ${protocols.join(":// or ")}://`)
        .optional(),
    )
    .optional();

const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === "" ? undefined : value))
  .optional();

export const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  // Real PostgreSQL; unset = embedded PGlite in PGLITE_DIR (R13).
  DATABASE_URL: optionalUrl(["postgresql", "postgres"]),
  PGLITE_DIR: z.string().trim().min(1).default(".data/pglite"),
  // Redis for rate limits; unset = in-process limiter (R13).
  REDIS_URL: optionalUrl(["redis", "rediss"]),
  // Stripe; unset = the built-in test gateway (R13).
  STRIPE_SECRET_KEY: optionalText,
  STRIPE_WEBHOOK_SECRET: optionalText,
  STRIPE_API_BASE: optionalUrl(["http", "https"]),
  // SMTP for email; unset = emails written to the local outbox (R13).
  SMTP_URL: optionalUrl(["smtp", "smtps"]),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  // Prometheus metrics on their own port (docs/OPERATIONS.md); unset = no metrics server.
  METRICS_PORT: z.preprocess((value) => (value === "" ? undefined : value), z.coerce.number().int().min(1).max(65535).optional()),
  // Signs session cookies. Unset: a random secret kept in .data/auth-secret.
  AUTH_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  // Public URL of the app, for auth callbacks and links in emails.
  APP_URL: optionalUrl(["http", "https"]),
  GITHUB_ID: optionalText,
  GITHUB_SECRET: optionalText,
  // R8.7: start the clock at this instant (it then runs on).
  METERDESK_NOW: isoInstant.optional(),
  // R1.1: credits per USD, configurable per deployment.
  CREDITS_PER_USD: z.coerce.bigint().positive().default(2_000_000n),
  // The server's own billing run, every minute (R8.6); "off" leaves it to `billing:run`.
  METERDESK_BILLING_RUN: z.enum(["on", "off"]).default("on"),
  // How often the leading instance's billing run ticks, and a follower asks for the lead (tests shorten it).
  METERDESK_BILLING_RUN_INTERVAL_MS: z.coerce.number().int().min(100).max(3_600_000).default(60_000),
  // Where the demo seed writes its API keys (R13).
  DEMO_KEYS_FILE: z.string().default(".data/demo-keys.json"),
  // Arrears (R8.3–R8.5): the days after a failed payment on which it is tried
  // again, the grace and retention periods, and how long before each
  // transition the owners are warned.
  DUNNING_RETRY_DAYS: z
    .string()
    .trim()
    .default("1,3,5,7")
    .pipe(
      z
        .string()
        .regex(/^(\d{1,3}(,\d{1,3})*)?$/, 'must be days after the failure, such as "1,3,5,7" (empty: no retries)')
        .transform((value) => (value === "" ? [] : value.split(",").map(Number)))
        .refine((days) => days.every((day, i) => day >= 1 && (i === 0 || day > days[i - 1]!)), "must be increasing days of 1 or more"),
    ),
  GRACE_DAYS: z.coerce.number().int().min(1).max(365).default(15),
  RETENTION_DAYS: z.coerce.number().int().min(1).max(365).default(15),
  ARREARS_WARNING_DAYS: z.coerce.number().int().min(1).max(30).default(3),
  // Email (R13): the sender address, and where messages go without SMTP_URL.
  EMAIL_FROM: z.string().trim().min(3).default("Meterdesk <billing@meterdesk.local>"),
  OUTBOX_DIR: z.string().trim().min(1).default(".data/outbox"),
  // Crash tests only (scripts/crash-test-payments.ts): "kill-after-charge" makes the
  // process kill itself right after a successful charge, before it is settled.
  METERDESK_FAULT: z.enum(["kill-after-charge"]).optional(),
  // How many reverse proxies in front of the server append to X-Forwarded-For:
  // "off" (default) uses the socket's peer address and ignores the header, "on" is 1 hop.
  TRUST_PROXY: z
    .string()
    .trim()
    .toLowerCase()
    .default("off")
    .pipe(
      z.union([
        z.enum(["off", "false", "0"]).transform(() => 0),
        z.enum(["on", "true"]).transform(() => 1),
        z
          .string()
          .regex(/^[1-9]$/, 'must be "off", "on" or the number of proxies (1-9)')
          .transform(Number),
      ]),
    ),
});

export type Env = z.infer<typeof envSchema>;

export class EnvError extends Error {}

/** Parses an environment; throws an EnvError naming every bad variable. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = envSchema.safeParse(source);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new EnvError(`Invalid environment:\n  ${problems.join("\n  ")}`);
  }
  const env = result.data;
  if (Boolean(env.GITHUB_ID) !== Boolean(env.GITHUB_SECRET)) {
    throw new EnvError("Invalid environment:\n  GITHUB_ID and GITHUB_SECRET must be set together");
  }
  if (Boolean(env.STRIPE_SECRET_KEY) !== Boolean(env.STRIPE_WEBHOOK_SECRET)) {
    throw new EnvError("Invalid environment:\n  STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET must be set together");
  }
  return env;
}

/** The app's public origin (APP_URL, or the local server): links in emails, the gateway's return addresses, the API's base URL. */
export function appOrigin(): string {
  const { APP_URL, PORT } = env();
  return (APP_URL ?? `http://localhost:${PORT}`).replace(/\/+$/, "");
}

let cached: Env | undefined;

export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}
