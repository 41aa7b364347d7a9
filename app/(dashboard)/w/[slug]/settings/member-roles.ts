// The workspace roles in the order the members section lists them, for the
// server-drawn tables (members-section.tsx) and the controls (members.tsx).
import type { WorkspaceRole } from "@/lib/auth/roles";

export const ROLES: WorkspaceRole[] = ["OWNER", "BILLING_ADMIN", "VIEWER"];
