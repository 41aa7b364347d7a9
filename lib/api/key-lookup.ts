import "server-only";

// The process's API key lookup: the key by its prefix with the workspace's
// rate limits, cached in memory and invalidated by PostgreSQL notifications
// (see key-cache.ts for why that is safe); concurrent misses for one prefix
// share one query.
import { database } from "@/lib/db";
import { findKeyWithLimits, API_AUTH_CHANNEL, type KeyWithLimits } from "@/lib/db/api-auth";
import { KeyCache } from "./key-cache";

const holder = globalThis as unknown as { __meterdeskKeys?: Promise<KeyCache<KeyWithLimits>> };

function keyCache(): Promise<KeyCache<KeyWithLimits>> {
  holder.__meterdeskKeys ??= (async () => {
    const db = await database();
    const cache = new KeyCache<KeyWithLimits>((prefix) => findKeyWithLimits(db.sql, prefix));
    await db.listen(API_AUTH_CHANNEL, {
      message: (workspaceId) => cache.invalidate(workspaceId),
      listening: (on) => cache.setListening(on),
    });
    return cache;
  })().catch((error) => {
    holder.__meterdeskKeys = undefined;
    throw error;
  });
  return holder.__meterdeskKeys;
}

export async function findApiKey(prefix: string): Promise<KeyWithLimits | null> {
  return (await keyCache()).get(prefix);
}
