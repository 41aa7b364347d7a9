// The support console frame (R11): staff only; everyone else gets the 403 page.
import type { ReactNode } from "react";
import { SupportShell } from "@/components/shell/support-shell";
import { requireStaff } from "@/lib/auth/access";

export default async function SupportLayout({ children }: { children: ReactNode }) {
  const staff = await requireStaff();
  return <SupportShell user={staff}>{children}</SupportShell>;
}
