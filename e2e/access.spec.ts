import { expect, test } from "@playwright/test";
import { demo, signIn } from "./fixtures";

test.describe("roles", () => {
  test("[ACCESS][SUPPORT] support staff reach the support console", async ({ page }) => {
    await signIn(page, demo.support);
    await expect(page).toHaveURL(/\/support/);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await page.getByLabel(/search/i).fill("acme");
    await page.getByLabel(/search/i).press("Enter");
    await expect(page.getByRole("link", { name: "Acme Vision" })).toBeVisible();
    // Every staff view of an account is audited: the second visit lists the first.
    await page.getByRole("link", { name: "Acme Vision" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Acme Vision" })).toBeVisible();
    await page.reload();
    const log = page.getByRole("table", { name: "Audit log" });
    await expect(log.getByRole("row").filter({ hasText: "support.view_account" }).filter({ hasText: demo.support }).first()).toBeVisible();
  });

  test("[ACCESS][SUPPORT] a customer gets 403 on support pages", async ({ page }) => {
    await signIn(page, demo.owner);
    const response = await page.goto("/support");
    expect(response?.status()).toBe(403);
    await expect(page.getByText("You don't have access to this page")).toBeVisible();
    const account = await page.goto("/support/accounts/00000000-0000-0000-0000-000000000000");
    expect(account?.status()).toBe(403);
  });

  test("[ACCESS][SUPPORT] a visitor who is not signed in is sent to sign in", async ({ page }) => {
    await page.goto("/support");
    await expect(page).toHaveURL(/\/sign-in/);
  });

  test("[ACCESS][WORKSPACE] a member of one workspace cannot open another's", async ({ page }) => {
    await signIn(page, demo.free);
    const response = await page.goto("/w/acme-vision");
    expect(response?.status()).toBe(404);
  });

  test("[ACCESS][VIEWER] a viewer reads the workspace but cannot reach a mutation", async ({ page, browser }) => {
    // The owner saves the workspace name unchanged; we keep that server-action
    // request, which is exactly what a viewer would have to send.
    const ownerContext = await browser.newContext();
    const owner = await ownerContext.newPage();
    await signIn(owner, demo.owner);
    await owner.goto("/w/acme-vision/settings");
    const form = owner.getByRole("form", { name: "Workspace name" });
    await expect(form.getByLabel("Workspace name")).toHaveValue("Acme Vision");
    const [actionRequest] = await Promise.all([
      owner.waitForRequest((request) => request.method() === "POST" && Boolean(request.headers()["next-action"])),
      form.getByRole("button", { name: "Save name" }).click(),
    ]);
    await expect(form.getByRole("status")).toHaveText("No change.");
    const actionHeaders = actionRequest.headers();
    const actionBody = actionRequest.postDataBuffer()!.toString("utf8").replace("Acme Vision", "Hijacked by a viewer");
    expect(actionBody).toContain("Hijacked by a viewer");
    await ownerContext.close();

    await signIn(page, demo.viewer);
    await page.goto("/w/acme-vision/settings");
    await expect(page.getByRole("heading", { level: 1, name: "Settings" })).toBeVisible();
    await expect(page.getByText("You have view-only access")).toBeVisible();
    await expect(page.getByRole("form", { name: "Workspace name" })).toHaveCount(0);

    // Replaying the action with the viewer's session is refused and changes nothing.
    const response = await page.request.post("/w/acme-vision/settings", {
      headers: {
        "next-action": actionHeaders["next-action"]!,
        "content-type": actionHeaders["content-type"]!,
        accept: "text/x-component",
      },
      data: Buffer.from(actionBody, "utf8"),
    });
    expect(response.status()).toBe(403);
    await page.goto("/w/acme-vision/settings");
    await expect(page.getByText("Hijacked by a viewer")).toHaveCount(0);
    await expect(page.getByText("Acme Vision").first()).toBeVisible();
  });

  test("[PUBLIC][PRICING] the pricing page is open without signing in", async ({ page }) => {
    const response = await page.goto("/pricing");
    expect(response?.status()).toBe(200);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await expect(page.getByText("Growth").first()).toBeVisible();
  });
});
