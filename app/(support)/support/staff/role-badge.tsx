// A staff role as a badge (server and client parts of the staff page).
import { Badge } from "@/components/ui/badge";
import type { StaffRoleName } from "@/lib/auth/roles";
import { staffRoleLabels, staffRoleTones } from "./staff-roles";

export function RoleBadge({ role }: { role: StaffRoleName }) {
  return <Badge tone={staffRoleTones[role]}>{staffRoleLabels[role]}</Badge>;
}
