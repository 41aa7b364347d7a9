import "server-only";

// The key that signs session cookies: AUTH_SECRET, or — for the zero-config
// demo — a random secret created once and kept in .data/auth-secret.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { env } from "@/lib/env";

let cached: string | undefined;

export function authSecret(): string {
  if (cached) return cached;
  const configured = env().AUTH_SECRET;
  if (configured) return (cached = configured);
  const file = path.join(path.dirname(path.resolve(env().PGLITE_DIR)), "auth-secret");
  try {
    cached = fs.readFileSync(file, "utf8").trim();
  } catch {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const secret = randomBytes(32).toString("base64url");
    try {
      fs.writeFileSync(file, secret, { flag: "wx", mode: 0o600 });
    } catch {
      // Another process wrote it first: use theirs.
    }
    cached = fs.readFileSync(file, "utf8").trim();
  }
  return cached;
}
