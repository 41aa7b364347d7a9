// Signing up from an invitation link: the new account joins the inviting
// workspace with the invited role, in the same transaction that creates it,
// and gets no workspace of its own. A refused invitation (another address,
// expired, withdrawn) creates no account at all.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signUpWithPassword } from "@/lib/auth/sign-up";
import type { Database } from "@/lib/db/connect";
import { inviteMember, revokeInvitation } from "@/lib/db/invitations";
import { createTestDatabase, type TestDatabase } from "../helpers/test-db";
import { loadCatalog, makeWorkspace } from "../helpers/factories";

process.env.APP_URL = "https://billing.test";

const NOW = new Date("2027-03-10T09:00:00.000Z");
const DAY = 86_400_000;
let counter = 0;

describe("sign-up through an invitation", () => {
  let database: TestDatabase;
  const holder = globalThis as unknown as { __meterdeskDb?: Promise<Database> };

  beforeAll(async () => {
    database = await createTestDatabase();
    // lib/auth/sign-up.ts reads the app's own db(): this test's database.
    holder.__meterdeskDb = Promise.resolve(database);
    await loadCatalog(database.prisma);
  }, 60_000);

  afterAll(async () => {
    holder.__meterdeskDb = undefined;
    await database?.close();
  });

  async function invitation(role: "BILLING_ADMIN" | "VIEWER" = "BILLING_ADMIN") {
    counter += 1;
    const workspace = await makeWorkspace(database.prisma, { now: NOW, planCode: "growth_monthly" });
    const owner = await database.prisma.membership.findFirstOrThrow({ where: { workspaceId: workspace.id }, include: { user: true } });
    const email = `invitee-${counter}@test.dev`;
    const actor = { id: owner.userId, email: owner.user.email, role: "OWNER" };
    const { url } = await inviteMember(database.prisma, { workspaceId: workspace.id, email, role, actor, now: NOW });
    return { workspace, email, actor, token: url.slice(url.lastIndexOf("/") + 1) };
  }

  const signUp = (fields: Record<string, unknown>, at = NOW) =>
    signUpWithPassword({ name: "Ivy", password: "invitee-password-123", ...fields }, { address: `10.0.0.${counter}`, at });

  it("joins the inviting workspace with the invited role, and creates no workspace of the new user's own", async () => {
    const { workspace, email, token } = await invitation("BILLING_ADMIN");
    const workspacesBefore = await database.prisma.workspace.count();

    expect(await signUp({ email, invitationToken: token })).toEqual({ ok: true, email, joined: workspace.slug });

    const user = await database.prisma.user.findUniqueOrThrow({ where: { email }, include: { memberships: true } });
    expect(user.memberships.map((m) => [m.workspaceId, m.role])).toEqual([[workspace.id, "BILLING_ADMIN"]]);
    expect(await database.prisma.workspace.count()).toBe(workspacesBefore);
    const used = await database.prisma.invitation.findFirstOrThrow({ where: { workspaceId: workspace.id, email } });
    expect(used.acceptedById).toBe(user.id);
    expect(await database.prisma.auditLog.count({ where: { workspaceId: workspace.id, action: "member.joined" } })).toBe(1);
  });

  it("refuses another address, an expired and a withdrawn invitation, and creates no account", async () => {
    const wrong = await invitation();
    expect(await signUp({ email: "someone-else@test.dev", invitationToken: wrong.token })).toEqual({
      error: "Please correct the highlighted fields.",
      fieldErrors: { email: [`This invitation is for ${wrong.email}. Sign up with that address to join.`] },
    });

    const expired = await invitation();
    expect(await signUp({ email: expired.email, invitationToken: expired.token }, new Date(NOW.getTime() + 8 * DAY))).toEqual({
      error: "This invitation has expired. Ask the person who invited you to send a new one.",
    });

    const withdrawn = await invitation();
    const open = await database.prisma.invitation.findFirstOrThrow({ where: { email: withdrawn.email } });
    await revokeInvitation(database.prisma, {
      workspaceId: withdrawn.workspace.id,
      invitationId: open.id,
      actor: withdrawn.actor,
      now: NOW,
      allowedRoles: ["OWNER", "BILLING_ADMIN", "VIEWER"],
    });
    expect(await signUp({ email: withdrawn.email, invitationToken: withdrawn.token })).toEqual({
      error: "This invitation was withdrawn. Ask the person who invited you if you still need access.",
    });

    const emails = ["someone-else@test.dev", expired.email, withdrawn.email];
    expect(await database.prisma.user.count({ where: { email: { in: emails } } })).toBe(0);
    // The wrong address left the invitation open for the right one.
    expect((await signUp({ email: wrong.email, invitationToken: wrong.token })).ok).toBe(true);
  });

  it("without an invitation, the account's own workspace needs a name", async () => {
    counter += 1;
    const answer = await signUp({ email: `solo-${counter}@test.dev` });
    expect(answer.fieldErrors?.workspaceName).toEqual(["Name your workspace, e.g. your company."]);
    expect(await database.prisma.user.count({ where: { email: `solo-${counter}@test.dev` } })).toBe(0);
  });
});
