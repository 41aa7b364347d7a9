"use client";

// The members section's controls for people who manage members (the tables
// are drawn on the server, members-section.tsx): owners change roles, remove
// members and invite anyone; billing admins invite billing admins and viewers.
// The server actions check all of this again.
import {
  createContext,
  lazy,
  Suspense,
  useActionState,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  useTransition,
  type ReactNode,
} from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { FieldError } from "@/components/ui/field-error";
import { inputClassName } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { TextField } from "@/components/ui/text-field";
import { roleLabels, type WorkspaceRole } from "@/lib/auth/roles";
import { ROLES } from "./member-roles";
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

const roleHints: Record<WorkspaceRole, string> = {
  OWNER: "Everything, including members.",
  BILLING_ADMIN: "Plan, credits, packages and API keys.",
  VIEWER: "Sees everything, changes nothing.",
};
const selectClassName = cn(inputClassName, "h-9 w-auto min-w-[8.5rem] pr-8");

type Message = { tone: "danger" | "success"; text: string } | null;

interface MembersState {
  setMessage: (message: Message) => void;
  remove: (member: ManagedMember) => void;
}

const MembersContext = createContext<MembersState | null>(null);

function useMembers(): MembersState {
  const state = useContext(MembersContext);
  if (!state) throw new Error("A member control outside MembersArea");
  return state;
}

/** The members section's shared state: the message above the tables and the member being removed. */
export function MembersArea({ slug, currentUserId, children }: { slug: string; currentUserId: string; children: ReactNode }) {
  const [message, setMessage] = useState<Message>(null);
  const [removing, setRemoving] = useState<ManagedMember | null>(null);
  const state = useMemo<MembersState>(
    () => ({
      setMessage,
      remove: (member) => {
        setMessage(null);
        setRemoving(member);
      },
    }),
    [],
  );
  return (
    <MembersContext.Provider value={state}>
      <div className="space-y-5">
        {message ? (
          <Alert tone={message.tone} live>
            {message.text}
          </Alert>
        ) : null}
        {children}
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
    </MembersContext.Provider>
  );
}

/** "Remove" (or "Leave", for oneself) on a member's row. */
export function RemoveMemberButton({ member, self, className }: { member: ManagedMember; self: boolean; className?: string }) {
  const { remove } = useMembers();
  return (
    <Button variant="ghost" size="sm" className={className} aria-label={`Remove ${member.name}`} onClick={() => remove(member)}>
      {self ? "Leave" : "Remove"}
    </Button>
  );
}

export function MemberRoleSelect({ slug, member }: { slug: string; member: ManagedMember }) {
  const { setMessage } = useMembers();
  return <RoleSelect slug={slug} member={member} onMessage={setMessage} />;
}

export function WithdrawInvitationButton({ slug, invitation }: { slug: string; invitation: OpenInvitation }) {
  const { setMessage } = useMembers();
  return <WithdrawButton slug={slug} invitation={invitation} onMessage={setMessage} />;
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

export function InviteForm({
  slug,
  roles,
  sendIcon,
}: {
  slug: string;
  roles: WorkspaceRole[];
  /** The send button's icon, drawn by the server. */
  sendIcon: ReactNode;
}) {
  const [state, formAction, pending] = useActionState<InviteState, FormData>(inviteMemberAction, null);
  const formRef = useRef<HTMLFormElement>(null);
  const failure = state && !state.ok ? state : null;
  useEffect(() => {
    if (state?.ok) formRef.current?.reset();
  }, [state]);
  const emailErrors = failure?.fieldErrors?.email;
  const roleErrors = failure?.fieldErrors?.role;
  return (
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
          {sendIcon}
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
  );
}
