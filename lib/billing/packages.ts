// Discount packages (R6): when they expire, which are active for a debit and
// in what order, and which auto-renewals are due. Pure: `now` is an argument.
import { isPackageLive } from "./balances";
import { addAnniversaryMonths } from "./periods";
import type { FundingPackage } from "./sources";

export type PackageValidity = "MONTH" | "YEAR";

/** A bought package as PackagePurchase stores it. */
export interface PackagePurchaseState {
  /** The purchase id: what a debit draws on and the ledger names (purchaseId). */
  id: string;
  /** The catalog package bought (Package.code), what a renewal buys again. */
  packageCode: string;
  operationType: string;
  validity: PackageValidity;
  operations: bigint;
  remainingOperations: bigint;
  startsAt: Date;
  expiresAt: Date;
  autoRenew: boolean;
  /** Set on a renewal: the purchase it renewed (R6.3). */
  renewedFromId: string | null;
  /** PurchaseStatus; absent = ACTIVE. EXPIRED purchases have been closed by expirePackages. */
  status?: "ACTIVE" | "EXPIRED" | "EXHAUSTED";
}

/**
 * R6.1: a package takes effect at once and lasts one month or one year, on
 * the anniversary of the purchase: a one-year package bought on January 1
 * expires on January 1 of the next year; a one-month package bought on
 * January 31 expires on February 28 (29 in a leap year), as for plans (R4.2).
 * The expiry instant itself is no longer covered.
 */
export function packageExpiry(purchasedAt: Date, validity: PackageValidity): Date {
  return addAnniversaryMonths(purchasedAt, validity === "YEAR" ? 12 : 1, purchasedAt.getUTCDate());
}

/** Usable at `now`: not closed, started, and live (not expired, quota left: the rule every reader uses, R6.1). */
export function isPackageActive(purchase: PackagePurchaseState, now: Date): boolean {
  return purchase.status !== "EXPIRED" && purchase.startsAt <= now && isPackageLive(purchase, now);
}

/**
 * R6.2: packages stack; the active ones of `operationType`, soonest expiry
 * first (then the older purchase), the order usage draws on them.
 */
export function activePackages<P extends PackagePurchaseState>(purchases: readonly P[], operationType: string, now: Date): P[] {
  return purchases
    .filter((purchase) => purchase.operationType === operationType && isPackageActive(purchase, now))
    .sort((a, b) => a.expiresAt.getTime() - b.expiresAt.getTime() || a.startsAt.getTime() - b.startsAt.getTime() || compareIds(a.id, b.id));
}

/** The packages part of FundingState (R5.1) for a debit of `operationType` at `now`. */
export function fundingPackages(purchases: readonly PackagePurchaseState[], operationType: string, now: Date): FundingPackage[] {
  return activePackages(purchases, operationType, now).map((purchase) => ({
    id: purchase.id,
    remainingOperations: purchase.remainingOperations,
    expiresAt: purchase.expiresAt,
  }));
}

/**
 * R6.1: purchases whose validity has ended by `now` and that are not closed
 * yet. Their remaining operations are written off (ledger EXPIRY); unused
 * quota is never refunded and validity never extended.
 */
export function packagesToExpire<P extends PackagePurchaseState>(purchases: readonly P[], now: Date): P[] {
  return purchases.filter((purchase) => purchase.status !== "EXPIRED" && purchase.expiresAt <= now);
}

export interface PackageRenewal {
  /** The purchase being renewed (the new one's renewedFromId). */
  from: PackagePurchaseState;
  packageCode: string;
  operationType: string;
  operations: bigint;
  validity: PackageValidity;
  startsAt: Date;
  expiresAt: Date;
}

/**
 * R6.3: auto-renewals due at `now`: each purchase with auto-renewal on whose
 * expiry has come and that has not been renewed yet. The new package starts
 * at the old one's expiry — its due instant, so a billing run that catches up
 * late (R8.6) writes the same history as one on time — and lasts its own
 * validity. Nothing is renewed while the account is in arrears (R6.3, R8.3):
 * a renewal skipped then is not made up later; the caller switches its
 * auto-renewal off and tells the owner.
 *
 * A renewal that has itself expired by `now` is returned by the next call,
 * once the caller has recorded the first (its id is needed as renewedFromId).
 */
export function renewalsDue(purchases: readonly PackagePurchaseState[], now: Date, inArrears: boolean): PackageRenewal[] {
  if (inArrears) return [];
  const renewed = new Set(purchases.map((purchase) => purchase.renewedFromId).filter((id): id is string => id !== null));
  return purchases
    .filter((purchase) => purchase.autoRenew && purchase.expiresAt <= now && !renewed.has(purchase.id))
    .sort((a, b) => a.expiresAt.getTime() - b.expiresAt.getTime() || compareIds(a.id, b.id))
    .map((purchase) => ({
      from: purchase,
      packageCode: purchase.packageCode,
      operationType: purchase.operationType,
      operations: purchase.operations,
      validity: purchase.validity,
      startsAt: purchase.expiresAt,
      expiresAt: packageExpiry(purchase.expiresAt, purchase.validity),
    }));
}

/**
 * R6.3 renewing by hand: a new package of the same kind, bought now and
 * valid from now — the old one keeps its own expiry (validity is never
 * extended, R6.1); both stack until the old one ends (R6.2).
 */
export function manualRenewal(purchase: PackagePurchaseState, now: Date): PackageRenewal {
  return {
    from: purchase,
    packageCode: purchase.packageCode,
    operationType: purchase.operationType,
    operations: purchase.operations,
    validity: purchase.validity,
    startsAt: now,
    expiresAt: packageExpiry(now, purchase.validity),
  };
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
