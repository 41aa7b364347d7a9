// The staff roles in plain words (R11), shared by the staff page's server
// parts and its dialogs.
import type { BadgeTone } from "@/components/ui/badge";
import type { StaffRoleName } from "@/lib/auth/roles";

export const STAFF_ROLES: readonly StaffRoleName[] = ["SUPPORT", "ADMIN"];

export const staffRoleLabels: Record<StaffRoleName, string> = { SUPPORT: "Support", ADMIN: "Admin" };

export const staffRoleTones: Record<StaffRoleName, BadgeTone> = { SUPPORT: "info", ADMIN: "primary" };

/** What a person with the role can do. */
export const staffRoleHints: Record<StaffRoleName, string> = {
  SUPPORT: "Looks up any customer account and acts on it: grants, limits, invoices.",
  ADMIN: "Everything support does, and adds, changes and removes staff accounts.",
};

/** "support staff", "an admin": the role inside a sentence. */
export const asRole: Record<StaffRoleName, string> = { SUPPORT: "support staff", ADMIN: "an admin" };

export function workspacesPhrase(count: number): string {
  return count === 1 ? "their customer workspace" : `their ${count} customer workspaces`;
}
