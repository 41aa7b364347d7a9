// The customer dashboard of one workspace: membership check, then the shell.
import type { ReactNode } from "react";
import { ArrearsBanner } from "@/components/billing/arrears-banner";
import { AppShell } from "@/components/shell/app-shell";
import { requireWorkspace } from "@/lib/auth/access";

export default async function WorkspaceLayout({ children, params }: { children: ReactNode; params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const ctx = await requireWorkspace(slug);
  return (
    <AppShell
      user={ctx.user}
      role={ctx.role}
      workspace={{ id: ctx.workspace.id, slug: ctx.workspace.slug, name: ctx.workspace.name, role: ctx.role }}
      workspaces={ctx.workspaces}
    >
      <ArrearsBanner workspace={ctx.workspace} role={ctx.role} />
      {children}
    </AppShell>
  );
}
