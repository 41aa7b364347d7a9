import { describe, expect, it } from "vitest";
import {
  activePackages,
  fundingPackages,
  manualRenewal,
  packageExpiry,
  packagesToExpire,
  renewalsDue,
  type PackagePurchaseState,
  type PackageValidity,
} from "./packages";
import { day, utc } from "./test-plans";

function purchase(overrides: Partial<PackagePurchaseState> = {}): PackagePurchaseState {
  const startsAt = overrides.startsAt ?? utc("2027-01-01");
  const validity = overrides.validity ?? "MONTH";
  return {
    id: "p1",
    packageCode: "predict_100k_month",
    operationType: "predict",
    validity,
    operations: 100_000n,
    remainingOperations: 100_000n,
    startsAt,
    expiresAt: packageExpiry(startsAt, validity),
    autoRenew: false,
    renewedFromId: null,
    ...overrides,
  };
}

describe("package expiry (R6.1)", () => {
  it.each<[string, string, PackageValidity, string]>([
    ["R6.1 a one-year package bought on January 1 expires on January 1 of the next year", "2027-01-01", "YEAR", "2028-01-01"],
    ["R6.1 a one-month package bought on January 31 expires on February 28", "2027-01-31", "MONTH", "2027-02-28"],
    ["R6.1 … and on February 29 in a leap year", "2028-01-31", "MONTH", "2028-02-29"],
    ["R6.1 a one-month package bought mid-month", "2027-03-15", "MONTH", "2027-04-15"],
    ["R6.1 a one-year package bought on a leap day", "2028-02-29", "YEAR", "2029-02-28"],
    ["R6.1 across the year end", "2027-12-31", "MONTH", "2028-01-31"],
  ])("%s", (_rule, bought, validity, expires) => {
    expect(day(packageExpiry(utc(bought), validity))).toBe(expires);
  });

  it("R6.1 keeps the time of purchase", () => {
    expect(packageExpiry(utc("2027-01-31T15:20:00Z"), "MONTH").toISOString()).toBe("2027-02-28T15:20:00.000Z");
  });
});

describe("active packages and stacking (R6.2)", () => {
  const now = utc("2027-02-10");
  const purchases = [
    purchase({ id: "year", validity: "YEAR", packageCode: "predict_1m_year", startsAt: utc("2027-01-05") }),
    purchase({ id: "month", startsAt: utc("2027-01-20") }), // expires Feb 20
    purchase({ id: "search", operationType: "search", startsAt: utc("2027-01-20") }),
    purchase({ id: "used-up", startsAt: utc("2027-01-25"), remainingOperations: 0n }),
    purchase({ id: "expired", startsAt: utc("2027-01-01") }), // expired Feb 1
    purchase({ id: "future", startsAt: utc("2027-02-11") }),
    purchase({ id: "closed", startsAt: utc("2027-01-26"), status: "EXPIRED" }),
  ];

  it.each<[string, string, string[]]>([
    ["R6.2 predict packages, soonest expiry first", "predict", ["month", "year"]],
    ["R6.2 only packages of the operation's type", "search", ["search"]],
    ["R6.2 no package for upload", "upload", []],
  ])("%s", (_rule, type, ids) => {
    expect(activePackages(purchases, type, now).map((p) => p.id)).toEqual(ids);
  });

  it("R6.1 the expiry instant itself is no longer covered", () => {
    const single = purchase({ startsAt: utc("2027-01-10") });
    expect(activePackages([single], "predict", utc("2027-02-09T23:59:59.999Z"))).toHaveLength(1);
    expect(activePackages([single], "predict", utc("2027-02-10"))).toHaveLength(0);
  });

  it("R5.1 hands the active packages to the source order as FundingPackages", () => {
    expect(fundingPackages(purchases, "predict", now)).toEqual([
      { id: "month", remainingOperations: 100_000n, expiresAt: utc("2027-02-20") },
      { id: "year", remainingOperations: 100_000n, expiresAt: utc("2028-01-05") },
    ]);
  });

  it("R6.1 packages to close at expiry, unused quota included", () => {
    expect(packagesToExpire(purchases, now).map((p) => p.id)).toEqual(["expired"]);
  });
});

describe("auto-renewal at expiry (R6.3)", () => {
  const expiring = purchase({ id: "a", startsAt: utc("2027-01-31"), autoRenew: true }); // expires Feb 28

  it.each<[string, PackagePurchaseState[], string, boolean, string[]]>([
    ["R6.3 due at expiry", [expiring], "2027-02-28", false, ["a 2027-02-28..2027-03-28"]],
    ["R6.3 not before expiry", [expiring], "2027-02-27T23:59:59Z", false, []],
    ["R6.3 not while in arrears", [expiring], "2027-03-01", true, []],
    ["R6.3 not when auto-renewal is off", [{ ...expiring, autoRenew: false }], "2027-03-01", false, []],
    [
      "R8.6 not twice: already renewed",
      [expiring, purchase({ id: "b", startsAt: utc("2027-02-28"), renewedFromId: "a" })],
      "2027-03-01",
      false,
      [],
    ],
    [
      "R6.3 the renewal of a renewal, once that one expires",
      [expiring, purchase({ id: "b", startsAt: utc("2027-02-28"), renewedFromId: "a", autoRenew: true })],
      "2027-03-28",
      false,
      ["b 2027-03-28..2027-04-28"],
    ],
    [
      "R6.3 renewed even when the quota was used up",
      [{ ...expiring, remainingOperations: 0n }],
      "2027-02-28",
      false,
      ["a 2027-02-28..2027-03-28"],
    ],
  ])("%s", (_rule, purchases, now, inArrears, expected) => {
    expect(renewalsDue(purchases, utc(now), inArrears).map((r) => `${r.from.id} ${day(r.startsAt)}..${day(r.expiresAt)}`)).toEqual(
      expected,
    );
  });

  it("R6.3 renewing by hand starts now and leaves the old expiry as it was (R6.1 never extended)", () => {
    const renewal = manualRenewal(expiring, utc("2027-02-20"));
    expect([day(renewal.startsAt), day(renewal.expiresAt)]).toEqual(["2027-02-20", "2027-03-20"]);
    expect(renewal.from.expiresAt).toEqual(utc("2027-02-28"));
  });
});
