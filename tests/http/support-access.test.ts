// R11, over HTTP against the production build: every route of the support
// console, asked by a signed-out visitor, by each customer role of the account
// being looked at (owner, billing admin, viewer) and by each staff role. Only
// staff reach the console; only admins reach staff management; customers get
// 403 (the page that says so), signed-out visitors the sign-in page. No page
// or answer carries an API key secret or a card number.
import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "@/lib/db/api-keys";
import type { Database } from "@/lib/db/connect";
import { createUser, createWorkspace } from "@/lib/db/accounts";
import { baseUrl, serverDatabase } from "./client";
import { sessionCookie } from "./sessions";

type Who = "anonymous" | "owner" | "billing admin" | "viewer" | "support" | "admin";
const WHO: Who[] = ["anonymous", "owner", "billing admin", "viewer", "support", "admin"];

/** What each caller gets: "ok" (200), "sign-in" (a redirect to the sign-in page), or a status. */
type Expected = "ok" | "sign-in" | 401 | 403;

const console_: Record<Who, Expected> = {
  anonymous: "sign-in",
  owner: 403,
  "billing admin": 403,
  viewer: 403,
  support: "ok",
  admin: "ok",
};

describe("the support console's routes, by who asks (R11)", () => {
  let database: Database;
  const cookies = new Map<Who, string>();
  let workspaceId = "";
  let keySecret = "";
  let ownerEmail = "";

  beforeAll(async () => {
    database = await serverDatabase();
    const tag = crypto.randomUUID().slice(0, 8);
    const users = await database.prisma.$transaction(async (tx) => {
      const make = (who: string, staffRole?: "SUPPORT" | "ADMIN") =>
        createUser(tx, { email: `${who.replace(" ", "-")}-${tag}@test.dev`, name: `Pat ${who}`, passwordHash: null, staffRole });
      const owner = await make("owner");
      const workspace = await createWorkspace(tx, { ownerId: owner.id, name: `Access ${tag}`, now: new Date() });
      const billingAdmin = await make("billing admin");
      const viewer = await make("viewer");
      await tx.membership.createMany({
        data: [
          { workspaceId: workspace.id, userId: billingAdmin.id, role: "BILLING_ADMIN" },
          { workspaceId: workspace.id, userId: viewer.id, role: "VIEWER" },
        ],
      });
      return { workspace, owner, billingAdmin, viewer, support: await make("support", "SUPPORT"), admin: await make("admin", "ADMIN") };
    });
    workspaceId = users.workspace.id;
    ownerEmail = users.owner.email;
    keySecret = (
      await createApiKey(database.prisma, {
        workspaceId,
        name: "probe",
        actor: { id: users.owner.id, email: ownerEmail, role: "OWNER" },
        now: new Date(),
      })
    ).secret;
    const signedIn: [Who, { id: string; email: string; name: string }][] = [
      ["owner", users.owner],
      ["billing admin", users.billingAdmin],
      ["viewer", users.viewer],
      ["support", users.support],
      ["admin", users.admin],
    ];
    for (const [who, user] of signedIn) cookies.set(who, await sessionCookie(database, user));
  });

  afterAll(async () => {
    await database?.close();
  });

  const get = (who: Who, path: string) =>
    fetch(`${baseUrl()}${path}`, { redirect: "manual", headers: cookies.has(who) ? { cookie: cookies.get(who)! } : {} });

  async function expectOutcome(response: Response, expected: Expected) {
    const body = await response.text();
    if (expected === "sign-in") {
      expect([303, 307]).toContain(response.status);
      expect(new URL(response.headers.get("location")!, baseUrl()).pathname).toBe("/sign-in");
      return;
    }
    expect(response.status).toBe(expected === "ok" ? 200 : expected);
    // Nothing a staff member or anyone else sees holds a key's secret.
    expect(body).not.toContain(keySecret);
    expect(body).not.toMatch(/\b4242 ?4242 ?4242 ?4242\b/);
  }

  const routes: { name: string; path: () => string; expected: Record<Who, Expected> }[] = [
    { name: "/support", path: () => "/support", expected: console_ },
    { name: "/support?q=<email>", path: () => `/support?q=${encodeURIComponent(ownerEmail)}`, expected: console_ },
    { name: "/support/accounts/<id>", path: () => `/support/accounts/${workspaceId}`, expected: console_ },
    { name: "/support/staff", path: () => "/support/staff", expected: { ...console_, support: 403 } },
    {
      name: "/api/support/search?q=<email>",
      path: () => `/api/support/search?q=${encodeURIComponent(ownerEmail)}`,
      expected: { ...console_, anonymous: 401 },
    },
  ];

  it.each(routes.flatMap((route) => WHO.map((who) => [who, route.name, route] as const)))("%s asks for %s", async (who, _name, route) => {
    await expectOutcome(await get(who, route.path()), route.expected[who]);
  });

  it("staff see the account they looked up; the search answers with it", async () => {
    const page = await (await get("support", `/support/accounts/${workspaceId}`)).text();
    expect(page).toContain(`Access `);
    const search = (await (await get("support", `/api/support/search?q=${encodeURIComponent(ownerEmail)}`)).json()) as {
      accounts: { id: string }[];
    };
    expect(search.accounts.map((account) => account.id)).toContain(workspaceId);
  });
});
