import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AUTH_ATTEMPTS_PER_MINUTE, TOO_MANY_ATTEMPTS_MESSAGE } from "@/lib/auth/attempt-limit";
import { LOCKOUT_MS } from "@/lib/auth/lockout";
import { hashPassword } from "@/lib/auth/password";
import { registerUser } from "@/lib/auth/register";
import { authorizeWithPassword, SignInRefused } from "@/lib/auth/sign-in";
import { signUpWithPassword } from "@/lib/auth/sign-up";
import type { Database } from "@/lib/db/connect";
import { renameWorkspace } from "@/lib/db/workspace-settings";
import { createTestDatabase, type TestDatabase } from "../helpers/test-db";
import { loadCatalog } from "../helpers/factories";

// Signing in and up through the same functions next-auth and the sign-up
// action call, on this file's own database (set as the app's database).
const holder = globalThis as unknown as { __meterdeskDb?: Promise<Database> };

const PASSWORD = "the right password";
const tag = () => crypto.randomUUID().slice(0, 8);
/** A documentation address (TEST-NET-3) of this test's own, so tests do not share a per-address count. */
const address = () => `203.0.113.${crypto.randomInt(1, 255)}`;
/** Each test runs in its own minute of the clock: the per-address count is per minute. */
let minute = Date.parse("2031-05-05T10:00:00Z");
const nextMinute = () => new Date((minute += 60_000) + 5_000);

/** What the sign-in form shows for one attempt: the user's email, "wrong" (CredentialsSignin) or the refusal message. */
async function attempt(email: string, password: string, context: { address: string | null; at: Date }) {
  try {
    const user = await authorizeWithPassword({ email, password }, context);
    return user ? `signed in as ${user.email}` : "wrong";
  } catch (error) {
    if (error instanceof SignInRefused) return error.message;
    throw error;
  }
}

describe("signing in and up (next-auth credentials, the sign-up action)", () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
    await loadCatalog(database.prisma);
    holder.__meterdeskDb = Promise.resolve(database);
  }, 60_000);

  afterAll(async () => {
    holder.__meterdeskDb = undefined;
    await database?.close();
  });

  async function accountWithPassword() {
    const email = `known-${tag()}@test.dev`;
    await registerUser(
      { name: "Kim Known", email, passwordHash: await hashPassword(PASSWORD), workspaceName: `Known ${tag()}` },
      new Date(minute),
    );
    return email;
  }

  it("answers an unknown email exactly like a wrong password, across the lockout threshold", async () => {
    const known = await accountWithPassword();
    const unknown = `unknown-${tag()}@test.dev`;
    const at = nextMinute();
    const run = async (email: string) => {
      const seen: string[] = [];
      for (let i = 1; i <= 6; i += 1) seen.push(await attempt(email, `wrong guess ${i}`, { address: address(), at }));
      // While locked, even the right password (which the unknown email does not have) is refused the same way.
      seen.push(await attempt(email, PASSWORD, { address: address(), at }));
      return seen;
    };
    const knownSeen = await run(known);
    const unknownSeen = await run(unknown);
    const locked = "Too many failed sign-in attempts. Try again in 15 minutes.";
    expect(knownSeen).toEqual(["wrong", "wrong", "wrong", "wrong", locked, locked, locked]);
    expect(unknownSeen).toEqual(knownSeen);
    // The unknown email's lockout created no account.
    expect(await database.prisma.user.count({ where: { email: unknown } })).toBe(0);
    // Once the lock is over, the account signs in again.
    const later = { address: address(), at: new Date(at.getTime() + LOCKOUT_MS + 1_000) };
    expect(await attempt(known, PASSWORD, later)).toBe(`signed in as ${known}`);
  });

  it("counts emails normalised: the case or spaces of the address do not start a new count", async () => {
    const known = await accountWithPassword();
    const at = nextMinute();
    const spellings = [known, known.toUpperCase(), ` ${known}`, known, known.replace("known", "KNOWN")];
    const seen = [];
    for (const spelling of spellings) seen.push(await attempt(spelling, "wrong", { address: address(), at }));
    expect(seen.at(-1)).toMatch(/^Too many failed sign-in attempts/);
  });

  it("a right password clears the streak", async () => {
    const known = await accountWithPassword();
    const at = nextMinute();
    for (let i = 0; i < 4; i += 1) expect(await attempt(known, "wrong", { address: address(), at })).toBe("wrong");
    expect(await attempt(known, PASSWORD, { address: address(), at })).toBe(`signed in as ${known}`);
    for (let i = 0; i < 4; i += 1) expect(await attempt(known, "wrong", { address: address(), at })).toBe("wrong");
  });

  it(`refuses the ${AUTH_ATTEMPTS_PER_MINUTE + 1}th sign-in attempt from one address in a minute, whatever the email`, async () => {
    const known = await accountWithPassword();
    const from = address();
    const at = nextMinute();
    for (let i = 0; i < AUTH_ATTEMPTS_PER_MINUTE; i += 1) {
      expect(await attempt(`guess-${i}-${tag()}@test.dev`, "wrong", { address: from, at })).toBe("wrong");
    }
    // The 11th is refused before the password is looked at, even the right one…
    expect(await attempt(known, PASSWORD, { address: from, at })).toBe(TOO_MANY_ATTEMPTS_MESSAGE);
    // …while another address, and the next minute, are admitted.
    expect(await attempt(known, PASSWORD, { address: address(), at })).toBe(`signed in as ${known}`);
    expect(await attempt(known, PASSWORD, { address: from, at: new Date(at.getTime() + 60_000) })).toBe(`signed in as ${known}`);
  });

  it("counts an IPv6 /64 as one address; the machine itself and unknown addresses are not limited", async () => {
    const at = nextMinute();
    const prefix = `2001:db8:${crypto.randomInt(1, 0xffff).toString(16)}:1`;
    for (let i = 0; i < AUTH_ATTEMPTS_PER_MINUTE; i += 1) {
      expect(await attempt(`v6-${tag()}@test.dev`, "wrong", { address: `${prefix}::${i + 1}`, at })).toBe("wrong");
    }
    expect(await attempt(`v6-${tag()}@test.dev`, "wrong", { address: `${prefix}:ffff::99`, at })).toBe(TOO_MANY_ATTEMPTS_MESSAGE);
    for (const local of ["127.0.0.1", "::1", null]) {
      for (let i = 0; i <= AUTH_ATTEMPTS_PER_MINUTE; i += 1) {
        expect(await attempt(`local-${tag()}@test.dev`, "wrong", { address: local, at })).toBe("wrong");
      }
    }
  });

  const form = (overrides: Record<string, string> = {}) => ({
    name: "Nora New",
    email: `new-${tag()}@test.dev`,
    password: "correct horse battery",
    workspaceName: `Nora Robotics ${tag()}`,
    ...overrides,
  });

  it(`refuses the ${AUTH_ATTEMPTS_PER_MINUTE + 1}th sign-up from one address in a minute and creates nothing for it`, async () => {
    const from = address();
    const at = nextMinute();
    // Forms with mistakes are not counted: they can neither create an account nor learn of one.
    for (let i = 0; i < 3; i += 1)
      expect((await signUpWithPassword(form({ password: "short" }), { address: from, at })).ok).toBeUndefined();
    for (let i = 0; i < AUTH_ATTEMPTS_PER_MINUTE; i += 1) {
      expect(await signUpWithPassword(form(), { address: from, at })).toMatchObject({ ok: true });
    }
    const eleventh = form();
    expect(await signUpWithPassword(eleventh, { address: from, at })).toEqual({ error: TOO_MANY_ATTEMPTS_MESSAGE });
    expect(await database.prisma.user.count({ where: { email: eleventh.email } })).toBe(0);
    expect(await signUpWithPassword(form(), { address: address(), at })).toMatchObject({ ok: true });
  });

  it("still says that an email is taken (docs/SECURITY.md), within the per-address limit", async () => {
    const known = await accountWithPassword();
    const state = await signUpWithPassword(form({ email: known }), { address: address(), at: nextMinute() });
    expect(state.fieldErrors?.email).toEqual(["An account with this email already exists. Sign in instead."]);
  });

  it.each([
    ["workspaceName", "Acme\u202Egnp.exe"],
    ["workspaceName", "Acme\u2066Support\u2069"],
    ["workspaceName", "Acme\u200BVision"],
    ["workspaceName", "Acme\nRefund approved"],
    ["workspaceName", "Acme\u0007"],
    ["name", "Nora\u202ENew"],
    ["name", "Nora\u001B[2J"],
  ])("refuses a sign-up whose %s holds a control or text-direction character (%j), creating nothing", async (field, value) => {
    const input = form({ [field]: value });
    const state = await signUpWithPassword(input, { address: address(), at: nextMinute() });
    expect(state.ok).toBeUndefined();
    expect(state.fieldErrors?.[field as "name"]).toEqual([expect.stringMatching(/letters, numbers, spaces and punctuation only/)]);
    expect(await database.prisma.user.count({ where: { email: input.email } })).toBe(0);
  });

  it("never stores such a name, whoever asks the data layer (rename, a new workspace)", async () => {
    const email = await accountWithPassword();
    const user = await database.prisma.user.findUniqueOrThrow({
      where: { email },
      select: { id: true, memberships: { select: { workspace: { select: { id: true, name: true } } } } },
    });
    const workspace = user.memberships[0]!.workspace;
    const actor = { id: user.id, email, role: "OWNER" };
    await expect(
      renameWorkspace(database.prisma, { workspaceId: workspace.id, name: "Acme\u202Egnp.exe", actor, now: new Date(minute) }),
    ).rejects.toThrow(/The workspace name holds U\+202E/);
    const after = await database.prisma.workspace.findUniqueOrThrow({ where: { id: workspace.id }, select: { name: true } });
    expect(after.name).toBe(workspace.name);
    await expect(
      registerUser({ name: "Rex", email: `rex-${tag()}@test.dev`, passwordHash: null, workspaceName: "Rex\u202Ews" }, new Date(minute)),
    ).rejects.toThrow(/U\+202E/);
    expect(
      await renameWorkspace(database.prisma, { workspaceId: workspace.id, name: "شركة الرؤية", actor, now: new Date(minute) }),
    ).toEqual({
      changed: true,
    });
  });
});
