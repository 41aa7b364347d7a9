"use client";

// Client-side context for every page: the next-auth session and the query cache.
import { QueryClientProvider } from "@tanstack/react-query";
import { SessionProvider } from "next-auth/react";
import type { ReactNode } from "react";
import { getQueryClient } from "@/components/query-client";

export function Providers({ children }: { children: ReactNode }) {
  // Not in useState: a render that suspends would throw the client away;
  // getQueryClient() already keeps one per tab.
  const queryClient = getQueryClient();
  return (
    <SessionProvider>
      <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
    </SessionProvider>
  );
}
