import fs from "node:fs";
import path from "node:path";
import { expect, type Page } from "@playwright/test";

export const DEMO_PASSWORD = "meterdesk-demo";
export const demo = {
  owner: "owner@demo.meterdesk.dev",
  free: "free@demo.meterdesk.dev",
  payg: "payg@demo.meterdesk.dev",
  arrears: "arrears@demo.meterdesk.dev",
  late: "late@demo.meterdesk.dev",
  support: "support@demo.meterdesk.dev",
  admin: "admin@demo.meterdesk.dev",
  viewer: "viewer@demo.meterdesk.dev",
};

export async function signIn(page: Page, email: string, password = DEMO_PASSWORD) {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).not.toHaveURL(/\/sign-in/);
}

/** A unique email for a test's own account. */
export function freshEmail(tag: string): string {
  return `${tag}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}@e2e.meterdesk.dev`;
}

export async function signUp(page: Page, input: { name: string; email: string; password: string; workspace: string }) {
  await page.goto("/sign-up");
  await page.getByLabel("Name", { exact: true }).fill(input.name);
  await page.getByLabel("Email").fill(input.email);
  await page.getByLabel("Password").fill(input.password);
  await page.getByLabel("Workspace name").fill(input.workspace);
  await page.getByRole("button", { name: /create account/i }).click();
}

/** The form's error message. Next's route announcer is also role="alert", so pick the one with text in the main area. */
export function formAlert(page: Page) {
  return page.locator('main [role="alert"], form [role="alert"]').first();
}

/**
 * With SHOTS_DIR set (a review run, not CI), a full-page screenshot of what is
 * on screen at desktop width and again at phone width, named `<name>-desktop.png`
 * and `<name>-phone.png`.
 */
export async function shoot(page: Page, name: string) {
  const dir = process.env.SHOTS_DIR;
  if (!dir) return;
  fs.mkdirSync(dir, { recursive: true });
  const size = page.viewportSize() ?? { width: 1280, height: 800 };
  await page.screenshot({ path: path.join(dir, `${name}-desktop.png`), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForTimeout(150);
  await page.screenshot({ path: path.join(dir, `${name}-phone.png`), fullPage: true });
  await page.setViewportSize(size);
}
