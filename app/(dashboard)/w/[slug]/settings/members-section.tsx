// The members section for people who manage members, drawn on the server:
// the tables of members and open invitations, with the controls in them
// (members.tsx) as the only code the browser loads for it.
import { Mail, UserPlus } from "lucide-react";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { TBody, THead, Table, Td, Th, Tr } from "@/components/ui/table";
import { roleLabels, type WorkspaceRole } from "@/lib/auth/roles";
import {
  InviteForm,
  MemberRoleSelect,
  MembersArea,
  RemoveMemberButton,
  WithdrawInvitationButton,
  type ManagedMember,
  type OpenInvitation,
} from "./members";
import { ROLES } from "./member-roles";

const roleTones: Record<WorkspaceRole, BadgeTone> = { OWNER: "primary", BILLING_ADMIN: "info", VIEWER: "neutral" };

export function ManageMembers({
  slug,
  members,
  invitations,
  currentUserId,
  viewerRole,
}: {
  slug: string;
  members: ManagedMember[];
  invitations: OpenInvitation[];
  currentUserId: string;
  viewerRole: WorkspaceRole;
}) {
  const isOwner = viewerRole === "OWNER";
  const invitable = isOwner ? ROLES : ROLES.filter((role) => role !== "OWNER");

  return (
    <MembersArea slug={slug} currentUserId={currentUserId}>
      <Table label="Members">
        <THead>
          <tr>
            <Th>Member</Th>
            <Th>Role</Th>
            <Th className="hidden sm:table-cell">Member since</Th>
            {isOwner ? (
              <Th className="hidden sm:table-cell">
                <span className="sr-only">Actions</span>
              </Th>
            ) : null}
          </tr>
        </THead>
        <TBody>
          {members.map((member) => (
            <Tr key={member.userId}>
              <Td>
                <span className="font-medium">{member.name}</span>
                {member.userId === currentUserId ? <span className="ml-2 text-xs text-muted-foreground">(you)</span> : null}
                <span className="block break-all text-[13px] text-muted-foreground">{member.email}</span>
              </Td>
              <Td>
                {isOwner ? (
                  <div className="flex flex-col items-start gap-1">
                    <MemberRoleSelect key={`${member.userId}:${member.role}`} slug={slug} member={member} />
                    {/* On a phone the remove button sits under the role; the last column is hidden. */}
                    <RemoveMemberButton member={member} self={member.userId === currentUserId} className="-ml-2 sm:hidden" />
                  </div>
                ) : (
                  <Badge tone={roleTones[member.role]}>{roleLabels[member.role]}</Badge>
                )}
              </Td>
              <Td className="hidden whitespace-nowrap text-muted-foreground sm:table-cell">{member.since}</Td>
              {isOwner ? (
                <Td className="hidden text-right sm:table-cell">
                  <RemoveMemberButton member={member} self={member.userId === currentUserId} />
                </Td>
              ) : null}
            </Tr>
          ))}
        </TBody>
      </Table>

      {invitations.length > 0 ? (
        <Table label="Open invitations">
          <THead>
            <tr>
              <Th>Invited</Th>
              <Th className="hidden sm:table-cell">Role</Th>
              <Th className="hidden sm:table-cell">Link works until</Th>
              <Th>
                <span className="sr-only">Actions</span>
              </Th>
            </tr>
          </THead>
          <TBody>
            {invitations.map((invitation) => (
              <Tr key={invitation.id}>
                <Td>
                  <span className="block break-all font-medium">{invitation.email}</span>
                  <span className="block text-[13px] text-muted-foreground sm:hidden">
                    {roleLabels[invitation.role]} · link works until {invitation.expires}
                  </span>
                </Td>
                <Td className="hidden sm:table-cell">
                  <Badge tone={roleTones[invitation.role]}>{roleLabels[invitation.role]}</Badge>
                </Td>
                <Td className="hidden whitespace-nowrap text-muted-foreground sm:table-cell">{invitation.expires}</Td>
                <Td className="text-right">
                  {invitable.includes(invitation.role) ? <WithdrawInvitationButton slug={slug} invitation={invitation} /> : null}
                </Td>
              </Tr>
            ))}
          </TBody>
        </Table>
      ) : null}

      <Card>
        <CardHeader>
          <CardTitle as="h3" className="flex items-center gap-2">
            <UserPlus aria-hidden className="size-4 text-muted-foreground" />
            Invite member
          </CardTitle>
        </CardHeader>
        <CardContent>
          <InviteForm slug={slug} roles={invitable} sendIcon={<Mail aria-hidden />} />
        </CardContent>
      </Card>
    </MembersArea>
  );
}
