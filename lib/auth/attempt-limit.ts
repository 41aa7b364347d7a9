import "server-only";

// Per-address limits on sign-in and sign-up attempts: at most
// AUTH_ATTEMPTS_PER_MINUTE of each from one address (an IPv4 address or an
// IPv6 /64) in each minute of the clock. The per-email lockout stops guessing
// one account's password; this slows one address trying many accounts (and
// probing which emails have one at sign-up).
//
// Counted by the app's rate limiter (lib/api/rate-limiter.ts: Redis when set,
// so shared by every instance): one key per address and minute, on which an
// hourly limit of N admits exactly N (its next admission would be 60/N
// minutes later, past the minute). When Redis cannot answer, the limiter
// admits the attempt; the per-email lockout still holds.
//
// The machine itself (a loopback peer with no trusted forwarded address) is
// not limited: tools and health checks run there, and a reverse proxy on the
// same host without TRUST_PROXY would otherwise put every user in one bucket.
// An unknown address (no server of ours in front of Next.js: `next dev`) is not
// limited either.
import { rateLimiter } from "@/lib/api/rate-limiter";
import { addressBucket, isLoopbackAddress } from "@/lib/http/client-address";

export const AUTH_ATTEMPTS_PER_MINUTE = 10;
const MINUTE_MS = 60_000;

export type AuthAttempt = "sign-in" | "sign-up";

export type AttemptDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export const TOO_MANY_ATTEMPTS_MESSAGE = "Too many attempts from your network. Wait a minute, then try again.";

/** Counts one attempt of `kind` from `address` at `at`; refused beyond AUTH_ATTEMPTS_PER_MINUTE in that minute. */
export async function admitAuthAttempt(kind: AuthAttempt, address: string | null, at: Date): Promise<AttemptDecision> {
  if (!address || isLoopbackAddress(address)) return { allowed: true };
  const minute = Math.floor(at.getTime() / MINUTE_MS);
  const decision = await rateLimiter().check(`auth:${kind}:${addressBucket(address)}:${minute}`, [
    { window: "HOUR", limit: AUTH_ATTEMPTS_PER_MINUTE },
  ]);
  if (decision.allowed) return { allowed: true };
  return { allowed: false, retryAfterSeconds: Math.ceil(((minute + 1) * MINUTE_MS - at.getTime()) / 1000) };
}
