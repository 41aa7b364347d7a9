import "server-only";

import { env } from "@/lib/env";

/** OAuth providers that are configured (GitHub when GITHUB_ID/GITHUB_SECRET are set). */
export function oauthProviders(): { id: "github"; name: string }[] {
  return env().GITHUB_ID ? [{ id: "github", name: "GitHub" }] : [];
}
