import { describe, expect, it } from "vitest";
import { can } from "./roles";

describe("workspace roles (R10)", () => {
  it.each([
    ["OWNER", "manage-billing", true],
    ["OWNER", "owner", true],
    ["BILLING_ADMIN", "manage-billing", true],
    ["BILLING_ADMIN", "owner", false],
    ["VIEWER", "read", true],
    ["VIEWER", "manage-billing", false], // R10: viewers change nothing
    ["VIEWER", "owner", false],
  ] as const)("%s may %s: %s", (role, permission, expected) => {
    expect(can(role, permission)).toBe(expected);
  });
});
