"use client";

// The query cache, for the pages that fetch in the browser (Usage): only they
// ship TanStack Query.
import { QueryClientProvider } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { getQueryClient } from "@/components/query-client";

export function QueryProvider({ children }: { children: ReactNode }) {
  // Not in useState: a render that suspends would throw the client away;
  // getQueryClient() already keeps one per tab.
  return <QueryClientProvider client={getQueryClient()}>{children}</QueryClientProvider>;
}
