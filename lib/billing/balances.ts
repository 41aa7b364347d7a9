// What each credit source holds at an instant (R5.1, R6.1, R6.2), written
// once: the metering API's balance, the debit decision, the Overview page and
// the support console all read a workspace's balances through these
// functions, so two of them can never disagree at the same instant. Pure.

/** The included credits as CreditBalance stores them. */
export interface IncludedCredits {
  included: bigint;
  /** The current period's end; null when the included credits do not expire (none granted yet). */
  includedExpiresAt: Date | null;
}

/**
 * R5.1: included credits are live while they have no expiry or their expiry
 * is after `at`; the expiry instant itself is no longer covered (as for
 * packages, R6.1). They are worth nothing once expired, even before the
 * billing run has reset the period.
 */
export function isIncludedLive(includedExpiresAt: Date | null, at: Date): boolean {
  return includedExpiresAt === null || includedExpiresAt > at;
}

/** R5.1: the included credits that can pay at `at`. */
export function liveIncluded(balance: IncludedCredits, at: Date): bigint {
  return isIncludedLive(balance.includedExpiresAt, at) ? balance.included : 0n;
}

/** A package's quota as PackagePurchase stores it. */
export interface PackageQuota {
  id: string;
  remainingOperations: bigint;
  expiresAt: Date;
}

/** R6.1: a package is live at `at` while it has not expired (the expiry instant is not covered) and has quota left. */
export function isPackageLive(pkg: Pick<PackageQuota, "remainingOperations" | "expiresAt">, at: Date): boolean {
  return pkg.expiresAt > at && pkg.remainingOperations > 0n;
}

/** R6.2: the soonest expiry first; packages expiring at the same instant by id, so that every reader agrees. */
export function comparePackages(a: PackageQuota, b: PackageQuota): number {
  return a.expiresAt.getTime() - b.expiresAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** R6.1, R6.2: the live packages, in the order usage draws on them (a new array; the input is left as it is). */
export function livePackages<P extends PackageQuota>(packages: readonly P[], at: Date): P[] {
  return packages.filter((pkg) => isPackageLive(pkg, at)).sort(comparePackages);
}

/** A workspace's balances by source at an instant, as the API (R9.2, R9.5) and the dashboard (R10) show them. */
export interface BalanceSnapshot {
  /** Live included credits (0 once expired). */
  included: bigint;
  includedExpiresAt: Date | null;
  prepaid: bigint;
  flexUsed: bigint;
  /** Live packages, soonest expiry first. */
  packages: { id: string; operationType: string; remainingOperations: bigint; expiresAt: Date }[];
}

export interface StoredBalance extends IncludedCredits {
  prepaid: bigint;
  flexUsed: bigint;
}

/** The snapshot of `balance` and `packages` at `at`; `operationTypeOf` names a package's operation type (its code). */
export function balanceSnapshot<P extends PackageQuota>(
  balance: StoredBalance,
  packages: readonly P[],
  at: Date,
  operationTypeOf: (pkg: P) => string,
): BalanceSnapshot {
  return {
    included: liveIncluded(balance, at),
    includedExpiresAt: balance.includedExpiresAt,
    prepaid: balance.prepaid,
    flexUsed: balance.flexUsed,
    packages: livePackages(packages, at).map((pkg) => ({
      id: pkg.id,
      operationType: operationTypeOf(pkg),
      remainingOperations: pkg.remainingOperations,
      expiresAt: pkg.expiresAt,
    })),
  };
}
