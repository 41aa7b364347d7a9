import { expect, test, type Page } from "@playwright/test";
import { demo, signIn } from "./fixtures";

// API keys (R10): create with the secret shown once, revoke after a
// confirmation, and viewers who see the keys but change nothing. The tests
// share the seeded acme-vision workspace, so every key gets its own name.
const KEYS_PAGE = "/w/acme-vision/api-keys";

function uniqueName(tag: string): string {
  return `e2e-${tag}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
}

function keyRow(page: Page, name: string) {
  return page.getByRole("table", { name: "API keys" }).getByRole("row").filter({ hasText: name });
}

/** Creates a key through the dialog and returns its secret, leaving the dialog open. */
async function createKey(page: Page, name: string): Promise<string> {
  await page.getByRole("button", { name: "Create key" }).click();
  const form = page.getByRole("dialog", { name: "Create an API key" });
  await expect(form.getByLabel("Key name")).toBeFocused();
  await form.getByLabel("Key name").fill(name);
  await form.getByRole("button", { name: "Create key" }).click();
  const reveal = page.getByRole("dialog", { name: "Save your secret key" });
  const secret = await reveal.getByLabel("Secret key").inputValue();
  expect(secret).toMatch(/^mdk_[0-9a-f]{10}_/);
  return secret;
}

test.describe("API keys", () => {
  test("[KEYS][CREATE] the owner creates a key and sees its secret once", async ({ page, context }) => {
    await context.grantPermissions(["clipboard-read", "clipboard-write"]);
    await signIn(page, demo.owner);
    await page.goto(KEYS_PAGE);
    await expect(page.getByRole("heading", { level: 1, name: "API keys" })).toBeVisible();

    // A blank name is refused next to the field; nothing is created.
    await page.getByRole("button", { name: "Create key" }).click();
    const form = page.getByRole("dialog", { name: "Create an API key" });
    await form.getByRole("button", { name: "Create key" }).click();
    await expect(form.getByText("Enter a name for the key.")).toBeVisible();
    await expect(form.getByLabel("Key name")).toHaveAttribute("aria-invalid", "true");
    await form.getByRole("button", { name: "Cancel" }).click();
    await expect(page.getByRole("dialog")).toHaveCount(0);

    const name = uniqueName("create");
    const secret = await createKey(page, name);
    const prefix = secret.slice(0, "mdk_".length + 10);
    const reveal = page.getByRole("dialog", { name: "Save your secret key" });
    await expect(reveal.getByText("Copy this key now — you won't be able to see it again.")).toBeVisible();
    await expect(reveal.getByRole("button", { name: "Copy" })).toBeFocused();
    await reveal.getByRole("button", { name: "Copy" }).click();
    await expect(reveal.getByRole("status")).toHaveText("Copied to the clipboard.");
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);

    await reveal.getByRole("button", { name: "Done" }).click();
    await expect(page.getByRole("dialog")).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Create key" })).toBeFocused();

    // The list shows the prefix; the secret has left the page for good.
    await expect(keyRow(page, name)).toContainText(prefix);
    await expect(keyRow(page, name)).toContainText("Active");
    expect(await page.content()).not.toContain(secret);
    await page.reload();
    await expect(keyRow(page, name)).toContainText(prefix);
    expect(await page.content()).not.toContain(secret.slice(prefix.length + 1));
  });

  test("[KEYS][REVOKE] the owner revokes a key only after confirming", async ({ page }) => {
    await signIn(page, demo.owner);
    await page.goto(KEYS_PAGE);
    const name = uniqueName("revoke");
    await createKey(page, name);
    await page.getByRole("dialog", { name: "Save your secret key" }).getByRole("button", { name: "Done" }).click();

    const row = keyRow(page, name);
    const revoke = row.getByRole("button", { name: `Revoke key ${name}` });
    const confirm = page.getByRole("alertdialog", { name: `Revoke key ${name}?` });

    // Escape backs out: nothing changes and focus returns to the row.
    await revoke.click();
    await expect(confirm).toContainText("Calls using it will be refused at once.");
    await expect(confirm.getByRole("button", { name: "Cancel" })).toBeFocused();
    await page.keyboard.press("Escape");
    await expect(confirm).toHaveCount(0);
    await expect(revoke).toBeFocused();
    await expect(row).toContainText("Active");

    await revoke.click();
    await confirm.getByRole("button", { name: "Revoke key" }).click();
    await expect(confirm).toHaveCount(0);
    await expect(row).toContainText("Revoked");
    await expect(row.getByRole("button")).toHaveCount(0);
    await page.reload();
    await expect(keyRow(page, name)).toContainText("Revoked");
  });

  test("[KEYS][VIEWER] a viewer sees the keys but cannot create or revoke one", async ({ page, browser }) => {
    // The owner creates a key; we keep that server-action request, which is
    // exactly what a viewer would have to send.
    const ownerContext = await browser.newContext();
    const owner = await ownerContext.newPage();
    await signIn(owner, demo.owner);
    await owner.goto(KEYS_PAGE);
    const name = uniqueName("viewer");
    const [actionRequest] = await Promise.all([
      owner.waitForRequest((request) => request.method() === "POST" && Boolean(request.headers()["next-action"])),
      createKey(owner, name),
    ]);
    const actionHeaders = actionRequest.headers();
    const stolenName = `${name}-by-viewer`;
    const actionBody = actionRequest.postDataBuffer()!.toString("utf8").replace(name, stolenName);
    expect(actionBody).toContain(stolenName);
    await ownerContext.close();

    await signIn(page, demo.viewer);
    await page.goto(KEYS_PAGE);
    await expect(page.getByRole("heading", { level: 1, name: "API keys" })).toBeVisible();
    await expect(page.getByText("You have view-only access")).toBeVisible();
    await expect(keyRow(page, name)).toContainText("Active");
    await expect(page.getByRole("button", { name: "Create key" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: /revoke/i })).toHaveCount(0);

    // Replaying the create action with the viewer's session is refused and creates nothing.
    const response = await page.request.post(KEYS_PAGE, {
      headers: { "next-action": actionHeaders["next-action"]!, "content-type": actionHeaders["content-type"]!, accept: "text/x-component" },
      data: Buffer.from(actionBody, "utf8"),
    });
    expect(response.status()).toBe(403);
    await page.reload();
    await expect(keyRow(page, name)).toHaveCount(1);
    await expect(keyRow(page, stolenName)).toHaveCount(0);
  });
});
