-- The sign-in lockout is counted per email in lib/auth/lockout.ts (Redis or
-- in process), so that an unknown email is locked out exactly like a known
-- one: the per-user counters are no longer read or written.

-- AlterTable
ALTER TABLE "User" DROP COLUMN "failedSignIns",
DROP COLUMN "lockedUntil";
