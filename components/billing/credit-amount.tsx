import "server-only";

// Credits as the UI shows them (R1.3): compact credits beside their USD value,
// with the exact count a hover away.
import { env } from "@/lib/env";
import { creditsToCents, formatCents, formatCount, formatCredits } from "@/lib/money";
import { cn } from "@/components/ui/cn";

/** R1.1: this deployment's rate. */
export function deploymentCreditsPerUsd(): bigint {
  return env().CREDITS_PER_USD;
}

export function creditsUsd(credits: bigint): string {
  return formatCents(creditsToCents(credits, deploymentCreditsPerUsd()));
}

/** "35.2M credits ≈ $17.60" on one line. */
export function CreditsWithUsd({ credits, className }: { credits: bigint; className?: string }) {
  return (
    <span className={cn("tabular-nums", className)}>
      <span title={`${formatCount(credits)} credits`}>{formatCredits(credits)}</span>
      <span className="text-muted-foreground"> ≈ {creditsUsd(credits)}</span>
    </span>
  );
}

/** A balance headline: the credits large, the USD value under them. */
export function CreditsFigure({ credits, className }: { credits: bigint; className?: string }) {
  return (
    <div className={cn("tabular-nums", className)}>
      <p className="text-2xl font-semibold tracking-tight text-foreground" title={`${formatCount(credits)} credits`}>
        {formatCredits(credits)}
      </p>
      <p className="mt-0.5 text-sm text-muted-foreground">≈ {creditsUsd(credits)}</p>
    </div>
  );
}
