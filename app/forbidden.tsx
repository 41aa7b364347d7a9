// 403: rendered by forbidden(), e.g. a customer opening the support console.
import { Lock } from "lucide-react";
import Link from "next/link";
import { StatusPage } from "@/components/shell/status-page";
import { buttonClassName } from "@/components/ui/button";

export default function Forbidden() {
  return (
    <StatusPage
      code="403"
      icon={Lock}
      title="You don't have access to this page"
      description="Your account is signed in, but it is not allowed to see this page. If you think it should be, ask a workspace owner."
    >
      <Link href="/" className={buttonClassName()}>
        Go to your workspace
      </Link>
    </StatusPage>
  );
}
