// Who may do what in a workspace (R10: viewers change nothing). Pure, so it
// is shared by pages, actions and the navigation.
export type WorkspaceRole = "OWNER" | "BILLING_ADMIN" | "VIEWER";
export type StaffRoleName = "SUPPORT" | "ADMIN";

export type Permission =
  /** See balances, usage, invoices, keys (every member). */
  | "read"
  /** Change plan, credits, packages, API keys, billing settings. */
  | "manage-billing"
  /** Manage members and delete the workspace. */
  | "owner";

const grants: Record<WorkspaceRole, readonly Permission[]> = {
  OWNER: ["read", "manage-billing", "owner"],
  BILLING_ADMIN: ["read", "manage-billing"],
  VIEWER: ["read"],
};

export function can(role: WorkspaceRole, permission: Permission): boolean {
  return grants[role].includes(permission);
}

export const roleLabels: Record<WorkspaceRole, string> = {
  OWNER: "Owner",
  BILLING_ADMIN: "Billing admin",
  VIEWER: "Viewer",
};
