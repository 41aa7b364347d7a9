"use client";

// The members section for people who manage members: owners change roles,
// remove members and invite anyone; billing admins invite billing admins and
// viewers. Viewers get the read-only table (components/billing/members-table).
// The server actions check all of this again.
import { Mail, UserPlus } from "lucide-react";
import { lazy, Suspense, useActionState, useEffect, useRef, useState, useTransition } from "react";
import { Alert } from "@/components/ui/alert";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { FieldError } from "@/components/ui/field-error";
import { inputClassName } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { TBody, THead, Table, Td, Th, Tr } from "@/components/ui/table";
import { TextField } from "@/components/ui/text-field";
import { roleLabels, type WorkspaceRole } from "@/lib/auth/roles";
import { changeMemberRoleAction, inviteMemberAction, revokeInvitationAction, type InviteState } from "./member-actions";

// The confirmation to remove a member is fetched when it first opens.
const RemoveDialog = lazy(() => import("./remove-member-dialog").then((module) => ({ default: module.RemoveDialog })));

export interface ManagedMember {
  userId: string;
  name: string;
  email: string;
  role: WorkspaceRole;
  since: string;
}

export interface OpenInvitation {
  id: string;
  email: string;
  role: WorkspaceRole;
  expires: string;
}

const ROLES: WorkspaceRole[] = ["OWNER", "BILLING_ADMIN", "VIEWER"];
const roleTones: Record<WorkspaceRole, BadgeTone> = { OWNER: "primary", BILLING_ADMIN: "info", VIEWER: "neutral" };
const roleHints: Record<WorkspaceRole, string> = {
  OWNER: "Everything, including members.",
  BILLING_ADMIN: "Plan, credits, packages and API keys.",
  VIEWER: "Sees everything, changes nothing.",
};
const selectClassName = cn(inputClassName, "h-9 w-auto min-w-[8.5rem] pr-8");

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
  const [message, setMessage] = useState<{ tone: "danger" | "success"; text: string } | null>(null);
  const [removing, setRemoving] = useState<ManagedMember | null>(null);
  const invitable = isOwner ? ROLES : ROLES.filter((role) => role !== "OWNER");

  return (
    <div className="space-y-5">
      {message ? (
        <Alert tone={message.tone} live>
          {message.text}
        </Alert>
      ) : null}

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
                    <RoleSelect key={`${member.userId}:${member.role}`} slug={slug} member={member} onMessage={setMessage} />
                    {/* On a phone the remove button sits under the role; the last column is hidden. */}
                    <Button
                      variant="ghost"
                      size="sm"
                      className="-ml-2 sm:hidden"
                      aria-label={`Remove ${member.name}`}
                      onClick={() => {
                        setMessage(null);
                        setRemoving(member);
                      }}
                    >
                      {member.userId === currentUserId ? "Leave" : "Remove"}
                    </Button>
                  </div>
                ) : (
                  <Badge tone={roleTones[member.role]}>{roleLabels[member.role]}</Badge>
                )}
              </Td>
              <Td className="hidden whitespace-nowrap text-muted-foreground sm:table-cell">{member.since}</Td>
              {isOwner ? (
                <Td className="hidden text-right sm:table-cell">
                  <Button
                    variant="ghost"
                    size="sm"
                    aria-label={`Remove ${member.name}`}
                    onClick={() => {
                      setMessage(null);
                      setRemoving(member);
                    }}
                  >
                    {member.userId === currentUserId ? "Leave" : "Remove"}
                  </Button>
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
                  {invitable.includes(invitation.role) ? (
                    <WithdrawButton slug={slug} invitation={invitation} onMessage={setMessage} />
                  ) : null}
                </Td>
              </Tr>
            ))}
          </TBody>
        </Table>
      ) : null}

      <InviteForm slug={slug} roles={invitable} />

      {removing ? (
        <Suspense fallback={null}>
          <RemoveDialog
            slug={slug}
            member={removing}
            self={removing.userId === currentUserId}
            onClose={() => setRemoving(null)}
            onMessage={setMessage}
          />
        </Suspense>
      ) : null}
    </div>
  );
}

function RoleSelect({
  slug,
  member,
  onMessage,
}: {
  slug: string;
  member: ManagedMember;
  onMessage: (message: { tone: "danger" | "success"; text: string } | null) => void;
}) {
  const [pending, startTransition] = useTransition();
  const [value, setValue] = useState(member.role);
  return (
    <select
      aria-label={`Role of ${member.name}`}
      className={selectClassName}
      value={value}
      disabled={pending}
      onChange={(event) => {
        const role = event.target.value as WorkspaceRole;
        setValue(role);
        onMessage(null);
        startTransition(async () => {
          const result = await changeMemberRoleAction(slug, { userId: member.userId, role });
          if (!result.ok) {
            setValue(member.role);
            onMessage({ tone: "danger", text: result.error });
          } else if (result.data.changed) {
            onMessage({
              tone: "success",
              text: `${member.name} is now ${role === "OWNER" ? "an owner" : role === "VIEWER" ? "a viewer" : "a billing admin"}.`,
            });
          }
        });
      }}
    >
      {ROLES.map((role) => (
        <option key={role} value={role}>
          {roleLabels[role]}
        </option>
      ))}
    </select>
  );
}

function WithdrawButton({
  slug,
  invitation,
  onMessage,
}: {
  slug: string;
  invitation: OpenInvitation;
  onMessage: (message: { tone: "danger" | "success"; text: string } | null) => void;
}) {
  const [pending, startTransition] = useTransition();
  return (
    <Button
      variant="ghost"
      size="sm"
      disabled={pending}
      aria-label={`Withdraw the invitation for ${invitation.email}`}
      onClick={() =>
        startTransition(async () => {
          const result = await revokeInvitationAction(slug, { invitationId: invitation.id });
          onMessage(
            result.ok
              ? { tone: "success", text: `The invitation for ${invitation.email} was withdrawn; its link no longer works.` }
              : { tone: "danger", text: result.error },
          );
        })
      }
    >
      {pending ? "Withdrawing…" : "Withdraw"}
    </Button>
  );
}

function InviteForm({ slug, roles }: { slug: string; roles: WorkspaceRole[] }) {
  const [state, formAction, pending] = useActionState<InviteState, FormData>(inviteMemberAction, null);
  const formRef = useRef<HTMLFormElement>(null);
  const failure = state && !state.ok ? state : null;
  useEffect(() => {
    if (state?.ok) formRef.current?.reset();
  }, [state]);
  const emailErrors = failure?.fieldErrors?.email;
  const roleErrors = failure?.fieldErrors?.role;
  return (
    <Card>
      <CardHeader>
        <CardTitle as="h3" className="flex items-center gap-2">
          <UserPlus aria-hidden className="size-4 text-muted-foreground" />
          Invite member
        </CardTitle>
      </CardHeader>
      <CardContent>
        <form ref={formRef} action={formAction} aria-label="Invite member" noValidate className="space-y-4">
          <input type="hidden" name="slug" value={slug} />
          <div className="grid gap-4 sm:grid-cols-[minmax(0,1fr)_14rem]">
            <TextField
              label="Email"
              name="email"
              type="email"
              autoComplete="off"
              required
              errors={emailErrors}
              placeholder="teammate@company.com"
            />
            <div className="space-y-1.5">
              <Label htmlFor="invite-role">Role</Label>
              <select
                id="invite-role"
                name="role"
                defaultValue="VIEWER"
                className={cn(inputClassName, "pr-8")}
                aria-invalid={roleErrors ? true : undefined}
                aria-describedby={roleErrors ? "invite-role-error" : "invite-role-hint"}
              >
                {roles.map((role) => (
                  <option key={role} value={role}>
                    {roleLabels[role]}
                  </option>
                ))}
              </select>
              <FieldError id="invite-role-error" errors={roleErrors} />
            </div>
          </div>
          <ul id="invite-role-hint" className="space-y-0.5 text-[13px] text-muted-foreground">
            {roles.map((role) => (
              <li key={role}>
                <span className="font-medium text-foreground">{roleLabels[role]}:</span> {roleHints[role]}
              </li>
            ))}
          </ul>
          <p className="text-[13px] text-muted-foreground">
            We email them a link that works once, for 7 days. They sign in or create an account with that address to join.
          </p>
          <div className="flex flex-col gap-3 sm:flex-row sm:items-center">
            <Button type="submit" disabled={pending}>
              <Mail aria-hidden />
              {pending ? "Sending…" : "Send invitation"}
            </Button>
            <p role="status" className="text-[13px]">
              {state?.ok ? (
                <span className="text-success">Invitation sent to {state.data.email}.</span>
              ) : failure && !emailErrors && !roleErrors ? (
                <span className="text-danger">{failure.error}</span>
              ) : null}
            </p>
          </div>
        </form>
      </CardContent>
    </Card>
  );
}
