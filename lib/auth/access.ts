import "server-only";

// Access checks for pages, route handlers and server actions. Every one of
// them calls one of these on the server, even when a layout already did
// (STYLE: auth never only in a layout).
import { forbidden, notFound, redirect } from "next/navigation";
import { cache } from "react";
import { db } from "@/lib/db";
import { findMembershipBySlug, listUserWorkspaces, type WorkspaceSummary } from "@/lib/db/queries/workspaces";
import { can, type Permission, type StaffRoleName, type WorkspaceRole } from "./roles";
import { readSession } from "./session";

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  staffRole: StaffRoleName | null;
}

export type WorkspaceContext = NonNullable<Awaited<ReturnType<typeof findMembershipBySlug>>> & {
  user: SessionUser;
  role: WorkspaceRole;
  /** Every workspace of the user, for the switcher. */
  workspaces: WorkspaceSummary[];
};

/** The signed-in user, or null. Cached per request. */
export const getSessionUser = cache(async (): Promise<SessionUser | null> => readSession());

export async function requireUser(): Promise<SessionUser> {
  const user = await getSessionUser();
  if (!user) redirect("/sign-in");
  return user;
}

/**
 * The user's membership of the workspace `slug`, looked up once per request:
 * cached by the slug alone, so the layout and the page (which ask with
 * different permissions) share one lookup.
 */
const loadMembership = cache(async (slug: string): Promise<WorkspaceContext | null> => {
  const user = await requireUser();
  const prisma = await db();
  const [membership, workspaces] = await Promise.all([findMembershipBySlug(prisma, user.id, slug), listUserWorkspaces(prisma, user.id)]);
  return membership ? { ...membership, user, workspaces } : null;
});

/**
 * The user's membership of the workspace `slug` with at least `permission`.
 * Not signed in → sign-in page; not a member → 404 (we don't reveal that the
 * workspace exists); a member without the permission → 403.
 */
export async function requireWorkspace(slug: string, permission: Permission = "read"): Promise<WorkspaceContext> {
  const membership = await loadMembership(slug);
  if (!membership) notFound();
  if (!can(membership.role, permission)) forbidden();
  return membership;
}

/** Staff pages: signed-in users with a staff role only (R11). */
export async function requireStaff(): Promise<SessionUser & { staffRole: StaffRoleName }> {
  const user = await requireUser();
  if (!user.staffRole) forbidden();
  return user as SessionUser & { staffRole: StaffRoleName };
}

/** Staff management: admins only (R11); support staff and customers get 403, like requireStaff. */
export async function requireAdmin(): Promise<SessionUser & { staffRole: "ADMIN" }> {
  const staff = await requireStaff();
  if (staff.staffRole !== "ADMIN") forbidden();
  return staff as SessionUser & { staffRole: "ADMIN" };
}

/** Where a signed-in user lands: their first workspace, or the support console for staff without one. */
export async function homePathFor(user: SessionUser): Promise<string> {
  const workspaces = await listUserWorkspaces(await db(), user.id);
  const first = workspaces[0];
  if (first) return `/w/${first.slug}`;
  return user.staffRole ? "/support" : "/sign-up";
}
