// The JSON shapes of the metering API's success bodies (R9.2): credit amounts
// and counts as decimal strings, USD as an exact decimal string. Pure.
import type { BalanceSnapshot, SourceCredits } from "@/lib/db/ledger/debit-types";

const USD_DECIMALS = 9n;

/** Credits as USD, exact when the rate allows, otherwise cut (never rounded up) at 9 decimals: 76,800 → "0.0384". */
export function creditsToUsdString(credits: bigint, creditsPerUsd: bigint): string {
  const negative = credits < 0n;
  const magnitude = negative ? -credits : credits;
  const whole = magnitude / creditsPerUsd;
  const scaled = ((magnitude % creditsPerUsd) * 10n ** USD_DECIMALS) / creditsPerUsd;
  const fraction = scaled.toString().padStart(Number(USD_DECIMALS), "0").replace(/0+$/, "");
  return `${negative ? "-" : ""}${whole}${fraction ? `.${fraction}` : ""}`;
}

export interface BalanceJson {
  included: string;
  prepaid: string;
  flex_used: string;
  packages: { type: string; remaining_operations: string; expires_at: string }[];
}

export function balanceJson(balance: BalanceSnapshot): BalanceJson {
  return {
    included: balance.included.toString(),
    prepaid: balance.prepaid.toString(),
    flex_used: balance.flexUsed.toString(),
    packages: balance.packages.map((p) => ({
      type: p.operationType,
      remaining_operations: p.remainingOperations.toString(),
      expires_at: p.expiresAt.toISOString(),
    })),
  };
}

export interface UsageJson {
  operations: number;
  credits: string;
  usd: string;
  sources: { included: string; package: string; prepaid: string; flex: string };
  balance: BalanceJson;
}

export function usageJson(input: {
  operations: bigint;
  credits: bigint;
  sources: SourceCredits;
  balance: BalanceSnapshot;
  creditsPerUsd: bigint;
}): UsageJson {
  return {
    operations: Number(input.operations),
    credits: input.credits.toString(),
    usd: creditsToUsdString(input.credits, input.creditsPerUsd),
    sources: {
      included: input.sources.included.toString(),
      package: input.sources.package.toString(),
      prepaid: input.sources.prepaid.toString(),
      flex: input.sources.flex.toString(),
    },
    balance: balanceJson(input.balance),
  };
}
