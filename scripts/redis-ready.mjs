// Exit 0 when the Redis at argv[2] answers PING within five seconds.
import Redis from "ioredis";

const redis = new Redis(process.argv[2], { lazyConnect: true, connectTimeout: 5000, maxRetriesPerRequest: 0, retryStrategy: () => null });
try {
  await redis.connect();
  await redis.ping();
  redis.disconnect();
  process.exit(0);
} catch (error) {
  console.error(`Redis not reachable: ${error instanceof Error ? error.message : error}`);
  redis.disconnect();
  process.exit(1);
}
