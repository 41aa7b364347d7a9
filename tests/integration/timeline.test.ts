// The Plan page's billing timeline on a real database (R10): what it shows
// for a workspace subscribed on January 31 (the month-end rule, R4.2), after
// a scheduled downgrade (R4.5) or a cancellation (R4.6), with a package
// (R6.1, R6.3) and in arrears (R8.3, R8.4) — and that the billing run then
// does what the timeline said, on the dates it said.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_ARREARS_POLICY } from "@/lib/billing/arrears";
import { packageExpiry } from "@/lib/billing/packages";
import type { TimelineEvent } from "@/lib/billing/timeline";
import { runBilling } from "@/lib/db/billing/billing-run";
import { cancelAtPeriodEnd, changePlan } from "@/lib/db/billing/plan-changes";
import { getBillingTimeline } from "@/lib/db/queries/timeline";
import { TestGateway } from "@/lib/payments/test-gateway";
import { createTestDatabase, type TestDatabase } from "../helpers/test-db";
import { loadCatalog, makeWorkspace } from "../helpers/factories";

const CREDITS_PER_USD = 2_000_000n;
const actor = { id: null, email: "owner@test.dev", role: "OWNER" };
const at = (iso: string) => new Date(iso);
const day = (date: Date) => date.toISOString().slice(0, 10);

const ofKind = <K extends TimelineEvent["kind"]>(events: TimelineEvent[], kind: K) =>
  events.filter((event): event is Extract<TimelineEvent, { kind: K }> => event.kind === kind);
const dated = (events: { at: Date; movedFromDay?: number | null }[]) =>
  events.map((event) => (event.movedFromDay ? `${day(event.at)} moved from ${event.movedFromDay}` : day(event.at)));

describe("the billing timeline of a workspace", () => {
  let database: TestDatabase;
  let gateway: TestGateway;

  beforeAll(async () => {
    database = await createTestDatabase();
    await loadCatalog(database.prisma);
    gateway = new TestGateway(
      async () => database.prisma,
      () => "http://localhost:3000",
    );
  }, 60_000);

  afterAll(async () => {
    await database?.close();
  });

  const timelineOf = (workspaceId: string, now: Date) => getBillingTimeline(database.prisma, workspaceId, now, DEFAULT_ARREARS_POLICY);
  const run = (now: Date) => runBilling(database.prisma, { now, creditsPerUsd: CREDITS_PER_USD, gateway, deliverEmail: false });
  const invoicesOf = (workspaceId: string) =>
    database.prisma.invoice.findMany({
      where: { workspaceId },
      orderBy: { number: "asc" },
      select: { kind: true, issuedAt: true, totalCents: true },
    });

  it("R4.2 subscribed on January 31: charged Feb 28, Mar 31, Apr 30 … with the short months marked", async () => {
    const ws = await makeWorkspace(database.prisma, { planCode: "starter_monthly", now: at("2027-01-31T09:00:00Z"), card: true });
    const { events } = await timelineOf(ws.id, at("2027-01-31T10:00:00Z"));
    const charges = ofKind(events, "charge");
    expect(charges).toHaveLength(12);
    expect(dated(charges.slice(0, 6))).toEqual([
      "2027-02-28 moved from 31",
      "2027-03-31",
      "2027-04-30 moved from 31",
      "2027-05-31",
      "2027-06-30 moved from 31",
      "2027-07-31",
    ]);
    expect(charges.every((charge) => charge.feeCents === 3_000n && charge.planName === "Starter")).toBe(true);
    // Flex billing is off on this workspace: nothing but the fee is billed.
    expect(charges.some((charge) => charge.withFlex)).toBe(false);
    const resets = ofKind(events, "included_reset");
    expect(dated(resets.slice(0, 3))).toEqual(["2027-02-28 moved from 31", "2027-03-31", "2027-04-30 moved from 31"]);
    expect(resets[0]!.credits).toBe(70_000_000n);

    // The billing run charges on exactly those dates.
    for (const when of charges.slice(0, 3)) await run(new Date(when.at.getTime() + 1000));
    expect((await invoicesOf(ws.id)).map((invoice) => [invoice.kind, day(invoice.issuedAt!), invoice.totalCents])).toEqual([
      ["PLAN_FEE", "2027-02-28", 3000],
      ["PLAN_FEE", "2027-03-31", 3000],
      ["PLAN_FEE", "2027-04-30", 3000],
    ]);
  });

  it("R4.2 in a leap year the first charge is Feb 29", async () => {
    const ws = await makeWorkspace(database.prisma, { planCode: "growth_monthly", now: at("2028-01-31T09:00:00Z"), flexEnabled: true });
    const charges = ofKind((await timelineOf(ws.id, at("2028-02-01T00:00:00Z"))).events, "charge");
    expect(dated(charges.slice(0, 3))).toEqual(["2028-02-29 moved from 31", "2028-03-31", "2028-04-30 moved from 31"]);
    expect(charges[0]).toMatchObject({ feeCents: 30_000n, withFlex: true });
  });

  it("R4.5 a scheduled downgrade appears at the period end, then the new plan's fees", async () => {
    const ws = await makeWorkspace(database.prisma, { planCode: "growth_monthly", now: at("2027-01-31T09:00:00Z"), card: true });
    const now = at("2027-02-10T12:00:00Z");
    const outcome = await changePlan(database.prisma, {
      workspaceId: ws.id,
      toPlanCode: "starter_monthly",
      at: now,
      creditsPerUsd: CREDITS_PER_USD,
      actor,
    });
    expect(outcome.kind).toBe("downgrade_scheduled");
    const { events } = await timelineOf(ws.id, now);
    expect(ofKind(events, "downgrade")).toMatchObject([
      { fromPlanName: "Growth", toPlanName: "Starter", at: at("2027-02-28T09:00:00Z"), movedFromDay: 31 },
    ]);
    const charges = ofKind(events, "charge");
    expect(charges.slice(0, 3).map((charge) => [day(charge.at), charge.planName, charge.feeCents])).toEqual([
      ["2027-02-28", "Growth", 30_000n],
      ["2027-03-31", "Starter", 3_000n],
      ["2027-04-30", "Starter", 3_000n],
    ]);
  });

  it("R4.6 a cancellation: the final invoice, the move to Free, then Free's own cycle — as the billing run then opens it", async () => {
    const ws = await makeWorkspace(database.prisma, { planCode: "starter_monthly", now: at("2027-03-31T09:00:00Z"), card: true });
    const now = at("2027-04-05T12:00:00Z");
    expect((await cancelAtPeriodEnd(database.prisma, { workspaceId: ws.id, at: now, actor })).kind).toBe("cancel_scheduled");
    const { events } = await timelineOf(ws.id, now);
    expect(ofKind(events, "charge").map((charge) => [day(charge.at), charge.what, charge.feeCents])).toEqual([
      ["2027-04-30", "final", 3_000n],
    ]);
    expect(ofKind(events, "cancellation")).toMatchObject([{ fromPlanName: "Starter", toPlanName: "Free", movedFromDay: 31 }]);
    const freeResets = ofKind(events, "included_reset");
    expect(freeResets.slice(0, 3).map((reset) => [day(reset.at), reset.planName, reset.credits])).toEqual([
      ["2027-04-30", "Free", 5_000_000n],
      ["2027-05-30", "Free", 5_000_000n],
      ["2027-06-30", "Free", 5_000_000n],
    ]);

    await run(at("2027-04-30T09:00:01Z"));
    expect((await invoicesOf(ws.id)).map((invoice) => [invoice.kind, day(invoice.issuedAt!), invoice.totalCents])).toEqual([
      ["FINAL", "2027-04-30", 3000],
    ]);
    const free = await database.prisma.subscription.findFirstOrThrow({
      where: { workspaceId: ws.id, status: "ACTIVE" },
      select: { plan: { select: { code: true } }, currentPeriodEnd: true },
    });
    // The Free period the billing run opened ends where the timeline said the next reset is.
    expect([free.plan.code, free.currentPeriodEnd]).toEqual(["free", freeResets[1]!.at]);
  });

  it("R6.1 R6.3 a package's expiry appears, and with auto-renewal on, its renewal at the package's price", async () => {
    const now = at("2027-01-31T09:00:00Z");
    const expiresAt = packageExpiry(now, "MONTH");
    const ws = await makeWorkspace(database.prisma, {
      planCode: "free",
      now,
      packages: [{ code: "predict_100k_month", expiresAt }],
    });
    const before = ofKind((await timelineOf(ws.id, at("2027-02-01T00:00:00Z"))).events, "package_expiry");
    expect(before).toEqual([
      { kind: "package_expiry", at: expiresAt, packageName: "100,000 predict · 1 month", remainingOperations: 100_000n, movedFromDay: 31 },
    ]);
    expect(day(expiresAt)).toBe("2027-02-28");

    await database.prisma.packagePurchase.updateMany({ where: { workspaceId: ws.id }, data: { autoRenew: true } });
    const { events } = await timelineOf(ws.id, at("2027-02-01T00:00:00Z"));
    expect(ofKind(events, "package_expiry")).toEqual([]);
    const renewals = ofKind(events, "package_renewal");
    expect(renewals.slice(0, 2).map((renewal) => [day(renewal.at), renewal.priceCents, renewal.onlyIfPaidUp])).toEqual([
      ["2027-02-28", 10_000n, false],
      ["2027-03-28", 10_000n, false],
    ]);
  });

  it("R8.3 R8.4 in arrears: the end of grace and of retention, and renewals only once paid", async () => {
    const now = at("2027-03-10T09:00:00Z");
    const ws = await makeWorkspace(database.prisma, {
      planCode: "starter_monthly",
      now,
      billingState: "GRACE",
      packages: [{ code: "search_100k_month", expiresAt: packageExpiry(now, "MONTH") }],
    });
    await database.prisma.workspace.update({
      where: { id: ws.id },
      data: {
        arrearsSince: at("2027-03-08T09:00:00Z"),
        graceEndsAt: at("2027-03-23T09:00:00Z"),
        retentionEndsAt: at("2027-04-07T09:00:00Z"),
      },
    });
    await database.prisma.packagePurchase.updateMany({ where: { workspaceId: ws.id }, data: { autoRenew: true } });
    const { events } = await timelineOf(ws.id, now);
    expect(ofKind(events, "grace_ends").map((event) => event.at)).toEqual([at("2027-03-23T09:00:00Z")]);
    expect(ofKind(events, "retention_ends").map((event) => event.at)).toEqual([at("2027-04-07T09:00:00Z")]);
    expect(ofKind(events, "package_renewal")[0]).toMatchObject({ at: at("2027-04-10T09:00:00Z"), onlyIfPaidUp: true });
    const times = events.map((event) => event.at.getTime());
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it("R4.4 pay as you go without flex has nothing scheduled; with flex, each calendar month's flex", async () => {
    const ws = await makeWorkspace(database.prisma, { planCode: "payg", now: at("2027-01-31T09:00:00Z") });
    expect((await timelineOf(ws.id, at("2027-02-01T00:00:00Z"))).events).toEqual([]);
    await database.prisma.workspace.update({ where: { id: ws.id }, data: { flexEnabled: true } });
    const charges = ofKind((await timelineOf(ws.id, at("2027-02-01T00:00:00Z"))).events, "charge");
    expect(charges.slice(0, 2).map((charge) => [day(charge.at), charge.what, charge.feeCents])).toEqual([
      ["2027-03-01", "flex", 0n],
      ["2027-04-01", "flex", 0n],
    ]);
  });
});
