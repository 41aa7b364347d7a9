// What a black-box probe of the production build checks: security headers and
// the CSP nonce, bodies over the limit on every spelling of the path, sessions
// after sign-out, account enumeration and per-address limits at sign-in,
// redirects after sign-in, 404s in the dashboard and the internal endpoint.
import crypto from "node:crypto";
import http from "node:http";
import { inject } from "vitest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AUTH_ATTEMPTS_PER_MINUTE, TOO_MANY_ATTEMPTS_MESSAGE } from "@/lib/auth/attempt-limit";
import { hashPassword } from "@/lib/auth/password";
import type { Database } from "@/lib/db/connect";
import { createUser, createWorkspace } from "@/lib/db/accounts";
import { PEER_HEADER } from "@/lib/http/client-address";
import { startAppServer, type AppServer } from "../../scripts/lib/app-server";
import { apiWorkspace, baseUrl, serverDatabase } from "./client";

const PASSWORD = "a long enough password";
const MIB = 1024 * 1024;
const tag = () => crypto.randomUUID().slice(0, 8);

/** The cookies of one browser, enough for next-auth's flows. */
class CookieJar {
  private readonly cookies = new Map<string, string>();
  constructor(private readonly origin: string) {}

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }

  take(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = "", ...attributes] = line.split(";");
      const [name = "", value = ""] = pair.split("=");
      const expired = attributes.some((attribute) => /^\s*max-age=0\s*$/i.test(attribute) || /expires=Thu, 01 Jan 1970/i.test(attribute));
      if (expired || value === "") this.cookies.delete(name.trim());
      else this.cookies.set(name.trim(), value);
    }
  }

  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const response = await fetch(`${this.origin}${path}`, {
      redirect: "manual",
      ...init,
      headers: { ...(init.headers as Record<string, string>), cookie: this.header() },
    });
    this.take(response);
    return response;
  }

  /** next-auth's credentials sign-in, as the form sends it (json=true: the answer names where to go). */
  async signIn(email: string, password: string, extra: { headers?: Record<string, string>; callbackUrl?: string } = {}) {
    const { csrfToken } = (await (await this.fetch("/api/auth/csrf")).json()) as { csrfToken: string };
    const response = await this.fetch("/api/auth/callback/credentials", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", ...extra.headers },
      body: new URLSearchParams({
        csrfToken,
        email,
        password,
        json: "true",
        ...(extra.callbackUrl ? { callbackUrl: extra.callbackUrl } : {}),
      }),
    });
    return { status: response.status, url: ((await response.json()) as { url: string }).url };
  }

  async signOut() {
    const { csrfToken } = (await (await this.fetch("/api/auth/csrf")).json()) as { csrfToken: string };
    const response = await this.fetch("/api/auth/signout", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ csrfToken, json: "true" }),
    });
    expect(response.status).toBe(200);
  }
}

/** What a sign-in attempt shows: the status and the error in the URL next-auth answers with. */
function outcome(result: { status: number; url: string }) {
  return { status: result.status, error: new URL(result.url).searchParams.get("error") };
}

describe("security of the production build over HTTP", () => {
  let database: Database;

  beforeAll(async () => {
    database = await serverDatabase();
  });

  afterAll(async () => {
    await database?.close();
  });

  async function accountWithPassword() {
    const email = `probe-${tag()}@test.dev`;
    const passwordHash = await hashPassword(PASSWORD);
    const workspace = await database.prisma.$transaction(async (tx) => {
      const user = await createUser(tx, { email, name: "Pat Probe", passwordHash });
      return createWorkspace(tx, { ownerId: user.id, name: `Probe ${tag()}`, now: new Date() });
    });
    return { email, slug: workspace.slug };
  }

  describe("security headers", () => {
    it.each([["/sign-in"], ["/sign-up"], ["/pricing"], ["/no-such-page"]])(
      "%s carries a CSP with a fresh nonce that every script has",
      async (path) => {
        const nonces = new Set<string>();
        for (let i = 0; i < 2; i += 1) {
          const response = await fetch(`${baseUrl()}${path}`, { redirect: "manual" });
          expect(response.headers.get("content-type")).toMatch(/text\/html/);
          expect(response.headers.get("x-frame-options")).toBe("DENY");
          expect(response.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
          expect(response.headers.get("x-content-type-options")).toBe("nosniff");
          expect(response.headers.get("strict-transport-security")).toBeNull();
          const policy = response.headers.get("content-security-policy") ?? "";
          expect(policy).toContain("frame-ancestors 'none'");
          expect(policy).not.toContain("unsafe-inline' 'nonce"); // no inline scripts without the nonce
          const nonce = /script-src 'self' 'nonce-([A-Za-z0-9+/=]+)'/.exec(policy)?.[1];
          expect(nonce).toBeTruthy();
          nonces.add(nonce!);
          const html = await response.text();
          const scripts = html.match(/<script\b[^>]*>/g) ?? [];
          expect(scripts.length).toBeGreaterThan(0);
          for (const script of scripts) expect(script).toContain(`nonce="${nonce}"`);
        }
        expect(nonces.size).toBe(2);
      },
    );

    it("sends HSTS (and upgrades requests) when served over HTTPS behind a proxy", async () => {
      const response = await fetch(`${baseUrl()}/sign-in`, { headers: { "x-forwarded-proto": "https" } });
      expect(response.headers.get("strict-transport-security")).toBe("max-age=31536000");
      expect(response.headers.get("content-security-policy")).toContain("upgrade-insecure-requests");
    });

    it("takes no nonce from the client: a policy sent with the request changes nothing", async () => {
      const response = await fetch(`${baseUrl()}/sign-in`, {
        headers: { "content-security-policy": "script-src 'nonce-chosenbytheclient'", "x-nonce": "chosenbytheclient" },
      });
      const html = await response.text();
      expect(html).not.toContain("chosenbytheclient");
      expect(response.headers.get("content-security-policy")).not.toContain("chosenbytheclient");
    });
  });

  describe("request bodies over 16 KiB", () => {
    /**
     * POSTs a 20 MiB chunked body to `path` and, like a hostile client, goes on
     * writing after the reply. The observable: how much the client had written
     * when the reply came, and whether the server closed the connection before
     * the client could write everything — it can write only what the socket
     * buffers hold once the server stops reading.
     */
    function sendHugeBody(path: string, key: string) {
      const total = 20 * MIB;
      const { hostname, port } = new URL(baseUrl());
      return new Promise<{ status: number | null; body: string; writtenAtReply: number; wroteAll: boolean }>((resolve) => {
        const request = http.request({
          host: hostname,
          port,
          method: "POST",
          path,
          agent: false,
          headers: { authorization: `Key ${key}`, "content-type": "application/json" },
        });
        const chunk = Buffer.alloc(64 * 1024, "x");
        let written = 0;
        let writtenAtReply = -1;
        let status: number | null = null;
        let body = "";
        let closed = false;
        request.on("response", (response) => {
          writtenAtReply = written;
          status = response.statusCode ?? null;
          response.setEncoding("utf8");
          response.on("data", (text: string) => (body += text));
          response.on("error", () => {});
        });
        request.on("error", () => {});
        request.on("close", () => {
          closed = true;
          setImmediate(() => resolve({ status, body, writtenAtReply, wroteAll: written >= total }));
        });
        const pump = () => {
          while (!closed && written < total) {
            written += chunk.length;
            if (!request.write(chunk)) return void request.once("drain", pump);
          }
          if (!closed) request.end();
        };
        request.write('{"type":"predict","inputs":1,"pad":"');
        pump();
      });
    }

    it("is refused after the limit on every spelling of the operations path, and the connection closed", async () => {
      const ws = await apiWorkspace(database, { now: new Date() });
      const spellings = [
        "/api/v1/operations",
        "/api/v1/./operations",
        "/api/v1/x/../operations",
        "/api/v1/%2e/operations",
        "/api/v1/x/%2E%2E/operations",
        "/api//v1/operations",
        "//api/v1/operations",
        "/api/v1/operations/",
        "/api/v1\\operations",
      ];
      const results = await Promise.all(spellings.map((path) => sendHugeBody(path, ws.secret)));
      for (const [index, result] of results.entries()) {
        const path = spellings[index];
        expect({ path, status: result.status, body: result.body.slice(0, 200) }).toMatchObject({ path, status: 400 });
        expect(JSON.parse(result.body)).toMatchObject({ status: { code: 11002, details: "body: at most 16384 bytes" } });
        // Answered long before the client got to the end of its 20 MiB, and cut off before it could.
        expect(result.writtenAtReply).toBeLessThan(10 * MIB);
        expect(result.wroteAll).toBe(false);
      }
      expect(await database.prisma.usageEvent.count({ where: { workspaceId: ws.workspaceId } })).toBe(0);
    });
  });

  describe("sessions", () => {
    it("a cookie kept from before signing out gets an empty session and no page", async () => {
      const { email, slug } = await accountWithPassword();
      const browser = new CookieJar(baseUrl());
      expect(outcome(await browser.signIn(email, PASSWORD))).toEqual({ status: 200, error: null });
      const copied = browser.header();
      expect(copied).toContain("next-auth.session-token=");
      const before = await browser.fetch("/api/auth/session");
      expect(((await before.json()) as { user?: { email: string } }).user?.email).toBe(email);

      await browser.signOut();

      const thief = new CookieJar(baseUrl());
      const session = await fetch(`${baseUrl()}/api/auth/session`, { headers: { cookie: copied } });
      expect(await session.json()).toEqual({});
      // The dead cookie is cleared.
      expect(session.headers.getSetCookie().some((line) => /^next-auth\.session-token=;/.test(line))).toBe(true);
      const page = await fetch(`${baseUrl()}/w/${slug}`, { headers: { cookie: copied }, redirect: "manual" });
      expect(page.status).toBe(307);
      expect(page.headers.get("location")).toMatch(/\/sign-in$/);
      expect(thief.header()).toBe("");
    });
  });

  describe("pages that do not exist in a workspace", () => {
    it("answer 404 while signed in: an unknown workspace and an unknown invoice", async () => {
      const { email, slug } = await accountWithPassword();
      const browser = new CookieJar(baseUrl());
      expect(outcome(await browser.signIn(email, PASSWORD))).toEqual({ status: 200, error: null });
      expect((await browser.fetch(`/w/${slug}`)).status).toBe(200);
      expect((await browser.fetch(`/w/${slug}/invoices`)).status).toBe(200);
      expect((await browser.fetch(`/w/${slug}/invoices/MD-NO-SUCH-1`)).status).toBe(404);
      expect((await browser.fetch(`/w/no-such-workspace-${tag()}`)).status).toBe(404);
      expect((await browser.fetch(`/w/no-such-workspace-${tag()}/invoices/MD-1`)).status).toBe(404);
      expect((await browser.fetch(`/w/${slug}/no-such-section`)).status).toBe(404);
    });
  });

  describe("signing in", () => {
    it("answers an unknown email exactly like a wrong password, across the lockout threshold", async () => {
      const { email: known } = await accountWithPassword();
      const unknown = `nobody-${tag()}@test.dev`;
      const run = async (email: string) => {
        const browser = new CookieJar(baseUrl());
        const seen = [];
        for (let i = 1; i <= 6; i += 1) seen.push(outcome(await browser.signIn(email, `wrong guess ${i}`)));
        seen.push(outcome(await browser.signIn(email, PASSWORD)));
        return seen;
      };
      const knownSeen = await run(known);
      const unknownSeen = await run(unknown);
      const wrong = { status: 401, error: "CredentialsSignin" };
      const locked = { status: 401, error: "Too many failed sign-in attempts. Try again in 15 minutes." };
      expect(knownSeen).toEqual([wrong, wrong, wrong, wrong, locked, locked, locked]);
      expect(unknownSeen).toEqual(knownSeen);
      expect(await database.prisma.user.count({ where: { email: unknown } })).toBe(0);
    });

    it("takes the address from the socket: forged X-Forwarded-For and peer headers are ignored by default", async () => {
      // This client is on loopback, which the per-address limit leaves alone; were a forged
      // header believed, this address would be limited and the 11th attempt refused.
      const browser = new CookieJar(baseUrl());
      const forged = { "x-forwarded-for": "198.51.100.77", [PEER_HEADER]: "198.51.100.77", "x-real-ip": "198.51.100.77" };
      for (let i = 0; i <= AUTH_ATTEMPTS_PER_MINUTE; i += 1) {
        expect(outcome(await browser.signIn(`nobody-${tag()}@test.dev`, "wrong", { headers: forged }))).toEqual({
          status: 401,
          error: "CredentialsSignin",
        });
      }
    });

    it.each([
      ["/\t/evil.example/pwn"],
      ["/\n/evil.example/pwn"],
      ["/\t\\evil.example/pwn"],
      ["//evil.example"],
      ["https://evil.example/pwn"],
      ["javascript:alert(1)"],
    ])("sends a sign-in with callbackUrl %j to our own home page", async (callbackUrl) => {
      const { email } = await accountWithPassword();
      const result = await new CookieJar(baseUrl()).signIn(email, PASSWORD, { callbackUrl });
      expect(result.status).toBe(200);
      expect(result.url).toBe(`${baseUrl()}/`);
    });

    it("keeps a callbackUrl of our own", async () => {
      const { email, slug } = await accountWithPassword();
      const result = await new CookieJar(baseUrl()).signIn(email, PASSWORD, { callbackUrl: `/w/${slug}/usage?range=7d` });
      expect(result.url).toBe(`${baseUrl()}/w/${slug}/usage?range=7d`);
    });
  });

  describe("behind a trusted proxy (TRUST_PROXY=on)", () => {
    let proxied: AppServer;

    beforeAll(async () => {
      // A second server on the same database, trusting one proxy; its limiter is in-process and fresh.
      proxied = await startAppServer({ databaseUrl: inject("databaseUrl"), env: { TRUST_PROXY: "on" } });
    }, 90_000);

    afterAll(async () => {
      await proxied?.stop();
    });

    it(`refuses the ${AUTH_ATTEMPTS_PER_MINUTE + 1}th sign-in attempt from one client address in a minute`, async () => {
      const { email } = await accountWithPassword();
      const client = `198.51.100.${crypto.randomInt(1, 255)}`;
      const browser = new CookieJar(proxied.url);
      // The count is per minute of the clock (the server's is this machine's): start well inside one.
      const intoMinute = Date.now() % 60_000;
      if (intoMinute > 45_000) await new Promise((resolve) => setTimeout(resolve, 60_000 - intoMinute + 500));
      const viaProxy = (address: string) => ({ headers: { "x-forwarded-for": `127.0.0.1, ${address}` } });
      for (let i = 0; i < AUTH_ATTEMPTS_PER_MINUTE; i += 1) {
        expect(outcome(await browser.signIn(`guess-${i}-${tag()}@test.dev`, "wrong", viaProxy(client)))).toEqual({
          status: 401,
          error: "CredentialsSignin",
        });
      }
      expect(outcome(await browser.signIn(email, PASSWORD, viaProxy(client)))).toEqual({ status: 401, error: TOO_MANY_ATTEMPTS_MESSAGE });
      // Another client of the proxy is not affected.
      expect(outcome(await browser.signIn(email, PASSWORD, viaProxy("198.51.100.254")))).toEqual({ status: 200, error: null });
    });
  });

  describe("the internal billing run", () => {
    const run = (headers: Record<string, string>) =>
      fetch(`${baseUrl()}/api/internal/billing-run`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: "{}",
      });

    it("lets a loopback peer on to the token check, and refuses what a proxy relayed", async () => {
      expect((await run({})).status).toBe(401);
      // A forged peer header is replaced by the socket's address (loopback here).
      expect((await run({ [PEER_HEADER]: "203.0.113.5" })).status).toBe(401);
      expect((await run({ "x-forwarded-for": "203.0.113.5" })).status).toBe(403);
      expect((await run({ forwarded: "for=203.0.113.5" })).status).toBe(403);
      expect((await run({ "x-real-ip": "203.0.113.5" })).status).toBe(403);
    });
  });
});
