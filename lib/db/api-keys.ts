import "server-only";

// API keys of a workspace (R9.1, R10): create (the secret is returned once and
// only its SHA-256 is stored), revoke, and the lookup the metering API
// authenticates with. Every change writes its audit row in the same
// transaction (R11).
import { UNSAFE_NAME_MESSAGE, unsafeNameCharacter } from "@/lib/names";
import type { PrismaClient, Tx } from "@/lib/db";
import { generateApiKey } from "@/lib/api-keys/key";
import { writeAudit, type Actor } from "./audit";

/** Active keys a workspace may hold at once; revoked keys do not count. */
export const MAX_ACTIVE_API_KEYS = 25;
export const API_KEY_NAME_MAX = 60;

export type ApiKeyErrorCode = "invalid-name" | "limit-reached" | "not-found";

/** An expected refusal; its message can be shown to the customer as-is. */
export class ApiKeyError extends Error {
  constructor(
    readonly code: ApiKeyErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "ApiKeyError";
  }
}

/** The trimmed name, or an ApiKeyError: 1–60 characters, no control characters. */
export function normalizeApiKeyName(raw: string): string {
  const name = raw.trim();
  if (name.length === 0) throw new ApiKeyError("invalid-name", "Enter a name for the key.");
  if (name.length > API_KEY_NAME_MAX) throw new ApiKeyError("invalid-name", `Use at most ${API_KEY_NAME_MAX} characters.`);
  if (unsafeNameCharacter(name) !== null) throw new ApiKeyError("invalid-name", UNSAFE_NAME_MESSAGE);
  return name;
}

export interface CreatedApiKey {
  id: string;
  name: string;
  prefix: string;
  /** The whole key. Shown to the customer once; it exists nowhere else. */
  secret: string;
}

export async function createApiKey(
  prisma: PrismaClient,
  input: { workspaceId: string; name: string; actor: Actor; now: Date },
): Promise<CreatedApiKey> {
  const name = normalizeApiKeyName(input.name);
  return prisma.$transaction(async (tx) => {
    // Serialises key creation per workspace, so two concurrent requests cannot
    // both pass the limit check. NO KEY UPDATE does not block the inserts that
    // merely reference the workspace (usage, ledger).
    await tx.$queryRaw`SELECT "id" FROM "Workspace" WHERE "id" = ${input.workspaceId}::uuid FOR NO KEY UPDATE`;
    const active = await tx.apiKey.count({ where: { workspaceId: input.workspaceId, revokedAt: null } });
    if (active >= MAX_ACTIVE_API_KEYS) {
      throw new ApiKeyError(
        "limit-reached",
        `This workspace already has ${MAX_ACTIVE_API_KEYS} active keys, the most it can hold. Revoke a key you no longer use, then create a new one.`,
      );
    }

    const key = await uniqueKey(tx);
    const created = await tx.apiKey.create({
      data: {
        workspaceId: input.workspaceId,
        name,
        prefix: key.prefix,
        secretHash: key.secretHash,
        createdById: input.actor.id,
        createdAt: input.now,
      },
      select: { id: true, name: true, prefix: true },
    });
    await writeAudit(tx, {
      workspaceId: input.workspaceId,
      actor: input.actor,
      action: "api_key.created",
      detail: { keyId: created.id, name: created.name, prefix: created.prefix },
      now: input.now,
    });
    return { ...created, secret: key.secret };
  });
}

/**
 * A fresh key whose prefix no other key has, in any workspace: the API finds
 * a key by its prefix alone. 40 random bits make a clash very unlikely; the
 * check makes it impossible for keys created here.
 */
async function uniqueKey(tx: Tx) {
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const key = generateApiKey();
    const clash = await tx.apiKey.findFirst({ where: { prefix: key.prefix }, select: { id: true } });
    if (!clash) return key;
  }
  throw new Error("Could not generate an unused API key prefix");
}

export interface RevokedApiKey {
  id: string;
  name: string;
  prefix: string;
  revokedAt: Date;
  /** False when the key was already revoked: nothing changed, no audit row. */
  changed: boolean;
}

/** Revokes a key of the workspace. Idempotent; a key of another workspace is "not found". */
export async function revokeApiKey(
  prisma: PrismaClient,
  input: { workspaceId: string; keyId: string; actor: Actor; now: Date },
): Promise<RevokedApiKey> {
  return prisma.$transaction(async (tx) => {
    const where = { workspaceId: input.workspaceId, id: input.keyId };
    // The conditional update decides who revoked it when two requests race.
    const { count } = await tx.apiKey.updateMany({ where: { ...where, revokedAt: null }, data: { revokedAt: input.now } });
    const key = await tx.apiKey.findUnique({
      where: { workspaceId_id: where },
      select: { id: true, name: true, prefix: true, revokedAt: true },
    });
    if (!key?.revokedAt) throw new ApiKeyError("not-found", "This key does not exist in this workspace.");
    if (count === 1) {
      await writeAudit(tx, {
        workspaceId: input.workspaceId,
        actor: input.actor,
        action: "api_key.revoked",
        detail: { keyId: key.id, name: key.name, prefix: key.prefix },
        now: input.now,
      });
    }
    return { id: key.id, name: key.name, prefix: key.prefix, revokedAt: key.revokedAt, changed: count === 1 };
  });
}
