// The one TanStack Query client factory (STYLE: client data). A new client per
// request on the server, so users never share a cache; one client for the
// life of the tab in the browser.
import { QueryClient, isServer } from "@tanstack/react-query";

/** An HTTP failure that queries can throw so that retries know the status. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message = `Request failed with status ${status}`,
  ) {
    super(message);
    this.name = "HttpError";
  }
}

// Retrying these cannot succeed: signed out, not allowed, or gone.
const NO_RETRY_STATUSES = new Set([401, 403, 404]);
const MAX_RETRIES = 2;

function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        retry: (failureCount, error) => {
          if (error instanceof HttpError && NO_RETRY_STATUSES.has(error.status)) return false;
          return failureCount < MAX_RETRIES;
        },
      },
    },
  });
}

let browserQueryClient: QueryClient | undefined;

export function getQueryClient(): QueryClient {
  if (isServer) return makeQueryClient();
  browserQueryClient ??= makeQueryClient();
  return browserQueryClient;
}
