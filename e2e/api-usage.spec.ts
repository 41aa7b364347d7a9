import fs from "node:fs";
import { expect, test } from "@playwright/test";
import { demo, signIn } from "./fixtures";

// The demo seed wrote one key per demo workspace here (R13).
const keys = () => JSON.parse(fs.readFileSync(".data/e2e/demo-keys.json", "utf8")) as Record<string, string>;

test.describe("metering API and the dashboard", () => {
  test("[API][REFUSALS] refused calls appear on the Usage page with their reason, and are not charged", async ({ page, request }) => {
    const key = keys()[demo.free]!;
    const call = (body: unknown) => request.post("/api/v1/operations", { headers: { authorization: `Key ${key}` }, data: body });
    // Far more than the Free workspace has left this month (R4.1): 402, nothing charged.
    const refused = await call({ type: "predict", inputs: 10000 });
    expect(refused.status()).toBe(402);
    expect((await refused.json()).status.code).toBe(11100);
    const invalid = await call({ type: "predict", inputs: 0 });
    expect(invalid.status()).toBe(400);
    expect((await invalid.json()).status.details).toMatch(/^inputs:/);

    await signIn(page, demo.free);
    await page.goto("/w/free-labs/usage");
    const refusals = page.getByRole("table", { name: "Refused calls" });
    // Refusals are written in the background every few seconds.
    await expect(async () => {
      await page.reload();
      await expect(refusals.getByRole("row").filter({ hasText: "Out of credits" })).toBeVisible({ timeout: 1000 });
    }).toPass({ timeout: 20_000 });
    await expect(refusals.getByRole("row").filter({ hasText: "Invalid request" })).toBeVisible();
    await expect(page.getByRole("region", { name: "Rate limits" })).toContainText("15 requests per second");
  });

  test("[API][CHARGE] a successful call is charged from the owner's credits and shows in the balance", async ({ request }) => {
    const key = keys()[demo.owner]!;
    const before = await (await request.get("/api/v1/balance", { headers: { authorization: `Bearer ${key}` } })).json();
    const reply = await request.post("/api/v1/operations", {
      headers: { authorization: `Key ${key}`, "idempotency-key": `e2e-${Date.now()}` },
      data: { type: "upload", inputs: 32 },
    });
    expect(reply.status()).toBe(200);
    const body = await reply.json();
    expect(body.usage.operations).toBe(32);
    const sources = body.usage.sources as Record<string, string>;
    expect(Object.values(sources).reduce((sum, v) => sum + BigInt(v), 0n)).toBe(BigInt(body.usage.credits));
    const after = await (await request.get("/api/v1/balance", { headers: { authorization: `Bearer ${key}` } })).json();
    const spent = (b: { balance: { included: string; prepaid: string } }) => BigInt(b.balance.included) + BigInt(b.balance.prepaid);
    expect(spent(before) - spent(after)).toBe(BigInt(sources.included ?? "0") + BigInt(sources.prepaid ?? "0"));
  });
});
