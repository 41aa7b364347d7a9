// The people of a workspace and their roles (R10: owners, billing admins, viewers).
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { TBody, THead, Table, Td, Th, Tr } from "@/components/ui/table";
import { roleLabels, type WorkspaceRole } from "@/lib/auth/roles";
import { DateText } from "./dates";

export interface MemberTableRow {
  role: WorkspaceRole;
  createdAt: Date;
  user: { id: string; name: string; email: string };
}

const roleTones: Record<WorkspaceRole, BadgeTone> = { OWNER: "primary", BILLING_ADMIN: "info", VIEWER: "neutral" };

export function MembersTable({ members, currentUserId }: { members: MemberTableRow[]; currentUserId?: string }) {
  return (
    <Table label="Members">
      <THead>
        <tr>
          <Th>Name</Th>
          <Th>Email</Th>
          <Th>Role</Th>
          <Th>Member since</Th>
        </tr>
      </THead>
      <TBody>
        {members.map((member) => (
          <Tr key={member.user.id}>
            <Td className="font-medium">
              {member.user.name}
              {member.user.id === currentUserId ? <span className="ml-2 text-xs font-normal text-muted-foreground">(you)</span> : null}
            </Td>
            <Td className="text-muted-foreground">{member.user.email}</Td>
            <Td>
              <Badge tone={roleTones[member.role]}>{roleLabels[member.role]}</Badge>
            </Td>
            <Td className="whitespace-nowrap text-muted-foreground">
              <DateText date={member.createdAt} />
            </Td>
          </Tr>
        ))}
      </TBody>
    </Table>
  );
}
