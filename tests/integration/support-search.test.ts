// R11: the support console finds an account by a member's email (or its
// start), the workspace's name or slug, its id, an API-key prefix, an invoice
// number or the Stripe customer id — each finding the right account and only
// it, in any case, saying what matched, with plan, state and balances. Each
// kind of query is one the indexes can serve (no sequential scan even when the
// planner is told to avoid one). The JSON route answers staff only.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { SessionUser } from "@/lib/auth/access";
import { addMember, createUser, createWorkspace } from "@/lib/db/accounts";
import { createApiKey } from "@/lib/db/api-keys";
import type { Database } from "@/lib/db/connect";
import { createInvoice } from "@/lib/db/invoices";
import { grantPrepaid } from "@/lib/db/ledger/grants";
import { searchAccounts, searchHitsSql, SEARCH_LIMIT } from "@/lib/db/queries/support";
import { loadCatalog } from "../helpers/factories";
import { createTestDatabase, type TestDatabase } from "../helpers/test-db";

const session: { user: SessionUser | null } = { user: null };
vi.mock("@/lib/auth/session", () => ({ readSession: async () => session.user }));

const NOW = new Date("2027-03-15T12:00:00.000Z");
const GRACE_ENDS = new Date("2027-03-22T12:00:00.000Z");
const STRIPE_CUSTOMER = "cus_Harbor9TestQ";

interface Account {
  id: string;
  slug: string;
  keyPrefix: string;
  invoiceNumber: string;
}

describe("support account search (R11)", () => {
  let database: TestDatabase;
  let harbor: Account;
  let harbour: Account;
  let quill: Account;
  const search = (query: string, at = NOW) => searchAccounts(database.prisma, query, at);
  const ids = async (query: string) => (await search(query)).map((result) => result.id);

  /** A workspace with its owner (and more members), an API key and an invoice. */
  async function account(input: { name: string; owner: string; members?: string[]; planCode: string }): Promise<Account> {
    const { workspace, ownerId } = await database.prisma.$transaction(async (tx) => {
      const owner = await createUser(tx, { email: input.owner, name: "Owner", passwordHash: null });
      const created = await createWorkspace(tx, { ownerId: owner.id, name: input.name, planCode: input.planCode, now: NOW });
      for (const email of input.members ?? []) {
        const member = await createUser(tx, { email, name: "Member", passwordHash: null });
        await addMember(tx, created.id, member.id, "BILLING_ADMIN");
      }
      return { workspace: created, ownerId: owner.id };
    });
    const key = await createApiKey(database.prisma, {
      workspaceId: workspace.id,
      name: "Production",
      actor: { id: ownerId, email: input.owner, role: "OWNER" },
      now: NOW,
    });
    const invoice = await database.prisma.$transaction((tx) =>
      createInvoice(tx, {
        workspaceId: workspace.id,
        kind: "PLAN_FEE",
        lines: [{ description: "Plan fee", source: null, rule: "R4.2", quantity: 1n, credits: null, amountCents: 3_000n }],
        idempotencyKey: `test:invoice:${workspace.id}`,
        at: NOW,
      }),
    );
    return { id: workspace.id, slug: workspace.slug, keyPrefix: key.prefix, invoiceNumber: invoice.number };
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    (globalThis as unknown as { __meterdeskDb?: Promise<Database> }).__meterdeskDb = Promise.resolve(database);
    await loadCatalog(database.prisma);
    harbor = await account({
      name: "Harbor Analytics",
      owner: "hana.okafor@harbor.example",
      members: ["billing@harbor.example"],
      planCode: "growth_monthly",
    });
    harbour = await account({ name: "Harbour Logistics", owner: "harriet@logistics.example", planCode: "free" });
    quill = await account({ name: "Quill & Co", owner: "quill@quill.example", planCode: "free" });
    await database.prisma.workspace.update({
      where: { id: harbor.id },
      data: { stripeCustomerId: STRIPE_CUSTOMER, billingState: "GRACE", arrearsSince: NOW, graceEndsAt: GRACE_ENDS },
    });
    await database.prisma.$transaction((tx) =>
      grantPrepaid(tx, { workspaceId: harbor.id, credits: 12_500_000n, kind: "TOP_UP", idempotencyKey: "test:prepaid:harbor", at: NOW }),
    );
  }, 120_000);

  afterAll(async () => {
    (globalThis as unknown as { __meterdeskDb?: Promise<Database> }).__meterdeskDb = undefined;
    await database?.close();
  });

  it.each([
    {
      by: "a member's whole email (the owner's)",
      query: () => "hana.okafor@harbor.example",
      field: "email",
      value: () => "hana.okafor@harbor.example",
    },
    { by: "another member's email", query: () => "billing@harbor.example", field: "email", value: () => "billing@harbor.example" },
    { by: "part of the workspace name", query: () => "Analyt", field: "name", value: () => "Harbor Analytics" },
    { by: "part of the slug", query: () => "harbor-ana", field: "slug", value: () => harbor.slug },
    { by: "the workspace id", query: () => harbor.id, field: "id", value: () => harbor.id },
    { by: "the API-key prefix", query: () => harbor.keyPrefix, field: "apiKey", value: () => harbor.keyPrefix },
    { by: "the invoice number", query: () => harbor.invoiceNumber, field: "invoice", value: () => harbor.invoiceNumber },
    { by: "the Stripe customer id", query: () => STRIPE_CUSTOMER, field: "stripeCustomer", value: () => STRIPE_CUSTOMER },
  ])("finds Harbor Analytics, and only it, by $by, saying what matched", async ({ query, field, value }) => {
    const results = await search(query());
    expect(results.map((result) => result.id)).toEqual([harbor.id]);
    expect(results[0]!.matched).toEqual({ field, value: value() });
  });

  it("the other accounts are found by their own fields, not Harbor's", async () => {
    expect(await ids(harbour.invoiceNumber)).toEqual([harbour.id]);
    expect(await ids(quill.keyPrefix)).toEqual([quill.id]);
    expect(await ids(harbour.id)).toEqual([harbour.id]);
  });

  it("finds members by the start of their email, however little is typed", async () => {
    expect(await ids("hana.ok")).toEqual([harbor.id]);
    expect(await ids("harriet@")).toEqual([harbour.id]);
    // The start, not any part: "okafor" is inside Hana's email but starts no email.
    expect(await ids("okafor@harbor")).toEqual([]);
    const byStart = await search("h");
    expect(byStart.map((result) => result.id).sort()).toEqual([harbor.id, harbour.id].sort());
  });

  it("finds a key by the start of its prefix, and a whole key by its prefix", async () => {
    const start = harbor.keyPrefix.slice(0, 9);
    const results = await search(start);
    expect(results.map((result) => result.id)).toContain(harbor.id);
    for (const result of results) expect(result.matched.value.startsWith(start)).toBe(true);
    expect(await ids(`${harbor.keyPrefix}_${"x".repeat(43)}`)).toEqual([harbor.id]);
  });

  it("matches names by any part of three or more letters, shorter queries by the name's start", async () => {
    expect((await ids("arbo")).sort()).toEqual([harbor.id, harbour.id].sort());
    expect(await ids("harbour")).toEqual([harbour.id]);
    expect(await ids("Qu")).toEqual([quill.id]);
    expect(await ids("ill & c")).toEqual([quill.id]);
  });

  it("ignores case in every field", async () => {
    expect(await ids("HANA.OKAFOR@HARBOR.EXAMPLE")).toEqual([harbor.id]);
    expect(await ids("harbor ANALYTICS")).toEqual([harbor.id]);
    expect(await ids(harbor.id.toUpperCase())).toEqual([harbor.id]);
    expect(await ids(harbor.keyPrefix.toUpperCase())).toEqual([harbor.id]);
    expect(await ids(harbor.invoiceNumber.toLowerCase())).toEqual([harbor.id]);
  });

  it("finds nothing for a UUID of no workspace, an unknown word, or LIKE's wildcards typed as text", async () => {
    expect(await search(randomUUID())).toEqual([]);
    expect(await search("no-such-account-anywhere")).toEqual([]);
    expect(await search("%")).toEqual([]);
    expect(await search("_")).toEqual([]);
    expect(await search("   ")).toEqual([]);
  });

  it("lists an account found several ways once, by its strongest match", async () => {
    // "quill" starts Quill's email and is part of its name: the email is the stronger match.
    const results = await search("quill");
    expect(results).toHaveLength(1);
    expect(results[0]!.matched).toEqual({ field: "email", value: "quill@quill.example" });
  });

  it("carries the plan, the billing state, the owner and the balances at the search's instant", async () => {
    const [result] = await search(STRIPE_CUSTOMER);
    expect(result).toMatchObject({
      id: harbor.id,
      name: "Harbor Analytics",
      slug: harbor.slug,
      planName: "Growth",
      ownerEmail: "hana.okafor@harbor.example",
      billingState: "GRACE",
      graceEndsAt: GRACE_ENDS,
      retentionEndsAt: null,
      balance: { included: 750_000_000n, prepaid: 12_500_000n },
    });
    // R5.1: once the period's end has passed, the included credits pay nothing, even before the billing run.
    const period = await database.prisma.creditBalance.findUniqueOrThrow({ where: { workspaceId: harbor.id } });
    const [later] = await search(STRIPE_CUSTOMER, period.includedExpiresAt!);
    expect(later!.balance).toEqual({ included: 0n, prepaid: 12_500_000n });
    const [free] = await search(quill.id);
    expect(free).toMatchObject({ planName: "Free", billingState: "GOOD", balance: { included: 5_000_000n, prepaid: 0n } });
  });

  it("answers at most SEARCH_LIMIT accounts", async () => {
    expect((await search("h")).length).toBeLessThanOrEqual(SEARCH_LIMIT);
  });

  // The tables here are tiny, so the planner would rightly scan them; with
  // sequential scans priced out it must still find an index for every kind.
  it.each([
    { kind: "email prefix", query: () => "hana.ok", index: "User_email_idx" },
    { kind: "name substring", query: () => "Analyt", index: "Workspace_name_idx" },
    { kind: "slug substring", query: () => "harbor-ana", index: "Workspace_slug_idx" },
    { kind: "workspace id", query: () => harbor.id, index: "Workspace_pkey" },
    { kind: "API-key prefix", query: () => harbor.keyPrefix.slice(0, 9), index: "ApiKey_prefix_pattern_idx" },
    { kind: "invoice number", query: () => harbor.invoiceNumber, index: "Invoice_number_idx" },
    { kind: "Stripe customer id", query: () => STRIPE_CUSTOMER, index: "Workspace_stripeCustomerId_key" },
  ])("reads an index, never a whole table, for a $kind ($index)", async ({ query, index }) => {
    const sql = searchHitsSql(query());
    const plan = await database.sql.transaction(async (tx) => {
      await tx.exec("SET LOCAL enable_seqscan = off");
      return tx.query<{ "QUERY PLAN": string }>(`EXPLAIN ${sql.text}`, sql.values);
    });
    const text = plan.map((row) => row["QUERY PLAN"]).join("\n");
    expect(text).toContain(index);
    expect(text).not.toMatch(/Seq Scan/);
  });
});

describe("GET /api/support/search (R11)", () => {
  let database: TestDatabase;
  let route: typeof import("@/app/api/support/search/route");
  let workspaceId: string;
  const support: SessionUser = { id: randomUUID(), email: "support@test.dev", name: "Sam Support", staffRole: "SUPPORT" };
  let customer: SessionUser;

  const get = (query: string | null) =>
    route.GET(new Request(`http://localhost/api/support/search${query === null ? "" : `?${new URLSearchParams({ q: query })}`}`));

  beforeAll(async () => {
    database = await createTestDatabase();
    (globalThis as unknown as { __meterdeskDb?: Promise<Database> }).__meterdeskDb = Promise.resolve(database);
    await loadCatalog(database.prisma);
    const created = await database.prisma.$transaction(async (tx) => {
      const owner = await createUser(tx, { email: "olive@orchard.example", name: "Olive", passwordHash: null });
      const workspace = await createWorkspace(tx, { ownerId: owner.id, name: "Orchard Labs", now: NOW });
      return { owner, workspace };
    });
    workspaceId = created.workspace.id;
    customer = { id: created.owner.id, email: created.owner.email, name: "Olive", staffRole: null };
    route = await import("@/app/api/support/search/route");
  }, 120_000);

  afterAll(async () => {
    (globalThis as unknown as { __meterdeskDb?: Promise<Database> }).__meterdeskDb = undefined;
    await database?.close();
  });

  it("refuses the signed-out with 401 and customers — even of the account searched — with 403, as JSON", async () => {
    session.user = null;
    const anonymous = await get("olive@");
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toEqual({ error: expect.stringMatching(/sign in/i) });
    session.user = customer;
    const refused = await get("olive@");
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({ error: "Only support staff can search accounts." });
  });

  it("answers staff with the matches, credits as exact decimal strings and instants as ISO strings", async () => {
    session.user = support;
    const response = await get("  olive@ ");
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("private, no-store");
    expect(await response.json()).toEqual({
      query: "olive@",
      limited: false,
      accounts: [
        {
          id: workspaceId,
          name: "Orchard Labs",
          slug: "orchard-labs",
          billingState: "GOOD",
          graceEndsAt: null,
          retentionEndsAt: null,
          planName: "Free",
          ownerEmail: "olive@orchard.example",
          balance: { included: "5000000", prepaid: "0" },
          matched: { field: "email", value: "olive@orchard.example" },
        },
      ],
    });
  });

  it.each([
    { what: "no query", query: null },
    { what: "only spaces", query: "   " },
    { what: "more than 200 characters", query: "a".repeat(201) },
  ])("answers 400 with what to do for $what", async ({ query }) => {
    session.user = support;
    const response = await get(query);
    expect(response.status).toBe(400);
    expect((await response.json()).error).toMatch(/Type an email|at most 200 characters/);
  });
});
