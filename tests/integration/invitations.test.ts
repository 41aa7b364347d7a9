// Members and roles: an invitation is an outbox email with a one-time,
// expiring link; accepting it with the invited address makes a member with the
// invited role; the last owner can be neither removed nor demoted, even by two
// demotions at the same moment.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser } from "@/lib/db/accounts";
import type { Actor } from "@/lib/db/audit";
import {
  acceptInvitation,
  changeMemberRole,
  hashInvitationToken,
  inviteMember,
  lookUpInvitation,
  MemberChangeRefused,
  removeMember,
  revokeInvitation,
} from "@/lib/db/invitations";
import { createTestDatabase, type TestDatabase } from "../helpers/test-db";
import { loadCatalog, makeWorkspace } from "../helpers/factories";

process.env.APP_URL = "https://billing.test";

const NOW = new Date("2027-03-10T09:00:00.000Z");
const DAY = 86_400_000;
const later = (days: number) => new Date(NOW.getTime() + days * DAY);

describe("invitations and member roles", () => {
  let database: TestDatabase;
  let counter = 0;

  beforeAll(async () => {
    database = await createTestDatabase();
    await loadCatalog(database.prisma);
  }, 60_000);

  afterAll(async () => {
    await database?.close();
  });

  async function workspaceWithOwner() {
    const workspace = await makeWorkspace(database.prisma, { now: NOW, planCode: "free" });
    const owner = await database.prisma.membership.findFirstOrThrow({
      where: { workspaceId: workspace.id, role: "OWNER" },
      select: { user: { select: { id: true, email: true } } },
    });
    const actor: Actor = { id: owner.user.id, email: owner.user.email, role: "OWNER" };
    return { workspace, owner: owner.user, actor };
  }

  async function newUser(email?: string) {
    counter += 1;
    return database.prisma.$transaction((tx) =>
      createUser(tx, { email: email ?? `person-${counter}-${Date.now()}@test.dev`, name: `Person ${counter}`, passwordHash: null }),
    );
  }

  const tokenOf = (url: string) => url.slice(url.lastIndexOf("/") + 1);

  it("an invitation is one outbox email to the invitee with a working link; only the token's hash is stored", async () => {
    const { workspace, actor } = await workspaceWithOwner();
    const invited = await inviteMember(database.prisma, {
      workspaceId: workspace.id,
      email: "  New.Person@Example.com ",
      role: "BILLING_ADMIN",
      actor,
      now: NOW,
    });
    expect(invited.email).toBe("new.person@example.com");
    expect(invited.expiresAt).toEqual(later(7));
    expect(invited.url).toMatch(/^https:\/\/billing\.test\/invite\/[A-Za-z0-9_-]{43}$/);

    const outbox = await database.prisma.notificationOutbox.findMany({ where: { workspaceId: workspace.id, kind: "invitation" } });
    expect(outbox).toHaveLength(1);
    expect(outbox[0]!.toEmail).toBe("new.person@example.com");
    expect(outbox[0]!.userId).toBeNull();
    expect(outbox[0]!.subject).toContain(workspace.name);
    expect(outbox[0]!.body).toContain(invited.url);
    expect(outbox[0]!.body).toContain("as a billing admin");
    expect(outbox[0]!.body).toContain("March 17, 2027");

    const row = await database.prisma.invitation.findFirstOrThrow({ where: { workspaceId: workspace.id } });
    const token = tokenOf(invited.url);
    expect(row.tokenHash).toBe(hashInvitationToken(token));
    expect(row.tokenHash).not.toContain(token);
    expect(row.role).toBe("BILLING_ADMIN");

    const audit = await database.prisma.auditLog.findMany({ where: { workspaceId: workspace.id, action: "member.invited" } });
    expect(audit).toHaveLength(1);
  });

  it("accepting with the invited email makes a member with the invited role, once", async () => {
    const { workspace, actor } = await workspaceWithOwner();
    const invitee = await newUser();
    const { url } = await inviteMember(database.prisma, {
      workspaceId: workspace.id,
      email: invitee.email,
      role: "VIEWER",
      actor,
      now: NOW,
    });
    const token = tokenOf(url);
    expect((await lookUpInvitation(database.prisma, token, later(1))).status).toBe("open");

    const joined = await acceptInvitation(database.prisma, { token, user: invitee, now: later(1) });
    expect(joined).toEqual({ slug: workspace.slug, role: "VIEWER" });
    const membership = await database.prisma.membership.findUniqueOrThrow({
      where: { workspaceId_userId: { workspaceId: workspace.id, userId: invitee.id } },
    });
    expect(membership.role).toBe("VIEWER");

    // Used: a second accept is refused, and the page says so.
    await expect(acceptInvitation(database.prisma, { token, user: invitee, now: later(2) })).rejects.toThrow("already been used");
    expect((await lookUpInvitation(database.prisma, token, later(2))).status).toBe("used");
  });

  it("refuses the wrong account, an expired, a revoked, a replaced and an unknown token, and changes nothing", async () => {
    const { workspace, actor } = await workspaceWithOwner();
    const invitee = await newUser();
    const stranger = await newUser();

    const first = await inviteMember(database.prisma, { workspaceId: workspace.id, email: invitee.email, role: "OWNER", actor, now: NOW });
    await expect(acceptInvitation(database.prisma, { token: tokenOf(first.url), user: stranger, now: later(1) })).rejects.toThrow(
      `This invitation is for ${invitee.email}, but you are signed in as ${stranger.email}`,
    );
    // Expired: exactly 7 days later it no longer works.
    await expect(acceptInvitation(database.prisma, { token: tokenOf(first.url), user: invitee, now: later(7) })).rejects.toThrow("expired");

    // A new invitation replaces the first one.
    const second = await inviteMember(database.prisma, {
      workspaceId: workspace.id,
      email: invitee.email,
      role: "VIEWER",
      actor,
      now: later(1),
    });
    await expect(acceptInvitation(database.prisma, { token: tokenOf(first.url), user: invitee, now: later(2) })).rejects.toThrow(
      "withdrawn",
    );

    const row = await database.prisma.invitation.findFirstOrThrow({
      where: { workspaceId: workspace.id, tokenHash: hashInvitationToken(tokenOf(second.url)) },
    });
    await revokeInvitation(database.prisma, {
      workspaceId: workspace.id,
      invitationId: row.id,
      actor,
      now: later(2),
      allowedRoles: ["OWNER", "BILLING_ADMIN", "VIEWER"],
    });
    await expect(acceptInvitation(database.prisma, { token: tokenOf(second.url), user: invitee, now: later(3) })).rejects.toThrow(
      "withdrawn",
    );

    await expect(acceptInvitation(database.prisma, { token: "not-a-real-token", user: invitee, now: later(3) })).rejects.toBeInstanceOf(
      MemberChangeRefused,
    );

    const members = await database.prisma.membership.findMany({ where: { workspaceId: workspace.id } });
    expect(members.map((m) => m.userId)).toEqual([actor.id]);
  });

  it("a billing admin may not withdraw an owner's invitation; an existing member cannot be invited", async () => {
    const { workspace, actor, owner } = await workspaceWithOwner();
    const { url } = await inviteMember(database.prisma, {
      workspaceId: workspace.id,
      email: "boss@test.dev",
      role: "OWNER",
      actor,
      now: NOW,
    });
    const row = await database.prisma.invitation.findFirstOrThrow({ where: { tokenHash: hashInvitationToken(tokenOf(url)) } });
    await expect(
      revokeInvitation(database.prisma, {
        workspaceId: workspace.id,
        invitationId: row.id,
        actor,
        now: NOW,
        allowedRoles: ["BILLING_ADMIN", "VIEWER"],
      }),
    ).rejects.toThrow("Only owners");
    await expect(
      inviteMember(database.prisma, { workspaceId: workspace.id, email: owner.email, role: "VIEWER", actor, now: NOW }),
    ).rejects.toThrow("already a member");
  });

  it("the last owner cannot be demoted or removed; with a second owner, one can go", async () => {
    const { workspace, actor, owner } = await workspaceWithOwner();
    await expect(
      changeMemberRole(database.prisma, { workspaceId: workspace.id, userId: owner.id, role: "VIEWER", actor, now: NOW }),
    ).rejects.toThrow("at least one owner");
    await expect(removeMember(database.prisma, { workspaceId: workspace.id, userId: owner.id, actor, now: NOW })).rejects.toThrow(
      "at least one owner",
    );

    const second = await newUser();
    await database.prisma.membership.create({ data: { workspaceId: workspace.id, userId: second.id, role: "VIEWER" } });
    expect(
      await changeMemberRole(database.prisma, { workspaceId: workspace.id, userId: second.id, role: "OWNER", actor, now: NOW }),
    ).toEqual({
      changed: true,
    });
    expect(await removeMember(database.prisma, { workspaceId: workspace.id, userId: owner.id, actor, now: NOW })).toEqual({
      changed: true,
    });
    await expect(
      changeMemberRole(database.prisma, { workspaceId: workspace.id, userId: second.id, role: "BILLING_ADMIN", actor, now: NOW }),
    ).rejects.toThrow("at least one owner");
    const audit = await database.prisma.auditLog.findMany({
      where: { workspaceId: workspace.id, action: { in: ["member.role_changed", "member.removed"] } },
    });
    expect(audit.map((row) => row.action).sort()).toEqual(["member.removed", "member.role_changed"]);
  });

  it("two owners demoting each other at the same moment: exactly one succeeds", async () => {
    const { workspace, actor, owner } = await workspaceWithOwner();
    const second = await newUser();
    await database.prisma.membership.create({ data: { workspaceId: workspace.id, userId: second.id, role: "OWNER" } });
    const secondActor: Actor = { id: second.id, email: second.email, role: "OWNER" };

    const results = await Promise.allSettled([
      changeMemberRole(database.prisma, { workspaceId: workspace.id, userId: second.id, role: "VIEWER", actor, now: NOW }),
      changeMemberRole(database.prisma, { workspaceId: workspace.id, userId: owner.id, role: "VIEWER", actor: secondActor, now: NOW }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.reason).toBeInstanceOf(MemberChangeRefused);
    const owners = await database.prisma.membership.count({ where: { workspaceId: workspace.id, role: "OWNER" } });
    expect(owners).toBe(1);
  });
});
