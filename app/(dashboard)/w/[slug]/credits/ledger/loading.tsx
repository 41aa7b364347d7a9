// Shown inside the shell while the ledger loads: the header, the filters and rows of the table.
import { Skeleton } from "@/components/ui/skeleton";

export default function Loading() {
  return (
    <div role="status" aria-live="polite" aria-busy="true">
      <span className="sr-only">Loading the ledger…</span>
      <Skeleton className="mb-3 h-4 w-16" />
      <div className="mb-8 space-y-2.5">
        <Skeleton className="h-7 w-28" />
        <Skeleton className="h-4 w-[36rem] max-w-full" />
      </div>
      <div className="mb-6 rounded-xl border border-border bg-surface p-4 sm:p-5">
        <div className="grid gap-3 sm:grid-cols-3 lg:grid-cols-5">
          {[0, 1, 2, 3, 4].map((index) => (
            <div key={index} className="space-y-1.5">
              <Skeleton className="h-3.5 w-20" />
              <Skeleton className="h-9 w-full" />
            </div>
          ))}
        </div>
        <Skeleton className="mt-4 h-8 w-28" />
      </div>
      <div className="overflow-hidden rounded-xl border border-border bg-surface">
        <Skeleton className="h-10 w-full rounded-none" />
        {[0, 1, 2, 3, 4, 5, 6, 7].map((index) => (
          <div key={index} className="flex items-center gap-6 border-t border-border px-5 py-4">
            <Skeleton className="h-4 w-32" />
            <Skeleton className="h-5 w-24 rounded-full" />
            <Skeleton className="hidden h-4 w-20 sm:block" />
            <Skeleton className="ml-auto h-4 w-24" />
            <Skeleton className="hidden h-4 w-28 md:block" />
          </div>
        ))}
      </div>
    </div>
  );
}
