import { describe, expect, it } from "vitest";
import { parseEnv } from "./env";

describe("environment (lib/env.ts)", () => {
  it("runs with no configuration on the embedded defaults (R13)", () => {
    const env = parseEnv({});
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.REDIS_URL).toBeUndefined();
    expect(env.STRIPE_SECRET_KEY).toBeUndefined();
    expect(env.PORT).toBe(3000);
    expect(env.PGLITE_DIR).toBe(".data/pglite");
    expect(env.CREDITS_PER_USD).toBe(2_000_000n);
  });

  it("treats empty strings as unset", () => {
    expect(parseEnv({ DATABASE_URL: "", REDIS_URL: "" }).DATABASE_URL).toBeUndefined();
  });

  it.each([
    [{ DATABASE_URL: "mysql://x" }, "DATABASE_URL"],
    [{ REDIS_URL: "http://localhost" }, "REDIS_URL"],
    [{ PORT: "70000" }, "PORT"],
    [{ PORT: "abc" }, "PORT"],
    [{ METERDESK_NOW: "next tuesday" }, "METERDESK_NOW"],
    [{ AUTH_SECRET: "short" }, "AUTH_SECRET"],
    [{ CREDITS_PER_USD: "0" }, "CREDITS_PER_USD"],
    [{ GITHUB_ID: "abc" }, "GITHUB_ID and GITHUB_SECRET"],
    [{ STRIPE_SECRET_KEY: "sk_test_x" }, "STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET"],
    [{ TRUST_PROXY: "yes please" }, "TRUST_PROXY"],
  ])("fails naming the variable for %j", (source, name) => {
    expect(() => parseEnv(source)).toThrow(name);
  });

  it("accepts METERDESK_NOW as an ISO-8601 instant (R8.7)", () => {
    expect(parseEnv({ METERDESK_NOW: "2027-01-31T00:00:00Z" }).METERDESK_NOW).toBe("2027-01-31T00:00:00Z");
  });

  it.each([
    [undefined, 0],
    ["off", 0],
    ["false", 0],
    ["on", 1],
    ["TRUE", 1],
    ["2", 2],
  ])("reads TRUST_PROXY=%s as %i trusted proxies (default: none, X-Forwarded-For ignored)", (value, hops) => {
    expect(parseEnv({ TRUST_PROXY: value }).TRUST_PROXY).toBe(hops);
  });
});
