import "server-only";

// Password hashing with Argon2id (@node-rs/argon2, OWASP parameters). The
// verify of the library compares in constant time.
import { hash, verify } from "@node-rs/argon2";

const OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const MIN_PASSWORD_LENGTH = 10;

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

// Verified against when the email is unknown, so that a wrong email costs the
// same time as a wrong password and does not reveal which accounts exist. It
// is made on the first verify of any kind, so that no first unknown email
// pays for it alone.
let dummyHash: Promise<string> | undefined;

export async function verifyPassword(storedHash: string | null, password: string): Promise<boolean> {
  dummyHash ??= hashPassword("meterdesk-timing-equaliser");
  if (!storedHash) {
    await verify(await dummyHash, password).catch(() => false);
    return false;
  }
  return verify(storedHash, password).catch(() => false);
}
