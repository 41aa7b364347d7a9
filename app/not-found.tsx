// 404, also for workspaces the user is not a member of (we don't reveal they exist).
import { Compass } from "lucide-react";
import Link from "next/link";
import { StatusPage } from "@/components/shell/status-page";
import { buttonClassName } from "@/components/ui/button";

export default function NotFound() {
  return (
    <StatusPage
      code="404"
      icon={Compass}
      title="Page not found"
      description="This page does not exist, or you are not a member of the workspace it belongs to."
    >
      <Link href="/" className={buttonClassName()}>
        Go home
      </Link>
    </StatusPage>
  );
}
