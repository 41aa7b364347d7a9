// Shown inside the shell while this page loads. Each section has its own:
// a loading boundary streams the page's shell with status 200 before the page
// has run, so one above the invoice pages would turn their "not found" into a
// 200 (the invoices and the overview render before they answer instead).
import { PageSkeleton } from "@/components/shell/page-skeleton";

export default function Loading() {
  return <PageSkeleton />;
}
